// The hand-written codec against protobufjs reading machine.proto, and the client's bounds.
import assert from 'node:assert/strict'
import { createServer, type Socket } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import protobuf from 'protobufjs'
import { UserError } from '../../src/errors.js'
import { generateClientConfiguration, plainDetails } from '../../src/talos-api/client.js'
import { decodeData, decodeResponse, encodeRequest } from '../../src/talos-api/codec.js'
import { daysFromNow, makeCluster } from '../support/cluster.js'

const proto = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'src', 'talos-api', 'machine.proto')
const root = protobuf.loadSync(proto)
root.resolveAll()

describe('the GenerateClientConfiguration codec', () => {
  it('encodes the request as protobufjs reads it', () => {
    const Request = root.lookupType('machine.GenerateClientConfigurationRequest')
    const decoded = Request.toObject(
      Request.decode(encodeRequest({ roles: ['os:admin', 'os:reader'], crtTtlSeconds: 31_536_000 })),
      { longs: Number }
    )
    assert.deepEqual(decoded, { roles: ['os:admin', 'os:reader'], crtTtl: { seconds: 31_536_000 } })
  })

  it('decodes a response protobufjs writes', () => {
    const Response = root.lookupType('machine.GenerateClientConfigurationResponse')
    const bytes = Response.encode(
      Response.fromObject({
        messages: [
          {
            metadata: { hostname: 'cp-1', error: '' },
            ca: Buffer.from('CA'),
            crt: Buffer.from('CRT'),
            key: Buffer.from('KEY'),
            talosconfig: Buffer.from('context: x')
          }
        ]
      })
    ).finish()
    assert.deepEqual(decodeResponse(Buffer.from(bytes)), [
      { hostname: 'cp-1', error: '', ca: Buffer.from('CA'), crt: Buffer.from('CRT'), key: Buffer.from('KEY') }
    ])
    const failed = Response.encode(
      Response.fromObject({ messages: [{ metadata: { hostname: 'w-1', error: 'not a control plane node' } }] })
    ).finish()
    assert.equal(decodeResponse(Buffer.from(failed))[0]?.error, 'not a control plane node')
  })

  it('decodes the common.Data messages of Kubeconfig as protobufjs writes them', () => {
    const Data = root.lookupType('machine.Data')
    const piece = Data.encode(
      Data.fromObject({ metadata: { hostname: 'cp-1' }, bytes: Buffer.from([0x1f, 0x8b, 0, 1, 2]) })
    ).finish()
    assert.deepEqual(decodeData(Buffer.from(piece)), {
      hostname: 'cp-1',
      error: '',
      bytes: Buffer.from([0x1f, 0x8b, 0, 1, 2])
    })
    const failed = Data.encode(
      Data.fromObject({
        metadata: { hostname: 'w-1', error: 'kubeconfig can only be generated on a control plane node' }
      })
    ).finish()
    assert.deepEqual(decodeData(Buffer.from(failed)), {
      hostname: 'w-1',
      error: 'kubeconfig can only be generated on a control plane node',
      bytes: Buffer.alloc(0)
    })
  })

  it('refuses truncated input instead of misreading it', () => {
    assert.throws(() => decodeResponse(Buffer.from([0x0a, 0x10, 0x12])), /truncated/)
  })
})

describe('gRPC failures in words', () => {
  it("drop the library's own framing", () => {
    assert.equal(
      plainDetails(
        'No connection established. Last error: Error: self-signed certificate in certificate chain. Resolution note: '
      ),
      'self-signed certificate in certificate chain.'
    )
    assert.equal(
      plainDetails('kubeconfig can only be generated on a control plane node'),
      'kubeconfig can only be generated on a control plane node'
    )
  })
})

describe('endpoints', () => {
  it('give up on a node that accepts connections but never answers, within the bounds', async () => {
    const sockets: Socket[] = []
    const stalled = createServer((socket) => void sockets.push(socket))
    await new Promise<void>((done) => stalled.listen(0, '127.0.0.1', done))
    const { port } = stalled.address() as { port: number }
    const cluster = makeCluster()
    const client = cluster.clientCertificate({ notBefore: daysFromNow(-1), notAfter: daysFromNow(10) })
    const started = Date.now()
    try {
      await assert.rejects(
        generateClientConfiguration(
          { context: 'home', endpoints: [`127.0.0.1:${port}`], caPem: cluster.caCrtPem, ...client },
          { roles: ['os:admin'], crtTtlSeconds: 3600 },
          { attemptMs: 400, totalMs: 1000 }
        ),
        (error) =>
          error instanceof UserError &&
          new RegExp(
            `^No endpoint of talosconfig context 'home' answered GenerateClientConfiguration: 127\\.0\\.0\\.1:${port} \\(no answer within 0 s\\)`
          ).test(error.message)
      )
      assert.ok(Date.now() - started < 3000)
    } finally {
      for (const socket of sockets) socket.destroy()
      stalled.close()
    }
  })
})

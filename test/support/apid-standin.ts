// A loopback stand-in for a Talos node's apid, serving GenerateClientConfiguration from the
// proto subset in src/talos-api/machine.proto (through proto-loader, independently of the
// action's own codec). Like apid it requires client certificates and verifies them against
// the OS CA, reads the caller's roles from the certificate's O, refuses anything without
// os:admin, refuses on a worker, and issues the certificate the way Talos does.
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as grpc from '@grpc/grpc-js'
import { loadSync } from '@grpc/proto-loader'
import { loadLocalCa } from '../../src/pki/ca.js'
import { localCaIssuer } from '../../src/pki/issue.js'
import { talosClientProfile } from '../../src/pki/profile.js'
import type { Cluster } from './cluster.js'
import { standardKeyPem } from './judge.js'

const PROTO = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'src', 'talos-api', 'machine.proto')

export interface ReceivedCall {
  roles: string[]
  crtTtlSeconds: number
  /** The roles of the caller's certificate, as apid reads them. */
  callerRoles: string[]
}

export interface ApidStandIn {
  endpoint: string
  calls: ReceivedCall[]
  close(): Promise<void>
}

export async function startApid(cluster: Cluster, options: { worker?: boolean } = {}): Promise<ApidStandIn> {
  const definition = loadSync(PROTO, { keepCase: true, longs: Number, defaults: true })
  const machine = grpc.loadPackageDefinition(definition).machine as unknown as { MachineService: grpc.ServiceClientConstructor }
  const calls: ReceivedCall[] = []
  const server = new grpc.Server()
  server.addService(machine.MachineService.service, {
    GenerateClientConfiguration: (call: grpc.ServerUnaryCall<{ roles: string[]; crt_ttl?: { seconds: number } }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      void (async () => {
        const peer = call.getAuthContext()?.sslPeerCertificate
        const callerRoles = peer ? [peer.subject.O].flat().filter((role): role is string => typeof role === 'string') : []
        calls.push({ roles: call.request.roles, crtTtlSeconds: call.request.crt_ttl?.seconds ?? 0, callerRoles })
        if (!callerRoles.includes('os:admin')) return callback({ code: grpc.status.PERMISSION_DENIED, details: 'not authorized' })
        if (options.worker) return callback({ code: grpc.status.FAILED_PRECONDITION, details: 'client configuration (talosconfig) can only be generated on a control plane node' })
        const ttlSeconds = call.request.crt_ttl?.seconds ?? 0
        if (ttlSeconds <= 0) return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'crt_ttl should be positive' })
        const now = new Date()
        const origin = { input: 'apid', path: 'os' }
        const ca = loadLocalCa(cluster.caCrtPem, cluster.caKeyPem, origin, now)
        const issued = await localCaIssuer(ca, origin).issue({ profile: talosClientProfile(call.request.roles), ttlMs: ttlSeconds * 1000, now })
        callback(null, { messages: [{ metadata: { hostname: 'cp-1' }, ca: Buffer.from(cluster.caCrtPem), crt: Buffer.from(issued.crtPem), key: Buffer.from(issued.keyPem), talosconfig: Buffer.from(`context: ${call.request.roles[0]}@demo\n`) }] })
      })().catch((error: Error) => callback({ code: grpc.status.INTERNAL, details: error.message }))
    }
  })
  const serverCertificate = cluster.serverCertificate()
  const credentials = grpc.ServerCredentials.createSsl(Buffer.from(cluster.caCrtPem), [{ private_key: Buffer.from(standardKeyPem(serverCertificate.keyPem)), cert_chain: Buffer.from(serverCertificate.crtPem) }], true)
  const port = await new Promise<number>((done, fail) => server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? fail(error) : done(bound))))
  return {
    endpoint: `127.0.0.1:${port}`,
    calls,
    close: () => new Promise((done) => server.tryShutdown(() => done()))
  }
}

// A loopback stand-in for a Talos node's apid, serving GenerateClientConfiguration,
// Kubeconfig and Version from the proto subset in src/talos-api/machine.proto (through proto-loader,
// independently of the action's own codec). Like apid it requires client certificates and
// verifies them against the OS CA, reads the caller's roles from the certificate's O, refuses
// anything without os:admin, refuses on a worker, and issues as Talos does: talosconfig
// certificates from the OS CA, and the admin kubeconfig (signed by openssl with the Kubernetes
// CA, CN=admin, O=system:masters, notBefore 10 s back) as a gzip tar, sent as Talos sends it.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import * as grpc from '@grpc/grpc-js'
import { loadSync } from '@grpc/proto-loader'
import { stringify } from 'yaml'
import { loadLocalCa } from '../../src/pki/ca.js'
import { caSigner } from '../../src/pki/issue.js'
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

export interface KubeconfigOptions {
  /** cluster.adminKubeconfig.certLifetime; a year by default. */
  lifetimeMs?: number
  /** Accepted Kubernetes CAs beside the issuing one (a CA rotation under way). */
  acceptedCaPems?: string[]
  clusterName?: string
  server?: string
  /** 'go': as Server.Kubeconfig writes it (header and file, tar never closed); 'gnu': GNU tar's own output. */
  archive?: 'go' | 'gnu'
  /** Split the archive over messages of this many bytes; one message by default, as Talos sends it. */
  chunkBytes?: number
  /** Fields a node's document might carry beyond GenerateAdmin's, which a first kubeconfig must not take. */
  extras?: { user?: Record<string, unknown>; cluster?: Record<string, unknown>; top?: Record<string, unknown> }
}

/** The roles apid lets call Version. */
const VERSION_ROLES = ['os:admin', 'os:operator', 'os:reader']

export interface ApidOptions {
  /** The loopback address it listens on; its certificate names 127.0.0.1 whatever this is. */
  host?: string
  worker?: boolean
  /** Refuse every call with PermissionDenied, even an os:admin caller's (roles revoked, say). */
  denyAll?: boolean
  /** The CA the node answers GenerateClientConfiguration with, when not the one it signs with. */
  answerCaPem?: string
  /**
   * A host that holds an apid certificate from the cluster's CA but issues from CAs of its own
   * (this cluster's), answering with them: what the CA gate must stop.
   */
  foreignCa?: Cluster
  /** The CA whose client certificates it accepts, when not the cluster's own (after a rotation the bundle missed). */
  clientCa?: Cluster
  kubeconfig?: KubeconfigOptions
  /** What GenerateClientConfiguration and Kubeconfig answer an admin with instead: a hostile node's status. */
  refuse?: { code: number; details: string }
  /** What Version answers with (a hostile node's hostname, say), when not cp-1 running v1.12.0. */
  versionAnswer?: { hostname?: string; tag?: string }
}

export interface ApidStandIn {
  endpoint: string
  calls: ReceivedCall[]
  /** The roles of each Kubeconfig caller. */
  kubeconfigCalls: string[][]
  /** The certificate (PEM) each Version caller presented: apid accepted it from its OS CA. */
  versionCalls: string[]
  /** The roles of each Version caller, as apid read them. */
  versionRoles: string[][]
  /** Every certificate it issued, talosconfig and kubeconfig alike, in PEM. */
  issued: string[]
  close(): Promise<void>
}

type Status = { code: grpc.status; details: string }

export async function startApid(cluster: Cluster, options: ApidOptions = {}): Promise<ApidStandIn> {
  const definition = loadSync(PROTO, { keepCase: true, longs: Number, defaults: true })
  const machine = grpc.loadPackageDefinition(definition).machine as unknown as {
    MachineService: grpc.ServiceClientConstructor
  }
  const calls: ReceivedCall[] = []
  const kubeconfigCalls: string[][] = []
  const issued: string[] = []
  const versionCalls: string[] = []
  const versionRoles: string[][] = []
  const rolesOf = (call: Pick<grpc.ServerWritableStream<unknown, unknown>, 'getAuthContext'>) => {
    const peer = call.getAuthContext()?.sslPeerCertificate
    return peer ? [peer.subject.O].flat().filter((role): role is string => typeof role === 'string') : []
  }
  /** What apid answers before it does anything: the role check, then the controlplane check. */
  const refusal = (callerRoles: string[], what: string): Status | undefined => {
    if (options.denyAll || !callerRoles.includes('os:admin'))
      return { code: grpc.status.PERMISSION_DENIED, details: 'not authorized' }
    if (options.worker)
      return { code: grpc.status.FAILED_PRECONDITION, details: `${what} can only be generated on a control plane node` }
    return options.refuse
  }
  const server = new grpc.Server()
  server.addService(machine.MachineService.service, {
    GenerateClientConfiguration: (
      call: grpc.ServerUnaryCall<{ roles: string[]; crt_ttl?: { seconds: number } }, unknown>,
      callback: grpc.sendUnaryData<unknown>
    ) => {
      void (async () => {
        const callerRoles = rolesOf(call)
        calls.push({ roles: call.request.roles, crtTtlSeconds: call.request.crt_ttl?.seconds ?? 0, callerRoles })
        const refused = refusal(callerRoles, 'client configuration (talosconfig)')
        if (refused) return callback(refused)
        const ttlSeconds = call.request.crt_ttl?.seconds ?? 0
        if (ttlSeconds <= 0)
          return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'crt_ttl should be positive' })
        const now = new Date()
        const origin = { input: 'apid', path: 'os' }
        const signer = options.foreignCa ?? cluster
        const ca = loadLocalCa(signer.caCrtPem, signer.caKeyPem, origin, now)
        const credential = await caSigner(ca, origin).issue({
          profile: talosClientProfile(call.request.roles),
          ttlMs: ttlSeconds * 1000,
          now
        })
        issued.push(credential.crtPem)
        const answerCa = options.answerCaPem ?? signer.caCrtPem
        callback(null, {
          messages: [
            {
              metadata: { hostname: 'cp-1' },
              ca: Buffer.from(answerCa),
              crt: Buffer.from(credential.crtPem),
              key: Buffer.from(credential.keyPem),
              talosconfig: Buffer.from(`context: ${call.request.roles[0]}@demo\n`)
            }
          ]
        })
      })().catch((error: Error) => callback({ code: grpc.status.INTERNAL, details: error.message }))
    },
    // Mutual TLS against the OS CA has already judged the certificate; then, as apid's
    // authorization does, os:reader and above may call Version, and other roles are denied.
    Version: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const peer = call.getAuthContext()?.sslPeerCertificate
      versionCalls.push(
        peer
          ? `-----BEGIN CERTIFICATE-----\n${peer.raw.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`
          : ''
      )
      const callerRoles = rolesOf(call)
      versionRoles.push(callerRoles)
      if (options.denyAll || !callerRoles.some((role) => VERSION_ROLES.includes(role)))
        return callback({ code: grpc.status.PERMISSION_DENIED, details: 'not authorized' })
      const { hostname = 'cp-1', tag = 'v1.12.0' } = options.versionAnswer ?? {}
      callback(null, { messages: [{ metadata: { hostname }, version: { tag, sha: 'abc1234' } }] })
    },
    Kubeconfig: (call: grpc.ServerWritableStream<unknown, unknown>) => {
      const callerRoles = rolesOf(call)
      kubeconfigCalls.push(callerRoles)
      const refused = refusal(callerRoles, 'kubeconfig')
      if (refused) return call.emit('error', refused)
      try {
        const signer = options.foreignCa ?? cluster
        const archive = kubeconfigArchive(signer, options.kubeconfig ?? {}, (crtPem) => issued.push(crtPem))
        const size = options.kubeconfig?.chunkBytes ?? archive.length
        for (let at = 0; at < archive.length; at += size)
          call.write({ metadata: { hostname: 'cp-1' }, bytes: archive.subarray(at, at + size) })
        call.end()
      } catch (error) {
        call.emit('error', { code: grpc.status.INTERNAL, details: (error as Error).message })
      }
    }
  })
  const serverCertificate = cluster.serverCertificate()
  const credentials = grpc.ServerCredentials.createSsl(
    Buffer.from((options.clientCa ?? cluster).caCrtPem),
    [
      {
        private_key: Buffer.from(standardKeyPem(serverCertificate.keyPem)),
        cert_chain: Buffer.from(serverCertificate.crtPem)
      }
    ],
    true
  )
  const port = await new Promise<number>((done, fail) =>
    server.bindAsync(`${options.host ?? '127.0.0.1'}:0`, credentials, (error, bound) =>
      error ? fail(error) : done(bound)
    )
  )
  return {
    endpoint: `${options.host ?? '127.0.0.1'}:${port}`,
    calls,
    kubeconfigCalls,
    versionCalls,
    versionRoles,
    issued,
    close: () => new Promise((done) => server.tryShutdown(() => done()))
  }
}

/** GenerateAdmin's kubeconfig, in the archive Server.Kubeconfig wraps it in. */
function kubeconfigArchive(cluster: Cluster, options: KubeconfigOptions, record: (crtPem: string) => void): Buffer {
  const now = Date.now()
  const client = cluster.kubeAdminCertificate({
    notBefore: new Date(now - 10_000),
    notAfter: new Date(now + (options.lifetimeMs ?? 365 * 86_400_000))
  })
  record(client.crtPem)
  const name = options.clusterName ?? 'demo'
  const b64 = (text: string) => Buffer.from(text).toString('base64')
  const extras = options.extras ?? {}
  const text = stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          server: options.server ?? 'https://127.0.0.1:9',
          'certificate-authority-data': b64([cluster.k8sCaPem, ...(options.acceptedCaPems ?? [])].join('')),
          ...extras.cluster
        }
      }
    ],
    users: [
      {
        name: `admin@${name}`,
        user: { 'client-certificate-data': b64(client.crtPem), 'client-key-data': b64(client.keyPem), ...extras.user }
      }
    ],
    contexts: [{ name: `admin@${name}`, context: { cluster: name, namespace: 'default', user: `admin@${name}` } }],
    'current-context': `admin@${name}`,
    ...extras.top
  })
  if (options.archive === 'gnu') {
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'))
    writeFileSync(join(dir, 'kubeconfig'), text, { mode: 0o600 })
    return execFileSync('tar', ['-czf', '-', '-C', dir, 'kubeconfig'])
  }
  return gzipSync(Buffer.concat([goTarHeader('kubeconfig', Buffer.byteLength(text)), Buffer.from(text)]))
}

/**
 * A USTAR header as Go's archive/tar writes one for a regular file. Server.Kubeconfig closes
 * only the gzip writer, never the tar writer: no padding and no end-of-archive blocks follow.
 */
function goTarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(512)
  const put = (offset: number, length: number, value: string) => header.write(value, offset, length, 'latin1')
  const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, '0') + '\0'
  put(0, 100, name)
  put(100, 8, octal(0o600, 8))
  put(108, 8, octal(0, 8))
  put(116, 8, octal(0, 8))
  put(124, 12, octal(size, 12))
  put(136, 12, octal(Math.floor(Date.now() / 1000), 12))
  put(148, 8, '        ')
  put(156, 1, '0')
  put(257, 6, 'ustar\0')
  put(263, 2, '00')
  let sum = 0
  for (const byte of header) sum += byte
  put(148, 8, sum.toString(8).padStart(6, '0') + '\0 ')
  return header
}

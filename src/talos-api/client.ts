// Calls to a controlplane node's apid, as talosctl makes them, over mutual TLS with the
// talosconfig's own certificate: GenerateClientConfiguration (`talosctl config new`) and
// Kubeconfig (`talosctl kubeconfig`). @grpc/grpc-js is loaded only here, on this path.
import { joined, said, type Text } from '../text.js'
import * as grpc from '@grpc/grpc-js'
import { isIP } from 'node:net'
import { checkServerIdentity } from 'node:tls'
import { UserError } from '../errors.js'
import { readPrivateKeyPem } from '../pki/keys.js'
import {
  decodeData,
  decodeResponse,
  decodeVersion,
  encodeRequest,
  type GenerateRequest,
  type NodeVersion
} from './codec.js'
import { codeInText, unreachableReason } from '../tls-failure.js'
import { Forbidden, Unreachable } from './errors.js'
import { fileFromTarGz } from './tar.js'
import { APID_PORT, grpcTarget, hostPort } from './endpoint.js'
import { probeTls } from './tls-probe.js'

const SERVICE = '/machine.MachineService/'

export interface ApiCredentials {
  context: string
  endpoints: string[]
  caPem: string
  crtPem: string
  keyPem: string
}

export interface Bounds {
  /** One endpoint's attempt. */
  attemptMs: number
  /** All endpoints together. */
  totalMs: number
}

export const DEFAULT_BOUNDS: Bounds = { attemptMs: 10_000, totalMs: 30_000 }

/** The node's answer to GenerateClientConfiguration: PEM, with the cluster's current CA. */
export interface GeneratedCredential {
  caPem: string
  crtPem: string
  keyPem: string
}

/** Asks the endpoints, in order, for a new client certificate. */
export function generateClientConfiguration(
  credentials: ApiCredentials,
  request: GenerateRequest,
  bounds = DEFAULT_BOUNDS
): Promise<GeneratedCredential> {
  return callEndpoints(credentials, 'GenerateClientConfiguration', bounds, (client, deadline) => {
    return new Promise((resolve, reject) => {
      client.makeUnaryRequest(
        SERVICE + 'GenerateClientConfiguration',
        encodeRequest,
        decodeResponse,
        request,
        new grpc.Metadata(),
        { deadline },
        (error, response) => {
          if (error) return reject(error)
          const [message] = response ?? []
          if (!message || message.error)
            return reject(nodeError(message?.error || 'the node answered with no configuration'))
          resolve({
            caPem: message.ca.toString('utf8'),
            crtPem: message.crt.toString('utf8'),
            keyPem: message.key.toString('utf8')
          })
        }
      )
    })
  })
}

/** A kubeconfig is a few KiB; anything far larger is not what apid sends. */
const MAX_KUBECONFIG_BYTES = 1024 * 1024

/**
 * Asks the endpoints, in order, for the admin kubeconfig: a stream of common.Data whose bytes
 * together are a gzip tar holding the file `kubeconfig`. Returns its text.
 */
export function kubeconfig(credentials: ApiCredentials, bounds = DEFAULT_BOUNDS): Promise<string> {
  return callEndpoints(credentials, 'Kubeconfig', bounds, (client, deadline) => {
    return new Promise((resolve, reject) => {
      const pieces: Buffer[] = []
      let size = 0
      const stream = client.makeServerStreamRequest(
        SERVICE + 'Kubeconfig',
        () => Buffer.alloc(0),
        decodeData,
        {},
        new grpc.Metadata(),
        { deadline }
      )
      stream.on('data', (message: ReturnType<typeof decodeData>) => {
        if (message.error) return reject(nodeError(message.error))
        size += message.bytes.length
        if (size > MAX_KUBECONFIG_BYTES) return stream.cancel()
        pieces.push(message.bytes)
      })
      stream.on('error', reject)
      stream.on('end', () => {
        try {
          const file = fileFromTarGz(Buffer.concat(pieces), 'kubeconfig', MAX_KUBECONFIG_BYTES)
          if (!file) return reject(nodeError('the archive it sent holds no kubeconfig'))
          resolve(file.toString('utf8'))
        } catch {
          reject(nodeError('what it sent is not the gzip tar Talos sends'))
        }
      })
    })
  })
}

/** Calls Version on the endpoints in turn, until one answers: proof that the credential works. */
export function version(credentials: ApiCredentials, bounds: Bounds): Promise<NodeVersion & { target: string }> {
  return callEndpoints(credentials, 'Version', bounds, (client, deadline, target) => {
    return new Promise((resolve, reject) => {
      client.makeUnaryRequest(
        SERVICE + 'Version',
        () => Buffer.alloc(0),
        decodeVersion,
        {},
        new grpc.Metadata(),
        { deadline },
        (error, response) => {
          if (error) return reject(error)
          resolve({ target, ...(response?.[0] ?? { hostname: '', tag: '' }) })
        }
      )
    })
  })
}

/**
 * A channel to one endpoint whose certificate is checked against `caPem` and the endpoint's
 * address. For an IP address gRPC would send the address as the TLS server name, which Node
 * deprecates (DEP0123; RFC 6066 allows names only): a placeholder name goes instead, and the
 * certificate is still checked against the real address.
 */
function channel(target: string, caPem: string, keyPem: string, crtPem: string): grpc.Client {
  const { host } = hostPort(target)
  if (!isIP(host))
    return new grpc.Client(
      target,
      grpc.credentials.createSsl(Buffer.from(caPem), Buffer.from(keyPem), Buffer.from(crtPem))
    )
  const tls = grpc.credentials.createSsl(Buffer.from(caPem), Buffer.from(keyPem), Buffer.from(crtPem), {
    checkServerIdentity: (_name, certificate) => checkServerIdentity(host, certificate)
  })
  return new grpc.Client(target, tls, { 'grpc.ssl_target_name_override': 'apid.talos.invalid' })
}

/** An error the node reported in its answer rather than as a gRPC status. */
const nodeError = (details: string) => Object.assign(new Error(details), { code: grpc.status.INTERNAL, details })

/**
 * Tries each endpoint in turn within the bounds. An endpoint that cannot be reached is skipped;
 * any answer that refuses is final, and so is a node that refuses the certificate. When none
 * answered, the error is Unreachable.
 */
async function callEndpoints<T>(
  credentials: ApiCredentials,
  method: string,
  bounds: Bounds,
  call: (client: grpc.Client, deadline: Date, target: string) => Promise<T>
): Promise<T> {
  const key = readPrivateKeyPem(credentials.keyPem)
  if (!key)
    throw new UserError(
      said`contexts.${credentials.context}.key in input 'talosconfig' is not a private key Talos writes.`,
      'talosconfig'
    )
  const keyPem = key.export({ format: 'pem', type: 'pkcs8' }).toString()
  const started = Date.now()
  const failures: Text[] = []
  for (const endpoint of credentials.endpoints) {
    const left = bounds.totalMs - (Date.now() - started)
    if (left <= 0) break
    const target = grpcTarget(endpoint)
    const timeoutMs = Math.min(bounds.attemptMs, left)
    const client = channel(target, credentials.caPem, keyPem, credentials.crtPem)
    try {
      return await call(client, new Date(Date.now() + timeoutMs), target)
    } catch (error) {
      const status = error as grpc.ServiceError
      if (status.code === grpc.status.DEADLINE_EXCEEDED) {
        failures.push(said`${target} (no answer within ${Math.round(timeoutMs / 1000)} s)`)
        continue
      }
      if (status.code !== grpc.status.UNAVAILABLE) throw refusal(status, target, credentials.context, method)
      // gRPC says "failed to connect" alike for a node out of reach and one that refused the
      // certificate; a bare handshake tells them apart.
      const code = codeInText(status.details ?? '')
      // A reset may be a node that dropped the connection over the certificate: ask the probe.
      const reason = code === 'ECONNRESET' || code === 'EPIPE' ? undefined : unreachableReason(code)
      const verdict = reason
        ? { outcome: 'unreachable' as const, reason }
        : await probeTls(
            target,
            { ...credentials, keyPem },
            Math.max(1000, Math.min(timeoutMs, bounds.totalMs - (Date.now() - started)))
          )
      if (verdict.outcome === 'rejected')
        throw new UserError(
          said`${target} refused ${method} for talosconfig context '${credentials.context}': ${verdict.reason}. `.concat(
            said`Check that the ca, crt and key belong to the cluster's current CA (after a CA rotation, `,
            said`the bundle or machine configuration must hold the new one).`
          ),
          'talosconfig'
        )
      failures.push(said`${target} (${verdict.outcome === 'unreachable' ? verdict.reason : 'unavailable'})`)
    } finally {
      client.close()
    }
  }
  throw new Unreachable(
    said`No endpoint of talosconfig context '${credentials.context}' answered ${method}: `.concat(
      said`${failures.length > 0 ? joined(failures, '; ') : said`none tried within the time limit`}. `,
      said`The runner must reach a controlplane node on port ${APID_PORT} (self-hosted runner or VPN), `,
      said`or renew with 'secrets-bundle' or 'machine-config'.`
    ),
    failures
  )
}

/** A final answer from apid, in words that say what to do. */
function refusal(error: grpc.ServiceError, target: string, context: string, method: string): UserError {
  const prefix = `${target} refused ${method} for talosconfig context '${context}'`
  switch (error.code) {
    case grpc.status.PERMISSION_DENIED:
      return new Forbidden(
        said`${prefix}: permission denied. ${method} needs a certificate with the os:admin role; `.concat(
          said`this talosconfig's has not got it. Use an os:admin talosconfig, or 'secrets-bundle' or 'machine-config'.`
        ),
        target
      )
    case grpc.status.FAILED_PRECONDITION:
      return new UserError(
        said`${prefix}: ${plainDetails(error.details)}. `.concat(
          said`Only controlplane nodes answer ${method}: list a controlplane node first in 'endpoints'.`
        ),
        'endpoints'
      )
    case grpc.status.INVALID_ARGUMENT:
      return new UserError(said`${prefix}: ${plainDetails(error.details)}. Check 'ttl' and 'roles'.`, 'ttl')
    case grpc.status.UNAUTHENTICATED:
      return new UserError(
        said`${prefix}: the client certificate was not accepted. Renew with 'secrets-bundle' or 'machine-config'.`,
        'talosconfig'
      )
    default:
      return new UserError(
        said`${prefix}: ${grpc.status[error.code] ?? error.code}${error.details ? ` (${plainDetails(error.details)})` : ''}.`,
        'talosconfig'
      )
  }
}

/** gRPC's details without the library's own framing ("Resolution note: ", "Last error: "). */
export function plainDetails(details: string): string {
  return details
    .replace(/\s*Resolution note:.*$/s, '')
    .replace(/^No connection established\. Last error: (Error: )?/, '')
    .trim()
}

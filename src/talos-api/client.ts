// GenerateClientConfiguration through a controlplane node's apid (what `talosctl config new`
// does), over mutual TLS with the talosconfig's own certificate. @grpc/grpc-js is loaded only
// here, on this path.
import * as grpc from '@grpc/grpc-js'
import { UserError } from '../errors.js'
import { readPrivateKeyPem } from '../pki/keys.js'
import { decodeResponse, encodeRequest, type GenerateRequest } from './codec.js'

export const APID_PORT = 50000
const METHOD = '/machine.MachineService/GenerateClientConfiguration'

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

/** host[:port], [v6]:port or a bare v6 address, as talosctl takes endpoints; port 50000 by default. */
export function grpcTarget(endpoint: string): string {
  const plain = endpoint.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '')
  if (plain.startsWith('[')) return /\]:\d+$/.test(plain) ? plain : `${plain}:${APID_PORT}`
  if ((plain.match(/:/g) ?? []).length > 1) return `[${plain}]:${APID_PORT}`
  return /:\d+$/.test(plain) ? plain : `${plain}:${APID_PORT}`
}

/**
 * Asks the endpoints, in order, for a new client certificate; returns its PEM certificate
 * and key. Endpoints that do not answer are skipped within the bounds; a refusal is final.
 */
export async function generateClientConfiguration(credentials: ApiCredentials, request: GenerateRequest, bounds = DEFAULT_BOUNDS): Promise<{ crtPem: string; keyPem: string }> {
  const key = readPrivateKeyPem(credentials.keyPem)
  if (!key) throw new UserError(`contexts.${credentials.context}.key in input 'talosconfig' is not a private key Talos writes.`, 'talosconfig')
  const tls = grpc.credentials.createSsl(Buffer.from(credentials.caPem), Buffer.from(key.export({ format: 'pem', type: 'pkcs8' })), Buffer.from(credentials.crtPem))
  const started = Date.now()
  const failures: string[] = []
  for (const endpoint of credentials.endpoints) {
    const left = bounds.totalMs - (Date.now() - started)
    if (left <= 0) break
    const target = grpcTarget(endpoint)
    try {
      return await call(target, tls, request, Math.min(bounds.attemptMs, left))
    } catch (error) {
      const status = error as grpc.ServiceError
      if (status.code !== grpc.status.UNAVAILABLE && status.code !== grpc.status.DEADLINE_EXCEEDED) throw refusal(status, target, credentials.context)
      failures.push(`${target} (${status.code === grpc.status.DEADLINE_EXCEEDED ? `no answer within ${Math.round(Math.min(bounds.attemptMs, left) / 1000)} s` : (status.details || 'unavailable')})`)
    }
  }
  throw new UserError(
    `No endpoint of talosconfig context '${credentials.context}' answered GenerateClientConfiguration: ${failures.join('; ') || 'none tried within the time limit'}. The runner must reach a controlplane node on port ${APID_PORT} (self-hosted runner or VPN), or renew with 'secrets-bundle' or 'machine-config'.`,
    'endpoints'
  )
}

function call(target: string, tls: grpc.ChannelCredentials, request: GenerateRequest, timeoutMs: number): Promise<{ crtPem: string; keyPem: string }> {
  const client = new grpc.Client(target, tls)
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      METHOD,
      (value: GenerateRequest) => encodeRequest(value),
      (buffer: Buffer) => decodeResponse(buffer),
      request,
      new grpc.Metadata(),
      { deadline: new Date(Date.now() + timeoutMs) },
      (error, response) => {
        client.close()
        if (error) return reject(error)
        const [message] = response ?? []
        if (!message || message.error) {
          return reject(Object.assign(new Error(message?.error || 'empty answer'), { code: grpc.status.INTERNAL, details: message?.error || 'the node answered with no configuration' }))
        }
        resolve({ crtPem: message.crt.toString('utf8'), keyPem: message.key.toString('utf8') })
      }
    )
  })
}

/** A final answer from apid, in words that say what to do. */
function refusal(error: grpc.ServiceError, target: string, context: string): UserError {
  const prefix = `${target} refused GenerateClientConfiguration for talosconfig context '${context}'`
  switch (error.code) {
    case grpc.status.PERMISSION_DENIED:
      return new UserError(`${prefix}: permission denied. Issuing client configurations needs a certificate with the os:admin role; this talosconfig's has not got it. Use an os:admin talosconfig, or 'secrets-bundle' or 'machine-config'.`, 'talosconfig')
    case grpc.status.FAILED_PRECONDITION:
      return new UserError(`${prefix}: ${error.details}. Only controlplane nodes issue client configurations: list a controlplane node first in 'endpoints'.`, 'endpoints')
    case grpc.status.INVALID_ARGUMENT:
      return new UserError(`${prefix}: ${error.details}. Check 'ttl' and 'roles'.`, 'ttl')
    case grpc.status.UNAUTHENTICATED:
      return new UserError(`${prefix}: the client certificate was not accepted. Renew with 'secrets-bundle' or 'machine-config'.`, 'talosconfig')
    default:
      return new UserError(`${prefix}: ${grpc.status[error.code] ?? error.code} (${error.details}).`, 'talosconfig')
  }
}

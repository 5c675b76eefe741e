// A bare TLS handshake with a node, with the credential gRPC used, for when gRPC says only
// "failed to connect": it tells a node out of reach from a node that refused the certificate.
import { isIP } from 'node:net'
import { connect } from 'node:tls'
import { certificateReason, unreachableReason } from '../tls-failure.js'
import { hostPort } from './endpoint.js'

export type TlsVerdict = { outcome: 'accepted' } | { outcome: 'rejected' | 'unreachable'; reason: string }

/**
 * Connects as gRPC would (ALPN h2, the node's certificate checked against `caPem` and the
 * address) and waits for the node's first bytes: an HTTP/2 server speaks first once it has
 * accepted the client certificate, and sends an alert when it has not.
 */
export function probeTls(
  target: string,
  credential: { caPem: string; crtPem: string; keyPem: string },
  timeoutMs: number
): Promise<TlsVerdict> {
  const { host, port } = hostPort(target)
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port,
      // An IP address is checked against the certificate's IP SANs; only names are sent as SNI.
      ...(isIP(host) ? {} : { servername: host }),
      ca: credential.caPem,
      cert: credential.crtPem,
      key: credential.keyPem,
      ALPNProtocols: ['h2']
    })
    const done = (verdict: TlsVerdict) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(verdict)
    }
    const timer = setTimeout(
      () => done({ outcome: 'unreachable', reason: `no answer within ${Math.round(timeoutMs / 1000)} s` }),
      timeoutMs
    )
    // Under TLS 1.3 the node judges the client certificate after this side's handshake is
    // done: a connection dropped then, before the node said anything, is a refusal.
    let handshook = false
    socket.once('secureConnect', () => (handshook = true))
    socket.once('data', () => done({ outcome: 'accepted' }))
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const dropped = handshook && ['ECONNRESET', 'EPIPE'].includes(error.code ?? '')
      const rejected =
        certificateReason(error) ??
        (dropped
          ? 'the server refused the client certificate (it dropped the connection after the TLS handshake)'
          : undefined)
      done(
        rejected
          ? { outcome: 'rejected', reason: rejected }
          : { outcome: 'unreachable', reason: unreachableReason(error.code) ?? error.code ?? 'failed' }
      )
    })
    socket.once('close', () =>
      done({
        outcome: 'rejected',
        reason: 'the server refused the client certificate (it closed the connection after the TLS handshake)'
      })
    )
  })
}

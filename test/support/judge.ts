// Independent judges of a certificate: the openssl CLI and a real mutual-TLS handshake.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect, createServer, type TLSSocket } from 'node:tls'
import type { AddressInfo } from 'node:net'
import type { ClientCertificate } from './cluster.js'

function files(contents: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'judge-'))
  for (const [name, text] of Object.entries(contents)) writeFileSync(join(dir, name), text)
  return dir
}

/** `openssl verify -purpose sslclient` against the CA alone: returns openssl's verdict line. */
export function opensslVerifyClient(caPem: string, crtPem: string): { ok: boolean; output: string } {
  const dir = files({ 'ca.pem': caPem, 'crt.pem': crtPem })
  try {
    const output = execFileSync('openssl', ['verify', '-purpose', 'sslclient', '-CAfile', 'ca.pem', 'crt.pem'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe']
    })
    return { ok: true, output }
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string }
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` }
  }
}

/** openssl's text view of a certificate (no key material). */
export function opensslText(crtPem: string): string {
  return execFileSync('openssl', ['x509', '-noout', '-text'], { input: crtPem, encoding: 'utf8' })
}

/** A key under Talos's ED25519 PRIVATE KEY label, relabelled so OpenSSL reads it. */
export const standardKeyPem = (pem: string): string => pem.replace(/(BEGIN|END) ED25519 PRIVATE KEY/g, '$1 PRIVATE KEY')

export interface Handshake {
  authorized: boolean
  error?: string
  /** The subject the server saw, e.g. { O: 'os:admin' }. */
  peerSubject?: Record<string, string | string[]>
}

/**
 * Connects with the client certificate to a loopback TLS server that trusts only `caPem`
 * and requires a client certificate, like apid. Bounded by a timeout.
 */
export async function mutualTlsHandshake(
  caPem: string,
  server: ClientCertificate,
  client: ClientCertificate
): Promise<Handshake> {
  const tlsServer = createServer({
    ca: caPem,
    cert: server.crtPem,
    key: standardKeyPem(server.keyPem),
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2'
  })
  const seen = new Promise<Handshake>((resolve) => {
    tlsServer.on('secureConnection', (socket: TLSSocket) => {
      const peer = socket.getPeerCertificate()
      resolve({
        authorized: socket.authorized,
        error: socket.authorizationError ? String(socket.authorizationError) : undefined,
        peerSubject: peer?.subject as unknown as Record<string, string | string[]>
      })
      socket.end('ok')
    })
    tlsServer.on('tlsClientError', (error) => resolve({ authorized: false, error: error.message }))
  })
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve))
  const { port } = tlsServer.address() as AddressInfo
  const socket = connect({
    host: '127.0.0.1',
    port,
    ca: caPem,
    cert: client.crtPem,
    key: standardKeyPem(client.keyPem)
  })
  socket.on('error', () => undefined)
  const timeout = new Promise<Handshake>((resolve) =>
    setTimeout(() => resolve({ authorized: false, error: 'timeout' }), 5000).unref()
  )
  try {
    return await Promise.race([seen, timeout])
  } finally {
    socket.destroy()
    await new Promise<void>((resolve) => tlsServer.close(() => resolve()))
  }
}

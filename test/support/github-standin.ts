// A loopback stand-in for GitHub's Actions secrets API. It checks each request as GitHub
// would (token, OpenAPI shape, key id), opens every sealed box with its private key, and
// keeps both the requests and the plaintext it received for the tests to assert on.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import sodium from 'libsodium-wrappers'
import { validateRequest, validateResponse } from './openapi.js'

export interface RecordedRequest {
  method: string
  path: string
  headers: IncomingMessage['headers']
  body: unknown
}

export interface StoredSecret {
  value: string
  keyId: string
}

/** A canned failure: answer `status` with GitHub's error body to requests matching `method`. */
export interface Fault {
  method: 'GET' | 'PUT'
  status: number
  message: string
}

export interface GitHubStandIn {
  url: string
  token: string
  requests: RecordedRequest[]
  /** Secrets written, by "owner/repo/NAME". */
  secrets: Map<string, StoredSecret>
  /** Requests that did not conform; a test fails if any are here. */
  violations: string[]
  close(): Promise<void>
}

export async function startGitHubStandIn(options: { token?: string; fault?: Fault } = {}): Promise<GitHubStandIn> {
  await sodium.ready
  const keyPair = sodium.crypto_box_keypair()
  const keyId = '568250167242549743'
  const token = options.token ?? 'ghs_standin_token_0123456789'
  const requests: RecordedRequest[] = []
  const secrets = new Map<string, StoredSecret>()
  const violations: string[] = []

  const reply = (req: RecordedRequest, res: ServerResponse, status: number, body?: unknown): void => {
    violations.push(...validateResponse(req.method, req.path, status, body).map((p) => `${req.method} ${req.path}: ${p}`))
    res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' })
    res.end(body === undefined ? undefined : JSON.stringify(body))
  }

  const handle = (req: RecordedRequest, res: ServerResponse): void => {
    if (req.headers.authorization !== `token ${token}` && req.headers.authorization !== `Bearer ${token}`) {
      return reply(req, res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' })
    }
    violations.push(...validateRequest(req.method, req.path, req.body).map((p) => `${req.method} ${req.path}: ${p}`))
    if (options.fault && options.fault.method === req.method) {
      return reply(req, res, options.fault.status, {
        message: options.fault.message,
        documentation_url: 'https://docs.github.com/rest/actions/secrets',
        status: String(options.fault.status)
      })
    }
    const publicKey = /^\/repos\/([^/]+)\/([^/]+)\/actions\/secrets\/public-key$/.exec(req.path)
    if (req.method === 'GET' && publicKey) {
      return reply(req, res, 200, { key_id: keyId, key: sodium.to_base64(keyPair.publicKey, sodium.base64_variants.ORIGINAL) })
    }
    const secret = /^\/repos\/([^/]+)\/([^/]+)\/actions\/secrets\/([^/]+)$/.exec(req.path)
    if (req.method === 'PUT' && secret) {
      const body = req.body as { encrypted_value: string; key_id: string }
      if (body.key_id !== keyId) return reply(req, res, 422, { message: 'Bad key_id', documentation_url: '', status: '422' })
      const opened = sodium.crypto_box_seal_open(
        sodium.from_base64(body.encrypted_value, sodium.base64_variants.ORIGINAL),
        keyPair.publicKey,
        keyPair.privateKey
      )
      const name = `${secret[1]}/${secret[2]}/${secret[3]}`
      const existed = secrets.has(name)
      secrets.set(name, { value: sodium.to_string(opened), keyId: body.key_id })
      return reply(req, res, existed ? 204 : 201, existed ? undefined : {})
    }
    reply(req, res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' })
  }

  const server = createServer((incoming, res) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const req: RecordedRequest = {
        method: incoming.method ?? '',
        path: new URL(incoming.url ?? '/', 'http://127.0.0.1').pathname,
        headers: incoming.headers,
        body: raw === '' ? undefined : JSON.parse(raw)
      }
      requests.push(req)
      try {
        handle(req, res)
      } catch (error) {
        violations.push(`${req.method} ${req.path}: ${(error as Error).message}`)
        res.writeHead(400).end()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    secrets,
    violations,
    close: () => new Promise((resolve) => server.close(() => resolve()))
  }
}

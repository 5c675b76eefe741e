// Who am I, to the Kubernetes API server, with the new kubeconfig's certificate:
// POST a SelfSubjectReview (authentication.k8s.io/v1, or v1beta1 on an older server) over
// TLS that checks the server against the new certificate-authority-data.
import { said, type Text } from '../text.js'
import { request } from 'node:https'
import { isIP } from 'node:net'
import type { Credential } from '../pki/issue.js'
import { readPrivateKeyPem } from '../pki/keys.js'
import { certificateReason, unreachableReason } from '../tls-failure.js'
import { NoAnswer, Rejected } from './errors.js'

const VERSIONS = ['v1', 'v1beta1']
/** A SelfSubjectReview is a few hundred bytes. */
const MAX_ANSWER_BYTES = 64 * 1024

interface Answer {
  status: number
  body: string
}

/** Who the API server should say the certificate is: its CN as the user, its O among the groups. */
export interface Identity {
  username: string
  groups: string[]
  /**
   * Whether a 403 proves enough: the server authenticated the certificate (it trusts its CA) and
   * refused the review to that identity. Enough for the drill's throwaway, never for an admin.
   */
  refusalProves: boolean
}

/**
 * Whether the API server takes the certificate for `expected`. It authenticates after the
 * handshake: 401 means it did not trust the certificate's CA; 403 means it did, and refused
 * the review to that identity, which an admin it knew as one would never be refused.
 */
export async function whoAmI(
  server: string,
  credential: Credential,
  expected: Identity,
  bounds: { attemptMs: number; totalMs: number }
): Promise<Text> {
  const base = httpsUrl(server)
  const started = Date.now()
  const groups = expected.groups.join(', ')
  const who = groups ? said`${expected.username} in ${groups}` : said`${expected.username}`
  for (const version of VERSIONS) {
    const left = bounds.totalMs - (Date.now() - started)
    if (left <= 0) break
    const path = `/apis/authentication.k8s.io/${version}/selfsubjectreviews`
    const answer = await post(new URL(path, base), credential, Math.min(bounds.attemptMs, left), version)
    if (answer.status === 404) continue
    if (answer.status === 401)
      throw new Rejected(said`${server} answered 401 to a SelfSubjectReview: it did not accept the certificate`)
    if (answer.status === 403 && expected.refusalProves)
      return said`${server} accepted the certificate and refused its review (403), as it may for ${who}`
    if (answer.status === 403)
      throw new Rejected(
        said`${server} answered 403 to a SelfSubjectReview: it does not take the certificate for ${who}`
      )
    if (answer.status !== 201 && answer.status !== 200)
      throw new NoAnswer(said`${server} answered ${answer.status} to a SelfSubjectReview`)
    const user = userInfo(answer.body)
    if (user.username !== expected.username || expected.groups.some((group) => !user.groups.includes(group))) {
      throw new Rejected(
        said`${server} knows the certificate as user '${user.username}' in groups ${user.groups.join(', ') || 'none'}, not as ${who}`
      )
    }
    return said`${server} knows it as ${who} (SelfSubjectReview ${version})`
  }
  throw new NoAnswer(said`${server} serves no SelfSubjectReview API (Kubernetes 1.27 or later has one)`)
}

/** The server as an https URL; any other (none, http, host:port) cannot be proven against. */
function httpsUrl(server: string): URL {
  let url: URL | undefined
  try {
    url = new URL(server)
  } catch {
    url = undefined
  }
  if (url?.protocol !== 'https:' || !url.hostname)
    throw new NoAnswer(
      said`the kubeconfig's server is not an https:// URL (${server || 'none'}), so there is nothing to ask`
    )
  return url
}

function userInfo(body: string): { username: string; groups: string[] } {
  try {
    const info = JSON.parse(body)?.status?.userInfo
    return {
      username: String(info?.username ?? ''),
      groups: Array.isArray(info?.groups) ? info.groups.map(String) : []
    }
  } catch {
    return { username: '', groups: [] }
  }
}

function post(url: URL, credential: Credential, timeoutMs: number, version: string): Promise<Answer> {
  const key =
    readPrivateKeyPem(credential.keyPem)?.export({ format: 'pem', type: 'pkcs8' }).toString() ?? credential.keyPem
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const body = JSON.stringify({ apiVersion: `authentication.k8s.io/${version}`, kind: 'SelfSubjectReview' })
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        // An IP address is checked against the certificate's IP SANs; only names go as SNI.
        ...(isIP(host) ? { servername: '' } : {}),
        ca: credential.caPem,
        cert: credential.crtPem,
        key,
        agent: false,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'content-length': Buffer.byteLength(body)
        }
      },
      (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          text += chunk
          if (text.length > MAX_ANSWER_BYTES) req.destroy(new Error('answer too large'))
        })
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }))
        response.on('error', () => reject(new NoAnswer(said`${url.origin} (the answer broke off)`)))
      }
    )
    // Under TLS 1.3 a server judges the client certificate after the client has finished its
    // handshake: a connection dropped then, before any answer, is the server refusing it.
    let handshook = false
    req.on('socket', (socket) => socket.once('secureConnect', () => (handshook = true)))
    // A wall-clock deadline, not an idle one: a server that sends a byte a second must not
    // hold the run past the bound.
    const timedOut = () => {
      reject(new NoAnswer(said`${url.origin} (no answer within ${Math.round(timeoutMs / 1000)} s)`))
      req.destroy()
    }
    const deadline = setTimeout(timedOut, timeoutMs)
    req.on('close', () => clearTimeout(deadline))
    req.on('error', (error: NodeJS.ErrnoException) => {
      const rejected =
        certificateReason(error) ??
        (handshook && ['ECONNRESET', 'EPIPE'].includes(error.code ?? '')
          ? 'the server refused the client certificate (it dropped the connection after the TLS handshake)'
          : undefined)
      if (rejected) return reject(new Rejected(said`${url.origin}: ${rejected}`))
      reject(new NoAnswer(said`${url.origin} (${unreachableReason(error.code) ?? error.code ?? 'failed'})`))
    })
    req.end(body)
  })
}

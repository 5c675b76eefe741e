// A loopback stand-in for a Kubernetes API server, as far as proving an admin kubeconfig
// goes: HTTPS with a server certificate from the Kubernetes CA; client certificates asked for
// in the handshake and judged after it, as the API server's x509 authenticator does (one from
// a foreign CA gets 401); and SelfSubjectReview answering the user the certificate names (CN,
// and O as groups).
import { createServer, type Server } from 'node:https'
import { X509Certificate } from 'node:crypto'
import type { TLSSocket } from 'node:tls'
import type { Cluster } from './cluster.js'

export interface KubeApiStandIn {
  server: string
  /** Each request: method, path, and the user and groups it authenticated (none for a 401). */
  requests: Array<{ method: string; path: string; user: string | undefined; groups: string[] }>
  /** The client certificate (PEM) of each request, in order. */
  certificates: string[]
  close(): Promise<void>
}

export interface KubeApiOptions {
  /** Serve only v1beta1 (Kubernetes 1.27), answering 404 to v1. */
  betaOnly?: boolean
  /** Answer 403 to every review: RBAC or an admission webhook that refuses. */
  forbid?: boolean
  /** Accept the certificate, then send the answer a byte at a time, four a second, and never finish. */
  trickle?: boolean
}

export async function startKubeApi(cluster: Cluster, options: KubeApiOptions = {}): Promise<KubeApiStandIn> {
  const certificate = cluster.kubeServerCertificate()
  const requests: KubeApiStandIn['requests'] = []
  const certificates: string[] = []
  const trickling = new Set<NodeJS.Timeout>()
  const server: Server = createServer(
    {
      key: certificate.keyPem,
      cert: certificate.crtPem,
      ca: cluster.k8sCaPem,
      requestCert: true,
      rejectUnauthorized: false
    },
    (request, response) => {
      let body = ''
      request.on('data', (chunk: Buffer) => (body += chunk.toString()))
      request.on('end', () => {
        const socket = request.socket as TLSSocket
        const peer = socket.getPeerCertificate()
        const send = (status: number, answer: unknown) => {
          response.writeHead(status, { 'content-type': 'application/json' })
          response.end(JSON.stringify(answer))
        }
        if (peer?.raw) certificates.push(new X509Certificate(peer.raw).toString())
        if (!socket.authorized) {
          requests.push({ method: request.method ?? '', path: request.url ?? '', user: undefined, groups: [] })
          return send(401, { kind: 'Status', code: 401, reason: 'Unauthorized' })
        }
        const user = peer?.subject?.CN as string | undefined
        const groups = [peer?.subject?.O].flat().filter((group): group is string => typeof group === 'string')
        requests.push({ method: request.method ?? '', path: request.url ?? '', user, groups })
        const version = /^\/apis\/authentication\.k8s\.io\/(v1|v1beta1)\/selfsubjectreviews$/.exec(
          request.url ?? ''
        )?.[1]
        if (request.method !== 'POST' || !version || (options.betaOnly && version === 'v1'))
          return send(404, { kind: 'Status', code: 404 })
        const review = JSON.parse(body || '{}')
        if (review.kind !== 'SelfSubjectReview' || review.apiVersion !== `authentication.k8s.io/${version}`)
          return send(400, { kind: 'Status', code: 400 })
        if (options.forbid) return send(403, { kind: 'Status', code: 403 })
        if (options.trickle) {
          response.writeHead(201, { 'content-type': 'application/json' })
          const timer = setInterval(() => response.write(' '), 250)
          trickling.add(timer)
          response.on('close', () => (clearInterval(timer), trickling.delete(timer)))
          return
        }
        send(201, {
          apiVersion: `authentication.k8s.io/${version}`,
          kind: 'SelfSubjectReview',
          status: { userInfo: { username: user, groups: [...groups, 'system:authenticated'] } }
        })
      })
    }
  )
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  return {
    server: `https://127.0.0.1:${port}`,
    requests,
    certificates,
    close: () => {
      for (const timer of trickling) clearInterval(timer)
      server.closeAllConnections()
      return new Promise((done) => server.close(() => done()))
    }
  }
}

// A loopback stand-in for GitHub's Actions secrets API: repository, environment and
// organization scopes. It checks each request as GitHub would (token, API version header,
// OpenAPI shape, key id), opens every sealed box with the scope's private key, keeps what it
// received for the tests, and injects faults on request.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import sodium from 'libsodium-wrappers'
import { exampleResponse, validateRequest, validateResponse } from './openapi.js'

export interface RecordedRequest {
  method: string
  path: string
  /** The query string, without its '?'. */
  query?: string
  headers: IncomingMessage['headers']
  body: unknown
}

export interface StoredSecret {
  value: string
  keyId: string
  visibility?: string
  selectedRepositoryIds?: number[]
}

/** A fault injected into matching requests, `times` times (Infinity: every time). */
export type Fault = { method?: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE'; path?: RegExp; times?: number } & (
  | { kind?: 'status'; status: number; message: string; headers?: Record<string, string> }
  | { kind: 'reset' }
  | { kind: 'stall' }
  | { kind: 'rotate-key' }
)

export interface StandInOptions {
  token?: string
  /** GitHub Enterprise Server serves the API under /api/v3. */
  prefix?: string
  /** Environments that exist, in any repository. */
  environments?: string[]
  /** Repositories of any organization, by name, with their ids. */
  repositories?: Record<string, number>
  /** Organization secrets that exist already, by "org/NAME". */
  orgSecrets?: Record<string, { visibility: string; selectedRepositoryIds?: number[] }>
  fault?: Fault
  faults?: Fault[]
  /** A second token, as the workflow's GITHUB_TOKEN, accepted for the workflow, issues and variables APIs. */
  workflowToken?: string
  /** Issues that exist already. */
  issues?: StandInIssue[]
  /** Variables that exist already, keyed as GitHubStandIn.variables is. */
  variables?: Record<string, string>
}

/** An issue of the stand-in's repository, with its comments. */
export interface StandInIssue {
  number: number
  title: string
  body: string
  state: 'open' | 'closed'
  labels: string[]
  comments: string[]
  /** Who opened it; the token's own user (GITHUB_TOKEN's github-actions[bot]) by default. */
  author?: string
  /** Who wrote each comment, by index; the token's own user where none is given. */
  commentAuthors?: string[]
}

/** The login the API shows for what the action's token wrote. */
export const TOKEN_USER = 'github-actions[bot]'

export interface GitHubStandIn {
  url: string
  token: string
  requests: RecordedRequest[]
  /** Secrets written: "owner/repo/NAME", "owner/repo/environments/ENV/NAME", "orgs/ORG/NAME". */
  secrets: Map<string, StoredSecret>
  /** Requests that did not conform; a test fails if any are here. */
  violations: string[]
  /** Variables: "owner/repo/NAME" for a repository's, "owner/repo/environments/ENV/NAME" for an environment's. */
  variables: Map<string, string>
  issues: StandInIssue[]
  close(): Promise<void>
}

type Scope = 'repo' | 'env' | 'org'
interface KeyPair {
  publicKey: Uint8Array
  privateKey: Uint8Array
}

export async function startGitHubStandIn(options: StandInOptions = {}): Promise<GitHubStandIn> {
  await sodium.ready
  const keys = new Map<Scope, { id: string; pair: KeyPair }>()
  let keySerial = 100
  const rotate = (scope: Scope) =>
    keys.set(scope, { id: String(568250167242549743n + BigInt(keySerial++)), pair: sodium.crypto_box_keypair() })
  for (const scope of ['repo', 'env', 'org'] as const) rotate(scope)
  const token = options.token ?? 'ghs_standin_token_0123456789'
  const prefix = options.prefix ?? ''
  const requests: RecordedRequest[] = []
  const secrets = new Map<string, StoredSecret>()
  for (const [name, secret] of Object.entries(options.orgSecrets ?? {}))
    secrets.set(`orgs/${name}`, { value: '', keyId: '', ...secret })
  const violations: string[] = []
  const variables = new Map<string, string>(Object.entries(options.variables ?? {}))
  /** Where the stand-in listens, for the Link headers it answers with; set once it listens. */
  let url = ''
  const issues: StandInIssue[] = structuredClone(options.issues ?? [])
  const faults = [...(options.faults ?? []), ...(options.fault ? [{ times: Infinity, ...options.fault }] : [])].map(
    (fault) => ({ ...fault, left: fault.times ?? Infinity })
  )

  const reply = (
    req: RecordedRequest,
    res: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {}
  ): void => {
    violations.push(
      ...validateResponse(req.method, req.path, status, body).map((p) => `${req.method} ${req.path}: ${p}`)
    )
    res.writeHead(status, {
      ...headers,
      ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' })
    })
    res.end(body === undefined ? undefined : JSON.stringify(body))
  }
  const error = (
    req: RecordedRequest,
    res: ServerResponse,
    status: number,
    message: string,
    headers: Record<string, string> = {}
  ) =>
    reply(
      req,
      res,
      status,
      { message, documentation_url: 'https://docs.github.com/rest/actions/secrets', status: String(status) },
      headers
    )

  const publicKey = (scope: Scope) => {
    const key = keys.get(scope) as { id: string; pair: KeyPair }
    return { key_id: key.id, key: sodium.to_base64(key.pair.publicKey, sodium.base64_variants.ORIGINAL) }
  }
  const open = (scope: Scope, body: { encrypted_value: string; key_id: string }): string | undefined => {
    const key = keys.get(scope) as { id: string; pair: KeyPair }
    if (body.key_id !== key.id) return undefined
    return sodium.to_string(
      sodium.crypto_box_seal_open(
        sodium.from_base64(body.encrypted_value, sodium.base64_variants.ORIGINAL),
        key.pair.publicKey,
        key.pair.privateKey
      )
    )
  }
  const store = (
    req: RecordedRequest,
    res: ServerResponse,
    scope: Scope,
    name: string,
    extra: Partial<StoredSecret> = {}
  ) => {
    const body = req.body as { encrypted_value: string; key_id: string }
    const value = open(scope, body)
    if (value === undefined) return error(req, res, 422, 'Bad request: key_id does not match the current public key')
    const existed = secrets.has(name) && secrets.get(name)?.keyId !== ''
    secrets.set(name, { value, keyId: body.key_id, ...extra })
    reply(req, res, existed ? 204 : 201, existed ? undefined : {})
  }

  /** An issue as the API shows one: GitHub's published example with this issue's fields. */
  const issueJson = (req: RecordedRequest, issue: StandInIssue) => {
    const example = exampleResponse(
      'POST',
      `/repos/${req.path.split('/')[2]}/${req.path.split('/')[3]}/issues`,
      201
    ) as Record<string, unknown>
    const label = (example.labels as Array<Record<string, unknown>>)[0]
    return {
      ...example,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      comments: issue.comments.length,
      user: { ...(example.user as Record<string, unknown>), login: issue.author ?? TOKEN_USER },
      pull_request: undefined,
      labels: issue.labels.map((name) => ({ ...label, name }))
    }
  }

  // Variables, as the API keeps them: by scope and name, listed in name order, at most 30 a page.
  const environmentKey = (m: RegExpExecArray) => `${m[1]}/${m[2]}/environments/${decodeURIComponent(m[3] as string)}/`
  const inEnvironment = (req: RecordedRequest, res: ServerResponse, name: string | undefined, then: () => void) =>
    (options.environments ?? []).includes(decodeURIComponent(name ?? '')) ? then() : error(req, res, 404, 'Not Found')
  const variableJson = (name: string, value: string) => ({
    name,
    value,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z'
  })
  const listVariables = (req: RecordedRequest, res: ServerResponse, scope: string) => {
    const query = new URLSearchParams(req.query ?? '')
    const perPage = Number(query.get('per_page') ?? 10)
    const page = Number(query.get('page') ?? 1)
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 30)
      violations.push(`${req.method} ${req.path}: per_page ${query.get('per_page')} is not 1 to 30`)
    const size = Math.min(Math.max(perPage, 1), 30)
    const names = [...variables.keys()]
      .filter((key) => key.startsWith(scope) && !key.slice(scope.length).includes('/'))
      .map((key) => key.slice(scope.length))
      .sort()
    const last = Math.max(1, Math.ceil(names.length / size))
    const link = (to: number, rel: string) => `<${url}${req.path}?per_page=${size}&page=${to}>; rel="${rel}"`
    const links = [
      ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
      ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : [])
    ]
    const shown = names.slice((page - 1) * size, page * size)
    reply(
      req,
      res,
      200,
      {
        total_count: names.length,
        variables: shown.map((name) => variableJson(name, variables.get(`${scope}${name}`) as string))
      },
      links.length > 0 ? { link: links.join(', ') } : {}
    )
  }
  const readVariable = (req: RecordedRequest, res: ServerResponse, scope: string, name: string) => {
    const value = variables.get(`${scope}${name}`)
    if (value === undefined) return error(req, res, 404, 'Not Found')
    reply(req, res, 200, variableJson(name, value))
  }
  const createVariable = (req: RecordedRequest, res: ServerResponse, scope: string) => {
    const body = req.body as { name: string; value: string }
    if (variables.has(`${scope}${body.name}`)) return error(req, res, 409, 'Already exists')
    variables.set(`${scope}${body.name}`, body.value)
    reply(req, res, 201, {})
  }
  const updateVariable = (req: RecordedRequest, res: ServerResponse, scope: string, name: string) => {
    if (!variables.has(`${scope}${name}`)) return error(req, res, 404, 'Not Found')
    variables.set(`${scope}${name}`, (req.body as { value: string }).value)
    reply(req, res, 204)
  }
  const deleteVariable = (req: RecordedRequest, res: ServerResponse, scope: string, name: string) => {
    if (!variables.delete(`${scope}${name}`)) return error(req, res, 404, 'Not Found')
    reply(req, res, 204)
  }

  const routes: Array<[string, RegExp, (req: RecordedRequest, res: ServerResponse, m: RegExpExecArray) => void]> = [
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)\/actions\/secrets\/public-key$/,
      (req, res) => reply(req, res, 200, publicKey('repo'))
    ],
    [
      'PUT',
      /^\/repos\/([^/]+)\/([^/]+)\/actions\/secrets\/([^/]+)$/,
      (req, res, m) => store(req, res, 'repo', `${m[1]}/${m[2]}/${m[3]}`)
    ],
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)\/environments\/([^/]+)\/secrets\/public-key$/,
      (req, res, m) =>
        (options.environments ?? []).includes(decodeURIComponent(m[3] as string))
          ? reply(req, res, 200, publicKey('env'))
          : error(req, res, 404, 'Not Found')
    ],
    [
      'PUT',
      /^\/repos\/([^/]+)\/([^/]+)\/environments\/([^/]+)\/secrets\/([^/]+)$/,
      (req, res, m) =>
        (options.environments ?? []).includes(decodeURIComponent(m[3] as string))
          ? store(req, res, 'env', `${m[1]}/${m[2]}/environments/${decodeURIComponent(m[3] as string)}/${m[4]}`)
          : error(req, res, 404, 'Not Found')
    ],
    ['GET', /^\/orgs\/([^/]+)\/actions\/secrets\/public-key$/, (req, res) => reply(req, res, 200, publicKey('org'))],
    [
      'GET',
      /^\/orgs\/([^/]+)\/actions\/secrets\/([^/]+)\/repositories$/,
      (req, res, m) => {
        const secret = secrets.get(`orgs/${m[1]}/${m[2]}`)
        if (!secret) return error(req, res, 404, 'Not Found')
        const example = exampleResponse('GET', req.path, 200) as { repositories: Array<Record<string, unknown>> }
        const repositories = (secret.selectedRepositoryIds ?? []).map((id) => ({
          ...example.repositories[0],
          id,
          name: `repo-${id}`,
          full_name: `${m[1]}/repo-${id}`
        }))
        reply(req, res, 200, { total_count: repositories.length, repositories })
      }
    ],
    [
      'GET',
      /^\/orgs\/([^/]+)\/actions\/secrets\/([^/]+)$/,
      (req, res, m) => {
        const secret = secrets.get(`orgs/${m[1]}/${m[2]}`)
        if (!secret) return error(req, res, 404, 'Not Found')
        reply(req, res, 200, {
          name: m[2],
          created_at: '2026-01-01T00:00:00Z',
          updated_at: '2026-01-01T00:00:00Z',
          visibility: secret.visibility,
          selected_repositories_url: `https://api.github.com/orgs/${m[1]}/actions/secrets/${m[2]}/repositories`
        })
      }
    ],
    [
      'PUT',
      /^\/orgs\/([^/]+)\/actions\/secrets\/([^/]+)$/,
      (req, res, m) => {
        const body = req.body as { visibility: string; selected_repository_ids?: number[] }
        store(req, res, 'org', `orgs/${m[1]}/${m[2]}`, {
          visibility: body.visibility,
          selectedRepositoryIds: body.selected_repository_ids
        })
      }
    ],
    // The workflow API: re-enable a workflow by its file name.
    ['PUT', /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/enable$/, (req, res) => reply(req, res, 204)],
    // Repository variables, and an environment's: listed page by page, read, created, updated, deleted.
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)\/actions\/variables$/,
      (req, res, m) => listVariables(req, res, `${m[1]}/${m[2]}/`)
    ],
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)\/environments\/([^/]+)\/variables$/,
      (req, res, m) => inEnvironment(req, res, m[3], () => listVariables(req, res, environmentKey(m)))
    ],
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)\/actions\/variables\/([^/]+)$/,
      (req, res, m) => readVariable(req, res, `${m[1]}/${m[2]}/`, m[3] as string)
    ],
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)\/environments\/([^/]+)\/variables\/([^/]+)$/,
      (req, res, m) => inEnvironment(req, res, m[3], () => readVariable(req, res, environmentKey(m), m[4] as string))
    ],
    [
      'POST',
      /^\/repos\/([^/]+)\/([^/]+)\/actions\/variables$/,
      (req, res, m) => createVariable(req, res, `${m[1]}/${m[2]}/`)
    ],
    [
      'POST',
      /^\/repos\/([^/]+)\/([^/]+)\/environments\/([^/]+)\/variables$/,
      (req, res, m) => inEnvironment(req, res, m[3], () => createVariable(req, res, environmentKey(m)))
    ],
    [
      'PATCH',
      /^\/repos\/([^/]+)\/([^/]+)\/actions\/variables\/([^/]+)$/,
      (req, res, m) => updateVariable(req, res, `${m[1]}/${m[2]}/`, m[3] as string)
    ],
    [
      'PATCH',
      /^\/repos\/([^/]+)\/([^/]+)\/environments\/([^/]+)\/variables\/([^/]+)$/,
      (req, res, m) => inEnvironment(req, res, m[3], () => updateVariable(req, res, environmentKey(m), m[4] as string))
    ],
    [
      'DELETE',
      /^\/repos\/([^/]+)\/([^/]+)\/actions\/variables\/([^/]+)$/,
      (req, res, m) => deleteVariable(req, res, `${m[1]}/${m[2]}/`, m[3] as string)
    ],
    [
      'DELETE',
      /^\/repos\/([^/]+)\/([^/]+)\/environments\/([^/]+)\/variables\/([^/]+)$/,
      (req, res, m) => inEnvironment(req, res, m[3], () => deleteVariable(req, res, environmentKey(m), m[4] as string))
    ],
    // Issues and their comments, answered from GitHub's own examples.
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)\/issues$/,
      (req, res) => {
        const query = new URLSearchParams(req.query ?? '')
        const found = issues.filter(
          (issue) =>
            issue.state === (query.get('state') ?? 'open') &&
            (!query.get('labels') || issue.labels.includes(query.get('labels') as string))
        )
        reply(
          req,
          res,
          200,
          found.map((issue) => issueJson(req, issue))
        )
      }
    ],
    [
      'POST',
      /^\/repos\/([^/]+)\/([^/]+)\/issues$/,
      (req, res) => {
        const body = req.body as { title: string; body: string; labels?: string[] }
        const issue: StandInIssue = {
          number: 100 + issues.length + 1,
          title: body.title,
          body: body.body,
          state: 'open',
          labels: body.labels ?? [],
          comments: []
        }
        issues.push(issue)
        reply(req, res, 201, issueJson(req, issue))
      }
    ],
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
      (req, res, m) => {
        const issue = issues.find((i) => i.number === Number(m[3]))
        if (!issue) return error(req, res, 404, 'Not Found')
        const example = exampleResponse('GET', req.path, 200) as unknown as Array<Record<string, unknown>>
        reply(
          req,
          res,
          200,
          issue.comments.map((body, index) => ({
            ...example[0],
            id: index + 1,
            body,
            user: {
              ...(example[0]?.user as Record<string, unknown>),
              login: issue.commentAuthors?.[index] ?? TOKEN_USER
            }
          }))
        )
      }
    ],
    [
      'POST',
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
      (req, res, m) => {
        const issue = issues.find((i) => i.number === Number(m[3]))
        if (!issue) return error(req, res, 404, 'Not Found')
        issue.comments.push((req.body as { body: string }).body)
        reply(req, res, 201, {
          ...exampleResponse('POST', req.path, 201),
          id: issue.comments.length,
          body: (req.body as { body: string }).body
        })
      }
    ],
    [
      'PATCH',
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/,
      (req, res, m) => {
        const issue = issues.find((i) => i.number === Number(m[3]))
        if (!issue) return error(req, res, 404, 'Not Found')
        const body = req.body as { state?: 'open' | 'closed' }
        if (body.state) issue.state = body.state
        reply(req, res, 200, issueJson(req, issue))
      }
    ],
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)$/,
      (req, res, m) => {
        const id = (options.repositories ?? {})[m[2] as string]
        if (id === undefined) return error(req, res, 404, 'Not Found')
        // GitHub's published example lacks 'language', which its own schema requires.
        const example = exampleResponse('GET', req.path, 200) as Record<string, unknown> & {
          source?: Record<string, unknown>
        }
        if (example.source) example.source.language = null
        reply(req, res, 200, { ...example, language: null, id, name: m[2], full_name: `${m[1]}/${m[2]}` })
      }
    ]
  ]

  const handle = (req: RecordedRequest, res: ServerResponse): void => {
    const accepted = [token, ...(options.workflowToken ? [options.workflowToken] : [])]
    if (
      !accepted.some((t) => req.headers.authorization === `token ${t}` || req.headers.authorization === `Bearer ${t}`)
    ) {
      return error(req, res, 401, 'Bad credentials')
    }
    if (req.headers['x-github-api-version'] !== '2022-11-28')
      violations.push(`${req.method} ${req.path}: no X-GitHub-Api-Version: 2022-11-28`)
    violations.push(...validateRequest(req.method, req.path, req.body).map((p) => `${req.method} ${req.path}: ${p}`))
    const fault = faults.find(
      (f) => f.left > 0 && (!f.method || f.method === req.method) && (!f.path || f.path.test(req.path))
    )
    if (fault) {
      fault.left -= 1
      if (fault.kind === 'reset') return void res.socket?.destroy()
      if (fault.kind === 'stall') return
      if (fault.kind === 'rotate-key') {
        rotate(/\/orgs\//.test(req.path) ? 'org' : /\/environments\//.test(req.path) ? 'env' : 'repo')
      } else {
        return error(req, res, fault.status, fault.message, fault.headers)
      }
    }
    for (const [method, pattern, route] of routes) {
      const match = pattern.exec(req.path)
      if (method === req.method && match) return route(req, res, match)
    }
    error(req, res, 404, 'Not Found')
  }

  const server = createServer((incoming, res) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1')
      const fullPath = url.pathname
      const req: RecordedRequest = {
        query: url.search.slice(1),
        method: incoming.method ?? '',
        path: fullPath.startsWith(prefix) ? fullPath.slice(prefix.length) : `(outside ${prefix}) ${fullPath}`,
        headers: incoming.headers,
        body: raw === '' ? undefined : JSON.parse(raw)
      }
      requests.push(req)
      try {
        handle(req, res)
      } catch (failure) {
        violations.push(`${req.method} ${req.path}: ${(failure as Error).message}`)
        res.writeHead(400).end()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  url = `http://127.0.0.1:${port}${prefix}`
  return {
    url,
    token,
    requests,
    secrets,
    violations,
    variables,
    issues,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

// One way to call GitHub: Octokit (from @actions/github, which honours the runner's proxy
// settings), the pinned REST API version, a timeout per attempt, retries under the policy,
// and every failure turned into one plain error that says what to do.
import { getOctokit } from '@actions/github'
import { UserError } from '../errors.js'
import { said, type Text } from '../text.js'
import { DEFAULT_POLICY, GaveUp, withRetries, type Failure, type RetryClock, type RetryPolicy } from './retry.js'

export type Octokit = ReturnType<typeof getOctokit>

export const API_VERSION = '2022-11-28'
/** One request that has not answered by then is abandoned and, like a reset, tried again. */
const ATTEMPT_TIMEOUT_MS = 15_000

/** An API failure, as a person should read it; `status` lets callers react to a 422. */
export class ApiError extends UserError {
  constructor(
    message: Text,
    readonly status: number | undefined,
    options: { cause?: unknown }
  ) {
    super(message, 'github-token', options)
  }
}

/** What a 403 or 404 means for the scope being written, and what to check. */
export interface ScopeHints {
  /** "repository acme/ops", "environment 'prod' of repository acme/ops", "organization acme". */
  name: string
  /** The permission a 403 lacks, in words. */
  permission: string
  /** The inputs to check after a 404. */
  inputs: string
  /** The input the token came from; github-token unless said. */
  tokenInput?: string
}

export interface ClientOptions {
  token: string
  apiUrl: string
  userAgent: string
  policy?: RetryPolicy
  clock?: RetryClock
  attemptTimeoutMs?: number
}

export interface Client {
  octokit: Octokit
  /** Runs one API request with retries; `attempt` says what it does, for the error. */
  call<T>(attempt: string, request: (signal: AbortSignal) => Promise<T>, options?: { notFound?: T }): Promise<T>
}

const realClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random()
}

export function makeClient(options: ClientOptions, hints: ScopeHints): Client {
  // github-api-url wins everywhere, GitHub Enterprise Server included.
  const octokit = getOctokit(options.token, { baseUrl: options.apiUrl, userAgent: options.userAgent })
  octokit.hook.before('request', (request) => {
    request.headers['x-github-api-version'] = API_VERSION
  })
  const policy = options.policy ?? DEFAULT_POLICY
  const clock = options.clock ?? realClock
  return {
    octokit,
    async call(attempt, request, { notFound } = {}) {
      try {
        return await withRetries(
          () => request(AbortSignal.timeout(options.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS)),
          failureOf,
          policy,
          clock
        )
      } catch (error) {
        if (notFound !== undefined && failureOf(error).status === 404) return notFound
        throw explain(`Could not ${attempt}`, error, hints, options.token)
      }
    }
  }
}

/** Octokit reports a request that got no answer as status 500 without a response. */
function failureOf(error: unknown): Failure {
  const response = (error as { response?: { status?: number; headers?: Failure['headers'] } } | undefined)?.response
  return { status: response?.status, headers: response?.headers ?? {} }
}

function explain(what: string, error: unknown, hints: ScopeHints, token: string): ApiError {
  const gaveUp = error instanceof GaveUp ? error : undefined
  const last = gaveUp ? gaveUp.last : error
  const { status } = failureOf(last)
  const seconds = (ms: number) => `${Math.round(ms / 1000)} s`
  let message: Text
  if (gaveUp?.waitRefusedMs !== undefined) {
    const wait = seconds(gaveUp.waitRefusedMs)
    message = said`${what}: GitHub asked to wait ${wait} (rate limit), longer than this action waits. Run it again later.`
  } else if (gaveUp) {
    const answer = status === undefined ? said`no answer (${networkCause(last)})` : said`status ${status}`
    message = said`${what}: ${gaveUp.attempts} attempts over ${seconds(gaveUp.elapsedMs)} got ${answer}. `.concat(
      said`GitHub or the network is failing; run it again later, and check 'github-api-url'.`
    )
  } else if (status === 401 && !token) {
    message = said`${what}: no token was given in '${hints.tokenInput ?? 'github-token'}' (it is empty). Pass one.`
  } else if (status === 401) {
    message = said`${what}: GitHub answered 401, the token in `.concat(
      said`'${hints.tokenInput ?? 'github-token'}' is invalid or expired. Make a new one.`
    )
  } else if (status === 403) {
    message = said`${what}: GitHub answered 403, the token in '${hints.tokenInput ?? 'github-token'}' lacks ${hints.permission}.`
  } else if (status === 404) {
    const token = hints.tokenInput ?? 'github-token'
    message =
      said`${what}: GitHub answered 404, the ${hints.name} was not found, or the token in '${token}' cannot see it. `.concat(
        said`Check ${hints.inputs} and the token's access.`
      )
  } else if (status === undefined) {
    message = said`${what}: ${networkCause(last)}. Check 'github-api-url' and the runner's network.`
  } else {
    message = said`${what}: GitHub answered ${status}${apiMessage(last)}.`
  }
  return new ApiError(message, status, { cause: error })
}

function networkCause(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** GitHub's own message for a refusal such as 422, which names the field; it never holds the value. */
function apiMessage(error: unknown): string {
  const data = (error as { response?: { data?: { message?: unknown } } } | undefined)?.response?.data
  return typeof data?.message === 'string' ? ` (${data.message.slice(0, 200)})` : ''
}

// When and how long to wait before trying a GitHub request again. Pure: the clock, the sleep
// and the dice are passed in, so the policy can be tested without waiting.

/** What a failed request left to go on; `status` is undefined when no answer came at all. */
export interface Failure {
  status: number | undefined
  headers: Record<string, string | number | undefined>
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number
  /** The whole call, waits included, ends by then. */
  budgetMs: number
  /** First backoff; doubles each attempt, with full jitter. */
  baseDelayMs: number
  maxDelayMs: number
}

/** About a minute at most, as a scheduled job can afford; five tries cover a brief outage. */
export const DEFAULT_POLICY: RetryPolicy = { maxAttempts: 5, budgetMs: 60_000, baseDelayMs: 500, maxDelayMs: 20_000 }

const header = (failure: Failure, name: string): number | undefined => {
  const value = failure.headers[name]
  return value === undefined || value === '' ? undefined : Number(value)
}

/** retry-after as HTTP allows it: seconds, or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(failure: Failure, nowMs: number): number | undefined {
  const value = failure.headers['retry-after']
  if (value === undefined || value === '') return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(String(value))
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}

/**
 * How long to wait before the next attempt, or undefined when it must not be retried: 5xx,
 * 429, no answer at all, and secondary rate limits (403 with retry-after, or with
 * x-ratelimit-remaining 0) are retried, honouring the wait GitHub asks for; 401, 404, 422
 * and a 403 that is about permissions never are.
 */
export function retryDelayMs(
  failure: Failure,
  attempt: number,
  policy: RetryPolicy,
  nowMs: number,
  random: () => number
): number | undefined {
  const { status } = failure
  const retryAfter = retryAfterMs(failure, nowMs)
  const rateLimited = header(failure, 'x-ratelimit-remaining') === 0
  const retryable =
    status === undefined ||
    status >= 500 ||
    status === 429 ||
    (status === 403 && (retryAfter !== undefined || rateLimited))
  if (!retryable) return undefined
  if (retryAfter !== undefined) return retryAfter
  const reset = header(failure, 'x-ratelimit-reset')
  if (rateLimited && reset !== undefined && Number.isFinite(reset)) return Math.max(0, reset * 1000 - nowMs)
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)))
}

export interface RetryClock {
  now(): number
  sleep(ms: number): Promise<void>
  random(): number
}

/** Why a call gave up: the last failure, how many attempts, and whether a wait would overrun. */
export class GaveUp extends Error {
  constructor(
    readonly last: unknown,
    readonly attempts: number,
    readonly elapsedMs: number,
    readonly waitRefusedMs: number | undefined
  ) {
    super('gave up')
  }
}

/**
 * Runs `request` until it succeeds, a failure must not be retried (it is rethrown as is), or
 * the attempts or the time budget run out (GaveUp). `toFailure` reads a thrown error.
 */
export async function withRetries<T>(
  request: () => Promise<T>,
  toFailure: (error: unknown) => Failure,
  policy: RetryPolicy,
  clock: RetryClock
): Promise<T> {
  const start = clock.now()
  for (let attempt = 1; ; attempt++) {
    try {
      return await request()
    } catch (error) {
      const delay = retryDelayMs(toFailure(error), attempt, policy, clock.now(), () => clock.random())
      if (delay === undefined) throw error
      const elapsed = clock.now() - start
      if (attempt >= policy.maxAttempts) throw new GaveUp(error, attempt, elapsed, undefined)
      if (elapsed + delay > policy.budgetMs) throw new GaveUp(error, attempt, elapsed, delay)
      await clock.sleep(delay)
    }
  }
}

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  DEFAULT_POLICY,
  GaveUp,
  retryDelayMs,
  withRetries,
  type Failure,
  type RetryClock
} from '../../src/github/retry.js'

const fail = (status: number | undefined, headers: Failure['headers'] = {}): Failure => ({ status, headers })
const delay = (failure: Failure, attempt = 1, now = 1_000_000) =>
  retryDelayMs(failure, attempt, DEFAULT_POLICY, now, () => 0.5)

describe('retryDelayMs', () => {
  it('never retries 401, 404, 422 or a 403 about permissions', () => {
    for (const status of [400, 401, 403, 404, 422]) assert.equal(delay(fail(status)), undefined, String(status))
    assert.equal(delay(fail(403, { 'x-ratelimit-remaining': '12' })), undefined)
  })

  it('backs off on 5xx, 429 and no answer, doubling with jitter up to a cap', () => {
    assert.equal(delay(fail(502)), 250)
    assert.equal(delay(fail(503), 2), 500)
    assert.equal(delay(fail(undefined), 3), 1000)
    assert.equal(delay(fail(429), 4), 2000)
    assert.equal(delay(fail(500), 20), DEFAULT_POLICY.maxDelayMs / 2)
    assert.equal(
      retryDelayMs(fail(500), 1, DEFAULT_POLICY, 0, () => 0),
      0
    )
  })

  it('honours the wait a secondary rate limit asks for', () => {
    assert.equal(delay(fail(403, { 'retry-after': '7' })), 7000)
    assert.equal(delay(fail(429, { 'retry-after': 2 })), 2000)
    assert.equal(delay(fail(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1012' }), 1, 1_000_000), 12_000)
    assert.equal(delay(fail(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '900' }), 1, 1_000_000), 0)
  })

  it('takes retry-after as an HTTP date too, and ignores one it cannot read', () => {
    const now = Date.parse('Mon, 30 Nov 2026 10:00:00 GMT')
    assert.equal(delay(fail(503, { 'retry-after': 'Mon, 30 Nov 2026 10:00:05 GMT' }), 1, now), 5000)
    assert.equal(delay(fail(503, { 'retry-after': 'Mon, 30 Nov 2026 09:59:00 GMT' }), 1, now), 0)
    assert.equal(
      delay(fail(403, { 'retry-after': 'soon' }), 1, now),
      undefined,
      'a 403 with no readable wait is about permissions'
    )
    assert.equal(delay(fail(503, { 'retry-after': '' })), 250)
  })

  it('backs off on a 5xx whatever its rate-limit headers say (GitHub sends them on every answer)', () => {
    const headers = { 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': '2000000' }
    assert.equal(delay(fail(502, headers), 1, 1_000_000), 250)
    assert.equal(delay(fail(403, headers), 1, 1_000_000), undefined, 'a 403 with requests left is about permissions')
  })
})

function fakeClock(): RetryClock & { slept: number[] } {
  // Not zero: elapsed time must be measured from the start, not from the epoch.
  let now = 1_764_000_000_000
  const slept: number[] = []
  return { slept, now: () => now, sleep: async (ms) => void (slept.push(ms), (now += ms)), random: () => 1 }
}

describe('withRetries', () => {
  const toFailure = (error: unknown) => error as Failure

  it('succeeds after transient failures, waiting between tries', async () => {
    const clock = fakeClock()
    const answers: Array<Failure | 'ok'> = [fail(503), fail(undefined), 'ok']
    const result = await withRetries(
      async () => {
        const next = answers.shift()
        if (next === 'ok') return 'done'
        throw next
      },
      toFailure,
      DEFAULT_POLICY,
      clock
    )
    assert.equal(result, 'done')
    assert.deepEqual(clock.slept, [500, 1000])
  })

  it('rethrows what must not be retried at once', async () => {
    const clock = fakeClock()
    await assert.rejects(
      withRetries(
        async () => {
          throw fail(401)
        },
        toFailure,
        DEFAULT_POLICY,
        clock
      ),
      (error) => (error as Failure).status === 401
    )
    assert.deepEqual(clock.slept, [])
  })

  it('gives up after the last attempt, or before a wait that would overrun the budget', async () => {
    const clock = fakeClock()
    await assert.rejects(
      withRetries(
        async () => {
          throw fail(500)
        },
        toFailure,
        DEFAULT_POLICY,
        clock
      ),
      (error) => error instanceof GaveUp && error.attempts === 5 && error.waitRefusedMs === undefined
    )
    assert.deepEqual(clock.slept, [500, 1000, 2000, 4000])
    const slow = fakeClock()
    await assert.rejects(
      withRetries(
        async () => {
          throw fail(403, { 'retry-after': '3600' })
        },
        toFailure,
        DEFAULT_POLICY,
        slow
      ),
      (error) => error instanceof GaveUp && error.attempts === 1 && error.waitRefusedMs === 3_600_000
    )
    assert.deepEqual(slow.slept, [])
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MAX_DURATION_MS, parseDuration, parseRenewBefore, requirePositiveDuration } from '../../src/duration.js'
import { UserError } from '../../src/errors.js'

describe('parseDuration', () => {
  const cases: Array<[string, number | undefined]> = [
    ['8760h', 8760 * 3_600_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['365d', 365 * 86_400_000],
    ['90s', 90_000],
    ['250ms', 250],
    ['2h45m30s', (2 * 3600 + 45 * 60 + 30) * 1000],
    ['-1h', -3_600_000],
    ['0', 0],
    ['', undefined],
    ['1', undefined],
    ['h', undefined],
    ['1y', undefined],
    ['1h 30m', undefined],
    ['forever', undefined],
    ['+1h', 3_600_000],
    ['1.25h', 4_500_000],
    ['.5s', 500],
    ['1.s', 1000],
    ['-0', 0],
    ['+', undefined],
    ['1h-1m', undefined],
    ['2us', 0.002],
    ['3µs', 0.003],
    ['4ns', 0.000004],
    ['  2m  ', 120_000]
  ]
  for (const [text, ms] of cases) it(`reads '${text}'`, () => assert.equal(parseDuration(text), ms))
})

describe('requirePositiveDuration', () => {
  it('names the input and the expected syntax', () => {
    assert.throws(
      () => requirePositiveDuration('a year', 'ttl'),
      (error: UserError) => {
        assert.equal(error.input, 'ttl')
        assert.match(error.message, /^Input 'ttl' is not a duration: 'a year'\. Use Go duration syntax/)
        return true
      }
    )
  })
  it('refuses a duration past what Go can hold (about 292 years), as talosctl would', () => {
    assert.equal(requirePositiveDuration('2562047h', 'ttl'), 2562047 * 3_600_000)
    for (const text of ['9999999999d', '2562048h', '1e400h']) {
      assert.throws(
        () => requirePositiveDuration(text, 'ttl'),
        (error: UserError) =>
          (error.input === 'ttl' &&
            error.message ===
              `Input 'ttl' is longer than a Go duration can be (about 292 years), as talosctl would refuse it; got '${text}'.`) ||
          error.message.startsWith(`Input 'ttl' is not a duration`)
      )
    }
    assert.throws(
      () => parseRenewBefore('9999999999d', 'renew-before'),
      /^UserError: Input 'renew-before' is longer than a Go duration can be/
    )
  })
  it("takes exactly Go's largest duration, and nothing past it", () => {
    // 2^63 - 1 ns: 2562047h47m16.854775807s.
    assert.equal(requirePositiveDuration('2562047h47m16.854s', 'ttl') <= MAX_DURATION_MS, true)
    assert.equal(requirePositiveDuration(`${MAX_DURATION_MS}ms`, 'ttl'), MAX_DURATION_MS)
    assert.throws(() => requirePositiveDuration('2562047h47m17s', 'ttl'), /longer than a Go duration can be/)
  })
  it('refuses zero and negative lifetimes', () => {
    assert.throws(() => requirePositiveDuration('0', 'ttl'), /must be longer than zero/)
    assert.throws(() => requirePositiveDuration('-5h', 'ttl'), /must be longer than zero/)
  })
})

describe('parseRenewBefore', () => {
  it('takes a duration or a share of the lifetime', () => {
    assert.deepEqual(parseRenewBefore('30d', 'renew-before'), { kind: 'duration', ms: 30 * 86_400_000 })
    assert.deepEqual(parseRenewBefore('33%', 'renew-before'), { kind: 'share', fraction: 0.33 })
    assert.deepEqual(parseRenewBefore('12.5%', 'renew-before'), { kind: 'share', fraction: 0.125 })
  })
  it('takes zero (renew only once expired), and a share just inside the bounds', () => {
    assert.deepEqual(parseRenewBefore('0', 'renew-before'), { kind: 'duration', ms: 0 })
    assert.deepEqual(parseRenewBefore('0.5%', 'renew-before'), { kind: 'share', fraction: 0.005 })
    assert.deepEqual(parseRenewBefore('99.5%', 'renew-before'), { kind: 'share', fraction: 0.995 })
    assert.deepEqual(parseRenewBefore(' 10% ', 'renew-before'), { kind: 'share', fraction: 0.1 })
  })
  it('refuses shares outside 0-100 and other text', () => {
    assert.throws(() => parseRenewBefore('33%x', 'renew-before'), /Input 'renew-before' must be a duration/)
    assert.throws(() => parseRenewBefore('%', 'renew-before'), /Input 'renew-before' must be a duration/)
    assert.throws(() => parseRenewBefore('0%', 'renew-before'), /between 0% and 100%/)
    assert.throws(() => parseRenewBefore('100%', 'renew-before'), /between 0% and 100%/)
    assert.throws(() => parseRenewBefore('150%', 'renew-before'), /between 0% and 100%/)
    assert.throws(() => parseRenewBefore('soon', 'renew-before'), /Input 'renew-before' must be a duration/)
    assert.throws(() => parseRenewBefore('-1d', 'renew-before'), /Input 'renew-before' must be a duration/)
  })
})

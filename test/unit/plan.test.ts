import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { plan } from '../../src/plan.js'

const DAY = 86_400_000
const now = new Date('2026-11-28T12:00:00Z')
const cert = (daysLeft: number, lifetimeDays = 365) => ({
  notBefore: new Date(now.getTime() + (daysLeft - lifetimeDays) * DAY),
  notAfter: new Date(now.getTime() + daysLeft * DAY)
})
const days30 = { renewBefore: { kind: 'duration' as const, ms: 30 * DAY }, force: false }

describe('plan', () => {
  it('renews a missing certificate', () => {
    assert.deepEqual(plan(undefined, days30, now), {
      status: 'missing',
      renew: true,
      reason: 'there is no client certificate yet'
    })
  })
  it('leaves a valid one alone and renews inside the window', () => {
    assert.deepEqual(plan(cert(31), days30, now), {
      status: 'valid',
      renew: false,
      reason: '31 days left, outside renew-before',
      daysRemaining: 31
    })
    assert.deepEqual(plan(cert(29.5), days30, now), {
      status: 'expiring',
      renew: true,
      reason: '29 days left, inside renew-before',
      daysRemaining: 29
    })
    assert.equal(plan(cert(1.2), days30, now).reason, '1 day left, inside renew-before')
  })
  it('says expired once notAfter has passed, with negative days', () => {
    assert.deepEqual(plan(cert(-0.5), days30, now), {
      status: 'expired',
      renew: true,
      reason: 'it has expired',
      daysRemaining: 0,
      daysSinceExpiry: 0
    })
    assert.equal(plan(cert(-3), days30, now).daysRemaining, -3)
  })
  it('counts the days since expiry down: 537.6 days ago is 537 days ago, and days-remaining says -537', () => {
    assert.deepEqual(
      [plan(cert(-537.6), days30, now).daysRemaining, plan(cert(-537.6), days30, now).daysSinceExpiry],
      [-537, 537]
    )
    assert.equal(plan(cert(-2), days30, now).daysSinceExpiry, 2)
  })
  it('forces a renewal of a valid certificate', () => {
    assert.deepEqual(plan(cert(200), { ...days30, force: true }, now), {
      status: 'valid',
      renew: true,
      reason: '200 days left, outside renew-before; renewal forced',
      daysRemaining: 200
    })
  })
  it('measures a share against the certificate own lifetime', () => {
    const third = { renewBefore: { kind: 'share' as const, fraction: 0.33 }, force: false }
    assert.equal(plan(cert(120, 365), third, now).status, 'expiring')
    assert.equal(plan(cert(121, 365), third, now).status, 'valid')
    // A 30-day certificate: 33% is 9.9 days.
    assert.equal(plan(cert(9, 30), third, now).status, 'expiring')
    assert.equal(plan(cert(10, 30), third, now).status, 'valid')
  })

  it("draws its lines exactly: expired at notAfter, due from the window's first instant", () => {
    const at = (leftMs: number) => ({
      notBefore: new Date(now.getTime() - 100 * DAY),
      notAfter: new Date(now.getTime() + leftMs)
    })
    assert.equal(plan(at(0), days30, now).status, 'expired')
    assert.equal(plan(at(1), days30, now).status, 'expiring')
    assert.equal(plan(at(30 * DAY), days30, now).status, 'valid', 'exactly renew-before left: not yet')
    assert.equal(plan(at(30 * DAY - 1), days30, now).status, 'expiring')
  })

  it('with renew-before 0 renews only what has expired', () => {
    const zero = { renewBefore: { kind: 'duration' as const, ms: 0 }, force: false }
    assert.deepEqual([plan(cert(0.01), zero, now).status, plan(cert(0.01), zero, now).renew], ['valid', false])
    assert.deepEqual([plan(cert(-0.01), zero, now).status, plan(cert(-0.01), zero, now).renew], ['expired', true])
  })

  it('forces only a valid certificate; one due is due anyway, with its own reason', () => {
    const forced = { ...days30, force: true }
    assert.deepEqual(plan(cert(100), forced, now), {
      status: 'valid',
      renew: true,
      reason: '100 days left, outside renew-before; renewal forced',
      daysRemaining: 100
    })
    assert.equal(plan(cert(10), forced, now).reason, '10 days left, inside renew-before')
    assert.equal(plan(cert(-2), forced, now).reason, 'it has expired')
  })

  it('takes a share of the lifetime as the window', () => {
    const third = { renewBefore: { kind: 'share' as const, fraction: 1 / 3 }, force: false }
    assert.equal(plan(cert(100, 300), third, now).status, 'valid', 'exactly a third left: not yet')
    assert.equal(plan(cert(99, 300), third, now).status, 'expiring')
  })
})

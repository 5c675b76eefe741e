import type { RenewBefore } from './duration.js'

/** check reads and reports only; renew also renews what is due. */
export type Mode = 'check' | 'renew'

/** The state of the current certificate before the run. */
export type Status = 'valid' | 'expiring' | 'expired' | 'missing'

export interface Validity {
  notBefore: Date
  notAfter: Date
}

export interface Decision {
  status: Status
  renew: boolean
  /** Why, in words for the log and the summary. */
  reason: string
  /** Whole days left, rounded towards zero; negative once expired a whole day (-daysSinceExpiry). */
  daysRemaining?: number
  /** Once expired: whole days since, rounded down (537.6 days ago is 537 days ago). */
  daysSinceExpiry?: number
}

export interface DueRule {
  renewBefore: RenewBefore
  force: boolean
}

const DAY_MS = 86_400_000

/** How long before notAfter renewal starts: a fixed time, or a share of the lifetime. */
export function renewalWindowMs(validity: Validity, rule: RenewBefore): number {
  return rule.kind === 'duration'
    ? rule.ms
    : rule.fraction * (validity.notAfter.getTime() - validity.notBefore.getTime())
}

/** The whole due rule: renew when missing, expired, inside the window, or forced. */
export function plan(current: Validity | undefined, rule: DueRule, now: Date): Decision {
  if (!current) {
    return { status: 'missing', renew: true, reason: 'there is no client certificate yet' }
  }
  const leftMs = current.notAfter.getTime() - now.getTime()
  // Whole days, rounded towards the expiry: 9.7 days left is 9, expired 537.6 days ago is -537,
  // so that days-remaining and "expired N days ago" say the same number.
  const wholeDays = Math.floor(Math.abs(leftMs) / DAY_MS)
  // Stryker disable next-line EqualityOperator: at leftMs 0 wholeDays is 0, and both sides say 0.
  const daysRemaining = leftMs > 0 || wholeDays === 0 ? wholeDays : -wholeDays
  const status: Status =
    leftMs <= 0 ? 'expired' : leftMs < renewalWindowMs(current, rule.renewBefore) ? 'expiring' : 'valid'
  const left = `${daysRemaining} ${Math.abs(daysRemaining) === 1 ? 'day' : 'days'}`
  const reason = {
    expired: 'it has expired',
    expiring: `${left} left, inside renew-before`,
    valid: `${left} left, outside renew-before`
  }[status]
  if (rule.force && status === 'valid')
    return { status, renew: true, reason: `${reason}; renewal forced`, daysRemaining }
  const since = status === 'expired' ? { daysSinceExpiry: wholeDays } : {}
  return { status, renew: status !== 'valid', reason, daysRemaining, ...since }
}

/** The status at which a check fails the step. */
export type FailOn = 'expiring' | 'expired' | 'never'

/** How bad a status is: what a check fails on, and what is worth an annotation. */
export const SEVERITY: Record<Status, number> = { missing: 0, valid: 0, expiring: 1, expired: 2 }
const FAIL_LEVEL: Record<FailOn, number> = { expiring: 1, expired: 2, never: Infinity }

/** Whether a check fails on this status: only certificates that exist can fail it. */
export function reachesFailOn(status: Status, failOn: FailOn): boolean {
  return SEVERITY[status] >= FAIL_LEVEL[failOn]
}

// Each credential as it stands after the run: what a person wants to know first. A renewal
// that was written replaces the certificate it renewed; a dry run or a write that failed
// leaves the old one standing, and says what happened to the new one.
import { isoDay } from '../duration.js'
import type { ContextReport } from '../credentials/judge.js'
import type { Status } from '../plan.js'
import type { CredentialResult, Renewal, RunResult } from '../result.js'

/** What happened to the credential's renewal in this run. */
export type Outcome = 'renewed' | 'would renew' | 'not written' | undefined

export interface AfterRun {
  entry: CredentialResult
  /** The selected context's report, when the file has one. */
  report: ContextReport | undefined
  /** When the standing certificate expires: the new one once written, else the current one. */
  expires: Date | undefined
  /** When its renewal window opens. */
  opens: Date | undefined
  /** How long the standing certificate lives in all (for showing hours where they matter). */
  lifetimeMs: number | undefined
  status: Status
  outcome: Outcome
}

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

/** A date a person reads: the day, and the time too when it lives less than two days. */
export function dateOf(date: Date | undefined, lifetimeMs?: number): string {
  if (!date) return '—'
  return lifetimeMs !== undefined && lifetimeMs < 2 * DAY_MS
    ? `${isoDay(date)} ${date.toISOString().slice(11, 16)} UTC`
    : isoDay(date)
}

/** Days from now, rounded towards zero, as days-remaining counts them. */
export const daysBetween = (from: Date, to: Date): number => Math.trunc((to.getTime() - from.getTime()) / DAY_MS)

function outcomeOf(renewal: Renewal | undefined, result: RunResult): Outcome {
  if (!renewal) return undefined
  if (renewal.secretUpdated) return 'renewed'
  // A dry run that failed after issuing would not have renewed either: a real run fails the same way.
  return result.dryRun && !renewal.writeFailed && !result.failure ? 'would renew' : 'not written'
}

/** The selected context of each credential, as it stands after the run. */
export function afterRun(result: RunResult): AfterRun[] {
  return result.credentials.map((entry) => {
    const report = entry.contexts.find(({ selected }) => selected)
    const outcome = outcomeOf(entry.renewal, result)
    const renewal = outcome === 'renewed' ? entry.renewal : undefined
    const certificate = report?.certificate
    const expires = renewal?.notAfter ?? certificate?.notAfter
    const started = renewal?.notBefore ?? certificate?.notBefore
    const status: Status = renewal ? 'valid' : (report?.decision.status ?? entry.decision.status)
    return {
      entry,
      report,
      expires,
      opens: renewal?.renewalOpens ?? report?.renewalOpens,
      lifetimeMs: expires && started ? expires.getTime() - started.getTime() : undefined,
      status,
      outcome
    }
  })
}

/** The first of the dates, or undefined when there is none. */
export function earliest(dates: Array<Date | undefined>): Date | undefined {
  return dates.reduce<Date | undefined>((first, date) => (date && (!first || date < first) ? date : first), undefined)
}

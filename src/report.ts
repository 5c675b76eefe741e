// What a run found and did, from one RunResult: the step's outputs, the annotations and the
// log's headlines (the job summary is src/summary.ts). Every credential is told the same way.
import type { BreakGlass } from './break-glass.js'
import type { ContextReport } from './credentials/judge.js'
import type { OutputNames } from './credentials/pass.js'
import type { CredentialKind, RenewedThrough } from './issuers/issuer.js'
import type { Decision, Mode, Status } from './plan.js'

/** The status at which a check fails the step. */
export type FailOn = 'expiring' | 'expired' | 'never'

/** A certificate issued and stored (or, in a dry run, only issued) by this run. */
export interface Renewal {
  /** How it was renewed: through the cluster's Talos API, or with the CA key of an input. */
  through: RenewedThrough
  roles: string[]
  notBefore: Date
  notAfter: Date
  caNotAfter: Date
  /** The new file for later steps (mode 0600, under RUNNER_TEMP). */
  path: string
  /** Where the secret went, or would have gone: `repository owner/name`. */
  scope: string
  secretUpdated: boolean
  /** Proven against the live cluster (true), not reachable (false), or not tried (undefined). */
  connectionVerified?: boolean
  /** Why writing its secret failed, when it did. */
  writeFailed?: string
}

/** One credential file of the run: what was found in it, and what was done. */
export interface CredentialResult {
  kind: CredentialKind
  /** The selected context: the one checked for the outputs and renewed when due. */
  context: string
  /** Every context of the file, the selected one first; empty when there is no file yet. */
  contexts: ContextReport[]
  decision: Decision
  /** Where a renewal goes; undefined when the credential is only checked. */
  secretName: string | undefined
  renewal?: Renewal
}

/** What one run found and did: the single source of outputs, annotations and summary. */
export interface RunResult {
  mode: Mode
  modeReason: string
  /** The talosconfig first, then any other credential the run involves. */
  credentials: CredentialResult[]
  /**
   * The step fails without an error of its own: a check found a certificate at the fail-on
   * level, or the drill found the fallback broken (their annotations say why).
   */
  failed: boolean
  /** The issue open-issue opened, commented on or closed in this run. */
  issueNumber?: number
  /** Why the run did nothing at all (a fork's pull request), when it did not. */
  skipped?: string
  /** The break-glass drill: the CA source proven, checked, found broken, or skipped. */
  breakGlass?: BreakGlass
  /** A dry run: everything but the writes. */
  dryRun?: boolean
  /** The one error line of a run that failed, with what to do. */
  failure?: string
}

/** Every context reported, credential by credential. */
export const allReports = (result: RunResult): ContextReport[] => result.credentials.flatMap((entry) => entry.contexts)

export interface Annotation {
  level: 'error' | 'warning'
  message: string
}

const SEVERITY: Record<Status, number> = { missing: 0, valid: 0, expiring: 1, expired: 2 }
const FAIL_LEVEL: Record<FailOn, number> = { expiring: 1, expired: 2, never: Infinity }

/** Whether a check fails on this status: only certificates that exist can fail it. */
export function reachesFailOn(status: Status, failOn: FailOn): boolean {
  return SEVERITY[status] >= FAIL_LEVEL[failOn]
}

export const day = (date: Date | undefined): string => date?.toISOString().slice(0, 10) ?? '—'
const ago = (days: number): string =>
  days === 0 ? 'less than a day ago' : `${days} ${days === 1 ? 'day' : 'days'} ago`

/** The renewal of the credential a report belongs to, when the report is its selected context. */
export function renewalOf(result: RunResult, report: ContextReport): Renewal | undefined {
  return report.selected ? result.credentials.find((entry) => entry.contexts.includes(report))?.renewal : undefined
}

/**
 * Annotations: every expiring or expired certificate this run did not renew (an error when
 * it fails the check), and every problem found, except those a renewal has just cured.
 */
export function annotationsOf(result: RunResult, failOn: FailOn): Annotation[] {
  const annotations: Annotation[] = []
  for (const report of allReports(result)) {
    const renewed = renewalOf(result, report) !== undefined
    const { certificate, decision } = report
    if (certificate && SEVERITY[decision.status] > 0 && !renewed) {
      const when =
        decision.status === 'expired'
          ? `expired on ${day(certificate.notAfter)} (${ago(decision.daysSinceExpiry ?? 0)})`
          : `expires on ${day(certificate.notAfter)} (${decision.daysRemaining ?? 0} days left)`
      const level = result.mode === 'check' && reachesFailOn(decision.status, failOn) ? 'error' : 'warning'
      annotations.push({ level, message: `The client certificate of ${report.kind} context '${report.name}' ${when}.` })
    }
    for (const problem of report.problems) {
      if (problem.about === 'ca' || !renewed) annotations.push({ level: 'warning', message: problem.message })
    }
  }
  if (result.breakGlass?.status === 'broken')
    annotations.push({ level: 'error', message: brokenWords(result.breakGlass) })
  return annotations
}

/** The one error line of a broken drill: what is wrong with the fallback, and what to do. */
export function brokenWords(drill: BreakGlass): string {
  const what = `The break-glass drill found the CA key of '${drill.source}' broken`
  return `${what}, the fallback for the day the Talos API cannot be used: ${drill.message}`
}

/** The step's outputs: each kind's, about its selected context, then the run's. Never a file or a key. */
export function outputsOf(result: RunResult, kinds: readonly OutputNames[]): Record<string, string> {
  const outputs: Record<string, string> = {}
  for (const names of kinds)
    Object.assign(
      outputs,
      credentialOutputs(
        names,
        result.credentials.find((entry) => entry.kind === names.kind)
      )
    )
  return {
    ...outputs,
    ...(result.skipped ? { status: 'skipped' } : {}),
    'connection-verified': connectionVerified(result),
    'break-glass': result.breakGlass?.status ?? 'skipped',
    report: JSON.stringify([
      ...result.credentials.flatMap((entry) => entry.contexts.map((report) => reportEntry(entry, report))),
      ...(drilled(result) ? [drillEntry(result.breakGlass as BreakGlass)] : [])
    ]),
    'issue-number': result.issueNumber?.toString() ?? ''
  }
}

/** One kind's outputs; all empty when the run does not involve it (`false` would claim it was looked at). */
function credentialOutputs(names: OutputNames, entry: CredentialResult | undefined): Record<string, string> {
  const selected = entry?.contexts.find((report) => report.selected)
  const renewal = entry?.renewal
  const facts: Record<keyof Omit<OutputNames, 'kind'>, string> = {
    status: entry?.decision.status ?? '',
    expiresAt: selected?.certificate?.notAfter.toISOString() ?? '',
    daysRemaining: entry?.decision.daysRemaining?.toString() ?? '',
    renewed: entry ? String(renewal !== undefined) : '',
    through: renewal?.through ?? '',
    newExpiresAt: renewal?.notAfter.toISOString() ?? '',
    secretUpdated: entry ? String(renewal?.secretUpdated ?? false) : '',
    path: renewal?.path ?? '',
    caExpiresAt: (renewal?.caNotAfter ?? selected?.caNotAfter)?.toISOString() ?? ''
  }
  const outputs: Record<string, string> = {}
  for (const [fact, value] of Object.entries(facts)) {
    const name = names[fact as keyof typeof facts]
    if (name) outputs[name] = value
  }
  return outputs
}

/** true when every renewed credential was proven, false when one could not be, empty when none was tried. */
function connectionVerified(result: RunResult): string {
  const tried = result.credentials.filter((entry) => entry.renewal?.connectionVerified !== undefined)
  return tried.length === 0 ? '' : String(tried.every((entry) => entry.renewal?.connectionVerified))
}

function reportEntry(entry: CredentialResult, report: ContextReport): Record<string, unknown> {
  return {
    kind: report.kind,
    context: report.name,
    roles: report.certificate?.organizations ?? [],
    'expires-at': report.certificate?.notAfter.toISOString() ?? null,
    'days-remaining': report.decision.daysRemaining ?? null,
    status: report.decision.status,
    'ca-expires-at': report.caNotAfter?.toISOString() ?? null,
    'renewed-through': (report.selected && entry.renewal?.through) || null
  }
}

/** Whether the drill ran: a skipped one has no row and no report entry. */
export const drilled = (result: RunResult): boolean =>
  result.breakGlass !== undefined && result.breakGlass.status !== 'skipped'

/** The drill in the report output: its status and each credential's, in words. */
function drillEntry(drill: BreakGlass): Record<string, unknown> {
  return {
    kind: 'break-glass',
    source: drill.source ?? null,
    status: drill.status,
    credentials: drill.credentials.map(({ kind, status, message }) => ({ kind, status, message }))
  }
}

/** One line a credential for the log. */
export function headlines(result: RunResult): string[] {
  return result.credentials.map((entry) => {
    const what = `${entry.kind} context '${entry.context}'`
    const { renewal, decision } = entry
    if (renewal?.secretUpdated) {
      return `Renewed ${what}: ${decision.reason}; secret ${entry.secretName} written to ${renewal.scope}.`
    }
    if (renewal) return `Dry run: renewed ${what} (${decision.reason}) but wrote no secret.`
    if (result.mode === 'check') return `Checked ${what} (${result.modeReason}): ${decision.reason}.`
    if (!entry.secretName) return `Checked ${what} (no secret to renew it into): ${decision.reason}.`
    return `Nothing to do for ${what}: ${decision.reason}.`
  })
}

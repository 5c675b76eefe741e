import type { ContextReport } from './contexts.js'
import type { RenewedThrough } from './issuers/issuer.js'
import type { Decision, Mode, Status } from './plan.js'

/** The status at which a check fails the step. */
export type FailOn = 'expiring' | 'expired' | 'never'

/** A certificate issued and stored (or, in a dry run, only issued) by this run. */
export interface Renewal {
  /** How it was renewed: through the cluster's Talos API, or with the CA key of an input. */
  through: RenewedThrough
  roles: string[]
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

/** What one run found and did: the single source of outputs, annotations and summary. */
export interface RunResult {
  mode: Mode
  modeReason: string
  /** The selected context: the one checked for the outputs and renewed when due. */
  context: string
  /** Every context of the talosconfig, the selected one first; empty without a talosconfig. */
  contexts: ContextReport[]
  decision: Decision
  renewal?: Renewal
  secretName: string
  /** The admin kubeconfig, when one is checked or kept. */
  kube?: KubeResult
  /** A check found a certificate at the fail-on level. */
  failed: boolean
  /** The issue open-issue opened, commented on or closed in this run. */
  issueNumber?: number
}

export interface KubeResult {
  context: string
  /** Undefined when there is no kubeconfig yet. */
  report: ContextReport | undefined
  decision: Decision
  renewal?: Renewal
  secretName: string | undefined
}

/** Every context reported: the talosconfig's, then the kubeconfig's. */
export const allReports = (result: RunResult): ContextReport[] => [
  ...result.contexts,
  ...(result.kube?.report ? [result.kube.report] : [])
]

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

const day = (date: Date | undefined): string => date?.toISOString().slice(0, 10) ?? '—'
export const renewalOf = (result: RunResult, report: ContextReport): Renewal | undefined =>
  !report.selected ? undefined : report.kind === 'kubeconfig' ? result.kube?.renewal : result.renewal
const renewed = (result: RunResult, report: ContextReport): boolean => renewalOf(result, report) !== undefined

/**
 * Annotations: every expiring or expired certificate this run did not renew (an error when
 * it fails the check), and every problem found, except those a renewal has just cured.
 */
export function annotationsOf(result: RunResult, failOn: FailOn): Annotation[] {
  const annotations: Annotation[] = []
  for (const report of allReports(result)) {
    const { certificate, decision } = report
    if (certificate && SEVERITY[decision.status] > 0 && !renewed(result, report)) {
      const days = decision.daysRemaining ?? 0
      const ago = decision.daysSinceExpiry ?? 0
      const when =
        decision.status === 'expired'
          ? `expired on ${day(certificate.notAfter)} (${ago} ${ago === 1 ? 'day' : 'days'} ago)`
          : `expires on ${day(certificate.notAfter)} (${days} days left)`
      const level = result.mode === 'check' && reachesFailOn(decision.status, failOn) ? 'error' : 'warning'
      annotations.push({ level, message: `The client certificate of ${report.kind} context '${report.name}' ${when}.` })
    }
    for (const problem of report.problems) {
      if (problem.about === 'ca' || !renewed(result, report))
        annotations.push({ level: 'warning', message: problem.message })
    }
  }
  return annotations
}

/** The step's outputs, about the selected context. Never the talosconfig itself, nor a key. */
export function outputsOf(result: RunResult): Record<string, string> {
  const selected = result.contexts.find((report) => report.selected)
  const caNotAfter = result.renewal?.caNotAfter ?? selected?.caNotAfter
  return {
    status: result.decision.status,
    'expires-at': selected?.certificate?.notAfter.toISOString() ?? '',
    'days-remaining': result.decision.daysRemaining?.toString() ?? '',
    renewed: String(result.renewal !== undefined),
    'renewed-through': result.renewal?.through ?? '',
    'new-expires-at': result.renewal?.notAfter.toISOString() ?? '',
    'secret-updated': String(result.renewal?.secretUpdated ?? false),
    'talosconfig-path': result.renewal?.path ?? '',
    'ca-expires-at': caNotAfter?.toISOString() ?? '',
    'connection-verified': connectionVerified(result),
    report: JSON.stringify(allReports(result).map((report) => reportEntry(result, report))),
    'issue-number': result.issueNumber?.toString() ?? '',
    ...kubeOutputs(result.kube)
  }
}

/** true when every renewed credential was proven, false when one could not be, empty when none was tried. */
function connectionVerified(result: RunResult): string {
  const tried = [result.renewal, result.kube?.renewal].filter((renewal) => renewal?.connectionVerified !== undefined)
  return tried.length === 0 ? '' : String(tried.every((renewal) => renewal?.connectionVerified))
}

/** Empty, all four, when no kubeconfig is involved: `false` would claim one was looked at. */
function kubeOutputs(kube: KubeResult | undefined): Record<string, string> {
  return {
    'kubeconfig-status': kube?.decision.status ?? '',
    'kubeconfig-expires-at': kube?.report?.certificate?.notAfter.toISOString() ?? '',
    'kubeconfig-renewed': kube ? String(kube.renewal !== undefined) : '',
    'kubeconfig-renewed-through': kube?.renewal?.through ?? '',
    'kubeconfig-path': kube?.renewal?.path ?? ''
  }
}

function reportEntry(result: RunResult, report: ContextReport): Record<string, unknown> {
  return {
    kind: report.kind,
    context: report.name,
    roles: report.certificate?.organizations ?? [],
    'expires-at': report.certificate?.notAfter.toISOString() ?? null,
    'days-remaining': report.decision.daysRemaining ?? null,
    status: report.decision.status,
    'ca-expires-at': report.caNotAfter?.toISOString() ?? null,
    'renewed-through': renewalOf(result, report)?.through ?? null
  }
}

/** One line for the log. */
export function headline(result: RunResult): string {
  const what = `talosconfig context '${result.context}'`
  const { renewal, decision } = result
  if (renewal?.secretUpdated)
    return `Renewed ${what}: ${decision.reason}; secret ${result.secretName} written to ${renewal.scope}.`
  if (renewal) return `Dry run: renewed ${what} (${decision.reason}) but wrote no secret.`
  if (result.mode === 'check') return `Checked ${what} (${result.modeReason}): ${decision.reason}.`
  return `Nothing to do for ${what}: ${decision.reason}.`
}

/** The job summary, in Markdown: a row per context, then what was renewed and written. */
export function summaryOf(result: RunResult): string {
  const lines = [
    '## Talos client certificates',
    '',
    `${result.mode === 'check' ? 'Check only' : 'Renewal'} (${result.modeReason}).`,
    ''
  ]
  const reports = allReports(result)
  if (reports.length > 0) {
    lines.push('| Context | Roles | Expires | Days left | Status | CA expires |', '|---|---|---|---|---|---|')
    for (const report of reports) lines.push(summaryRow(result, report))
    lines.push('')
  }
  lines.push(renewalLine(result), '')
  if (result.kube) lines.push(kubeLine(result, result.kube), '')
  return lines.join('\n')
}

function summaryRow(result: RunResult, report: ContextReport): string {
  const name = `\`${report.name}\`${report.kind === 'kubeconfig' ? ' (kubeconfig)' : report.selected ? ' (selected)' : ''}`
  const { certificate, decision } = report
  if (!certificate) {
    const status = renewed(result, report) ? 'no client certificate yet' : 'no client certificate, nothing to renew'
    return `| ${name} | — | — | — | ${status} | ${day(report.caNotAfter)} |`
  }
  const roles = certificate.organizations.map((role) => `\`${role}\``).join(', ') || '—'
  return `| ${name} | ${roles} | ${day(certificate.notAfter)} | ${decision.daysRemaining} | ${decision.status} | ${day(report.caNotAfter)} |`
}

function kubeLine(result: RunResult, kube: KubeResult): string {
  const { renewal } = kube
  const context = `\`${kube.context}\``
  if (!renewal) {
    if (result.mode === 'check' || !kube.secretName) return 'Kubeconfig: checked only.'
    return `Kubeconfig: nothing renewed, ${context} is not due (${kube.decision.reason}).`
  }
  const issued = `Kubeconfig: renewed ${context} (${kube.decision.reason}) ${throughWords(renewal)}; the new certificate expires ${renewal.notAfter.toISOString().replace('.000Z', 'Z')}`
  return `${issued}${proofWords(renewal)}; ${storedWords(renewal, kube.secretName ?? '')}`
}

function renewalLine(result: RunResult): string {
  const { renewal } = result
  const context = `\`${result.context}\``
  if (!renewal) {
    return result.mode === 'check'
      ? 'Nothing renewed: this run only checks.'
      : `Nothing renewed: ${context} is not due (${result.decision.reason}).`
  }
  const issued = `Renewed ${context} (${result.decision.reason}) ${throughWords(renewal)}: the new certificate for ${renewal.roles.map((role) => `\`${role}\``).join(', ')} expires ${renewal.notAfter.toISOString().replace('.000Z', 'Z')}`
  return `${issued}${proofWords(renewal)}; ${storedWords(renewal, result.secretName)}`
}

/** "through the Talos API", "with the CA key of `secrets-bundle`". */
function throughWords(renewal: Renewal): string {
  return renewal.through === 'talos-api' ? 'through the Talos API' : `with the CA key of \`${renewal.through}\``
}

/** "; proven against the cluster", or why not. */
function proofWords(renewal: Renewal): string {
  if (renewal.connectionVerified === undefined) return ''
  return renewal.connectionVerified ? '; proven against the cluster' : '; not proven (the cluster could not be reached)'
}

/** Where the secret went, or would have gone, or why it did not. */
function storedWords(renewal: Renewal, secretName: string): string {
  if (renewal.secretUpdated) return `written to secret \`${secretName}\` in ${renewal.scope}.`
  if (renewal.writeFailed)
    return `**not written**: writing secret \`${secretName}\` in ${renewal.scope} failed (${renewal.writeFailed}).`
  return `dry run, nothing written (it would go to secret \`${secretName}\` in ${renewal.scope}).`
}

// What a run found and did, from one RunResult: the step's outputs, the annotations and the
// log's headlines (the job summary is summary.ts). Every credential is told the same way, and
// every value in them passes the gate.
import { isoDay } from '../duration.js'
import type { BreakGlass } from '../break-glass.js'
import type { ContextReport } from '../credentials/judge.js'
import type { OutputNames } from '../credentials/pass.js'
import { reachesFailOn, SEVERITY, type FailOn } from '../plan.js'
import { allReports, drilled, renewalOf, type CredentialResult, type RunResult } from '../result.js'
import { own, said, type Text } from '../text.js'
import { DOCUMENT_LIMIT, type Gate, type Gated } from './gate.js'
import { peopleEntries } from './people.js'

export interface Annotation {
  level: 'error' | 'warning'
  message: Text
}

const ago = (days: number): string =>
  days === 0 ? 'less than a day ago' : `${days} ${days === 1 ? 'day' : 'days'} ago`

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
          ? said`expired on ${isoDay(certificate.notAfter)} (${ago(decision.daysSinceExpiry ?? 0)})`
          : said`expires on ${isoDay(certificate.notAfter)} (${decision.daysRemaining ?? 0} days left)`
      const level = result.mode === 'check' && reachesFailOn(decision.status, failOn) ? 'error' : 'warning'
      const message = said`The client certificate of ${report.kind} context '${report.name}' ${when}.`
      annotations.push({ level, message })
    }
    for (const problem of report.problems) {
      if (problem.about === 'ca' || !renewed) annotations.push({ level: 'warning', message: problem.message })
    }
  }
  // A failed run has its one error line already; the drill's state is in the summary and outputs.
  if (result.breakGlass?.status === 'broken' && !result.failure)
    annotations.push({ level: 'error', message: brokenWords(result.breakGlass) })
  return annotations
}

/** The one error line of a broken drill: what is wrong with the fallback, and what to do. */
export function brokenWords(drill: BreakGlass): Text {
  return said`The break-glass drill found the CA key of '${drill.source}' broken, `.concat(
    said`the fallback for the day the Talos API cannot be used: ${drill.message}`
  )
}

/** The step's outputs: each kind's, about its selected context, then the run's. Never a file or a key. */
export function outputsOf(result: RunResult, kinds: readonly OutputNames[], gate: Gate): Record<string, Gated> {
  const outputs: Record<string, string> = {}
  for (const names of kinds)
    Object.assign(
      outputs,
      credentialOutputs(
        names,
        result.credentials.find((entry) => entry.kind === names.kind)
      )
    )
  const facts: Record<string, string> = {
    ...outputs,
    ...(result.skipped ? { status: 'skipped' } : {}),
    'connection-verified': connectionVerified(result),
    'break-glass': result.breakGlass?.status ?? 'skipped',
    'issue-number': result.issueNumber?.toString() ?? ''
  }
  const gated = Object.fromEntries(Object.entries(facts).map(([name, value]) => [name, gate.fact(value)]))
  return { ...gated, report: reportOutput(result, gate) }
}

/** The report output: a JSON list of every context and the drill, every string in it gated. */
function reportOutput(result: RunResult, gate: Gate): Gated {
  const contexts = result.credentials.flatMap((entry) =>
    entry.contexts.map((report) => reportEntry(entry, report, gate))
  )
  const drill = drilled(result) ? [drillEntry(result.breakGlass as BreakGlass, gate)] : []
  // Whole objects or none: a report cut mid-way would not be JSON. People are left out from the
  // last (the summary lists them all); the contexts and the drill are what workflows read.
  const people = peopleEntries(result, gate)
  const bytes = (entry: unknown) => Buffer.byteLength(JSON.stringify(entry)) + 1
  let room = DOCUMENT_LIMIT - 2 - [...contexts, ...drill].reduce((sum, entry) => sum + bytes(entry), 0)
  let kept = 0
  while (kept < people.length && (room -= bytes(people[kept])) >= 0) kept += 1
  return gate.fact(JSON.stringify([...contexts, ...people.slice(0, kept), ...drill]))
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

function reportEntry(entry: CredentialResult, report: ContextReport, gate: Gate): Record<string, unknown> {
  return {
    kind: report.kind,
    context: gate.value(report.name),
    roles: report.certificate?.organizations.map((role) => gate.value(role)) ?? [],
    'expires-at': report.certificate?.notAfter.toISOString() ?? null,
    'days-remaining': report.decision.daysRemaining ?? null,
    status: report.decision.status,
    'ca-expires-at': report.caNotAfter?.toISOString() ?? null,
    'renewed-through': (report.selected && entry.renewal?.through) || null
  }
}

/** The drill in the report output: its status and each credential's, in words. */
function drillEntry(drill: BreakGlass, gate: Gate): Record<string, unknown> {
  return {
    kind: 'break-glass',
    source: drill.source ?? null,
    status: drill.status,
    credentials: drill.credentials.map(({ kind, status, message }) => ({ kind, status, message: gate.text(message) }))
  }
}

/** One line a credential for the log: what was done, or why nothing was. */
export function headlines(result: RunResult): Text[] {
  return result.credentials.map((entry) => {
    const what = said`${entry.kind} context '${entry.context}'`
    const { renewal, decision } = entry
    if (renewal?.secretUpdated)
      return said`Renewed ${what}: ${decision.reason}; secret ${entry.secretName} written to ${own(renewal.scope)}.`
    if (renewal && result.dryRun && result.failure)
      return said`Dry run: issued a new ${what} (${decision.reason}), but the run failed; no secret was written.`
    if (renewal && result.dryRun) return said`Dry run: would renew ${what} (${decision.reason}); no secret was written.`
    if (renewal?.writeFailed)
      return said`Renewed ${what} (${decision.reason}), but secret ${entry.secretName} was not written: ${renewal.writeFailed}`
    if (renewal) return said`Renewed ${what} (${decision.reason}), but the run failed before its secret was written.`
    if (result.mode === 'check') return said`Checked ${what} (${result.modeReason}): ${decision.reason}.`
    if (!entry.secretName) return said`Checked ${what} (no secret to renew it into): ${decision.reason}.`
    if (decision.renew) return said`Not renewed ${what}, although it is due (${decision.reason}): the run failed first.`
    return said`Nothing to do for ${what}: ${decision.reason}.`
  })
}

// The job summary, in Markdown, on success and on failure alike: callouts for what a person
// must read (a failure, a broken fallback, a dry run, an unproven credential), a row per
// context with a mark for its state, a timeline, and what was renewed and where. The issue
// that asks for a person shows the same table.
import type { BreakGlass } from './break-glass.js'
import type { ContextReport } from './credentials/judge.js'
import { codeSpan, markdownText } from './markdown.js'
import { day, drilled, renewalOf, type CredentialResult, type Renewal, type RunResult } from './report.js'
import { timelineOf } from './timeline.js'

const instant = (date: Date): string => date.toISOString().replace('.000Z', 'Z')

export function summaryOf(result: RunResult): string {
  const kind = result.mode === 'check' ? 'Check only' : 'Renewal'
  const lines = ['## Talos client certificates', '', `${kind} (${result.modeReason}).`, '']
  if (result.skipped) return [...lines, markdownText(result.skipped), ''].join('\n')
  for (const callout of callouts(result)) lines.push(...callout, '')
  const table = statusTable(result, { daysLeft: true })
  if (table.length > 0) lines.push(...table, '')
  const timeline = timelineOf(result)
  if (timeline) lines.push(timeline, '')
  if (result.mode === 'check') lines.push('Nothing renewed: this run only checks.', '')
  else for (const entry of result.credentials) lines.push(renewalLine(entry), '')
  // A check never drills, and says nothing of it; a renewal run says why it did not.
  if (result.breakGlass && result.mode === 'renew') lines.push(drillLine(result.breakGlass), '')
  return lines.join('\n')
}

/** The summary of a run that failed before its inputs could be read: the error, and what to do. */
export function failureSummary(line: string): string {
  return ['## Talos client certificates', '', '> [!CAUTION]', `> **The run failed.** ${markdownText(line)}`, ''].join(
    '\n'
  )
}

/**
 * A row per context, and the drill's: a mark for where it stands after the run, its dates, its
 * state. Without days left (for the issue, whose words must not change every day).
 */
export function statusTable(result: RunResult, options: { daysLeft: boolean }): string[] {
  const rows = result.credentials.flatMap((entry) => entry.contexts.map((report) => contextRow(result, entry, report)))
  if (drilled(result)) rows.push(drillRow(result.breakGlass as BreakGlass))
  if (rows.length === 0) return []
  const columns = ['', 'Credential', 'Context', 'Roles', 'Expires', 'Days left', 'Renewal window opens', 'Status']
  const header = [...columns, 'CA expires'].filter((column) => options.daysLeft || column !== 'Days left')
  const drop = options.daysLeft ? -1 : columns.indexOf('Days left')
  const cells = (row: string[]) => `| ${row.filter((_, index) => index !== drop).join(' | ')} |`
  return [cells(header), cells(header.map(() => '---')), ...rows.map(cells)]
}

/** ✅ fine after the run, ⚠️ expiring or a CA problem, ❌ expired, ➖ nothing to renew. */
function markOf(report: ContextReport, renewal: Renewal | undefined): string {
  if (renewal?.secretUpdated) return '✅'
  if (report.decision.status === 'expired') return '❌'
  if (report.decision.status === 'expiring' || report.problems.some(({ about }) => about === 'ca')) return '⚠️'
  return report.certificate ? '✅' : '➖'
}

function contextRow(result: RunResult, entry: CredentialResult, report: ContextReport): string[] {
  const name = `${codeSpan(report.name)}${report.selected && entry.contexts.length > 1 ? ' (selected)' : ''}`
  const renewal = renewalOf(result, report)
  const { certificate, decision } = report
  const after = !renewal ? '' : renewal.secretUpdated ? ', renewed' : result.dryRun ? ', dry run' : ', write failed'
  const status = certificate
    ? `${decision.status}${after}`
    : renewal
      ? 'no client certificate yet'
      : 'no client certificate, nothing to renew'
  const roles = certificate?.organizations.map(codeSpan).join(', ') || '—'
  const days = decision.daysRemaining?.toString() ?? '—'
  const dates = [day(certificate?.notAfter), days, day(report.renewalOpens)]
  return [markOf(report, renewal), entry.kind, name, roles, ...dates, status, day(report.caNotAfter)]
}

/** The drill's row: the CA source in place of a context, its verdict as the status. */
function drillRow(drill: BreakGlass): string[] {
  const mark = { proven: '✅', checked: '☑️', broken: '❌', skipped: '➖' }[drill.status]
  const source = drill.source ? codeSpan(drill.source) : '—'
  return [mark, 'break-glass drill', source, '—', '—', '—', '—', drill.status, '—']
}

/** GitHub's alerts, for what must not be missed: a failure, a broken fallback, a dry run, an unproven credential. */
function callouts(result: RunResult): string[][] {
  const alert = (kind: string, text: string) => [`> [!${kind}]`, `> ${text}`]
  const found: string[][] = []
  if (result.failure) found.push(alert('CAUTION', `**The run failed.** ${markdownText(result.failure)}`))
  if (result.breakGlass?.status === 'broken') {
    const text = `**The break-glass fallback is broken:** ${markdownText(result.breakGlass.message)}`
    found.push(alert('CAUTION', text))
  }
  const renewed = result.credentials.filter((entry) => entry.renewal && !entry.renewal.writeFailed)
  if (result.dryRun && renewed.length > 0) {
    const where = renewed.map((entry) => `the renewed ${entry.kind} would be written to ${secretWords(entry)}`)
    found.push(alert('NOTE', `**Dry run:** no secret was changed; ${where.join(', and ')}.`))
  }
  for (const entry of renewed.filter(({ renewal }) => renewal?.connectionVerified === false)) {
    const outcome = result.dryRun ? 'a real run would write it all the same' : 'it was written all the same'
    const text =
      `**Unproven:** the new ${entry.kind} of ${codeSpan(entry.context)} could not be proven against the cluster ` +
      `(no endpoint answered); ${outcome}, as \`verify-connection\` is auto.`
    found.push(alert('WARNING', text))
  }
  return found
}

const secretWords = (entry: CredentialResult): string =>
  `secret ${codeSpan(entry.secretName ?? '')} in ${entry.renewal?.scope || 'its scope'}`

/** What happened to one credential in a renewal run; dry runs and proofs that failed are callouts. */
function renewalLine(entry: CredentialResult): string {
  const what = `${entry.kind} ${codeSpan(entry.context)}`
  const { renewal, decision } = entry
  if (!renewal) {
    if (!entry.secretName) return `Checked only: ${what} has no secret to be renewed into.`
    return `Nothing renewed for ${what}: it is not due (${decision.reason}).`
  }
  const roles = renewal.roles.map(codeSpan).join(', ')
  const through =
    renewal.through === 'talos-api' ? 'through the Talos API' : `with the CA key of ${codeSpan(renewal.through)}`
  const proven = renewal.connectionVerified ? '; proven against the cluster' : ''
  const expires = `the new certificate for ${roles} expires ${instant(renewal.notAfter)}`
  const issued = `Renewed ${what} (${decision.reason}) ${through}: ${expires}${proven}`
  if (renewal.secretUpdated) return `${issued}; written to ${secretWords(entry)}.`
  if (renewal.writeFailed)
    return `${issued}; **not written**: writing ${secretWords(entry)} failed (${renewal.writeFailed}).`
  return `${issued}.`
}

function drillLine(drill: BreakGlass): string {
  const source = drill.source ? ` of ${codeSpan(drill.source)}` : ''
  return `Break-glass drill${source}: **${drill.status}**, ${markdownText(drill.message.replace(/\.$/, ''))}.`
}

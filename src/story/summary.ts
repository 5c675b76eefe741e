// The job summary, in Markdown, on success and on failure alike: callouts for what a person
// must read (a failure, a broken fallback, a dry run, an unproven credential), a row per
// context with a mark for its state, a timeline, and what was renewed and where. The issue
// that asks for a person shows the same table.
import type { BreakGlass } from '../break-glass.js'
import type { ContextReport } from '../credentials/judge.js'
import { drilled, renewalOf, type CredentialResult, type Renewal, type RunResult } from '../result.js'
import type { Text } from '../text.js'
import type { Gate, Gated } from './gate.js'
import { quoting, type Quote } from './markdown.js'
import { peopleSection } from './people.js'
import { day } from './report.js'
import { timelineOf } from './timeline.js'

const instant = (date: Date): string => date.toISOString().replace('.000Z', 'Z')

export function summaryOf(result: RunResult, gate: Gate): Gated {
  const quote = quoting(gate)
  const kind = result.mode === 'check' ? 'Check only' : 'Renewal'
  const lines = ['## Talos client certificates', '', `${kind} (${result.modeReason}).`, '']
  if (result.skipped) return gate.document([...lines, quote.words(result.skipped), ''].join('\n'))
  for (const callout of callouts(result, quote)) lines.push(...callout, '')
  const table = statusTable(result, quote, { daysLeft: true })
  if (table.length > 0) lines.push(...table, '')
  const timeline = timelineOf(result, gate)
  if (timeline) lines.push(timeline, '')
  if (result.mode === 'check') lines.push('Nothing renewed: this run only checks.', '')
  else for (const entry of result.credentials) lines.push(renewalLine(entry, result, quote), '')
  lines.push(...peopleSection(result, quote))
  // A check never drills, and says nothing of it; a renewal run says why it did not.
  if (result.breakGlass && result.mode === 'renew') lines.push(drillLine(result.breakGlass, quote), '')
  return gate.document(lines.join('\n'))
}

/** The summary of a run that failed before its inputs could be read: the error, and what to do. */
export function failureSummary(line: Text, gate: Gate): Gated {
  const words = quoting(gate).words(line)
  return gate.document(
    ['## Talos client certificates', '', '> [!CAUTION]', `> **The run failed.** ${words}`, ''].join('\n')
  )
}

/**
 * A row per context, and the drill's: a mark for where it stands after the run, its dates, its
 * state. Without days left (for the issue, whose words must not change every day).
 */
export function statusTable(result: RunResult, quote: Quote, options: { daysLeft: boolean }): string[] {
  const rows = result.credentials.flatMap((entry) =>
    entry.contexts.map((report) => contextRow(result, entry, report, quote))
  )
  if (drilled(result)) rows.push(drillRow(result.breakGlass as BreakGlass, quote))
  if (rows.length === 0) return []
  const header = [
    '',
    'Credential',
    'Context',
    'Roles',
    'Expires',
    'Days left',
    'Renewal window opens',
    'Status',
    'CA expires'
  ]
  const drop = options.daysLeft ? -1 : header.indexOf('Days left')
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

function contextRow(result: RunResult, entry: CredentialResult, report: ContextReport, quote: Quote): string[] {
  const name = `${quote.code(report.name)}${report.selected && entry.contexts.length > 1 ? ' (selected)' : ''}`
  const renewal = renewalOf(result, report)
  const { certificate, decision } = report
  const after = !renewal
    ? ''
    : renewal.secretUpdated
      ? ', renewed'
      : result.dryRun
        ? ', would be renewed (dry run)'
        : ', not written'
  const status = certificate
    ? `${decision.status}${after}`
    : renewal
      ? 'no client certificate yet'
      : 'no client certificate, nothing to renew'
  const roles = certificate?.organizations.map((role) => quote.code(role)).join(', ') || '—'
  const days = decision.daysRemaining?.toString() ?? '—'
  const dates = [day(certificate?.notAfter), days, day(report.renewalOpens)]
  return [markOf(report, renewal), entry.kind, name, roles, ...dates, status, day(report.caNotAfter)]
}

/** The drill's row: the CA source in place of a context, its verdict as the status. */
function drillRow(drill: BreakGlass, quote: Quote): string[] {
  const mark = { proven: '✅', checked: '☑️', broken: '❌', skipped: '➖' }[drill.status]
  const source = drill.source ? quote.code(drill.source) : '—'
  return [mark, 'break-glass drill', source, '—', '—', '—', '—', drill.status, '—']
}

/** GitHub's alerts, for what must not be missed: a failure, a broken fallback, a dry run, an unproven credential. */
function callouts(result: RunResult, quote: Quote): string[][] {
  const alert = (kind: string, text: string) => [`> [!${kind}]`, `> ${text}`]
  const found: string[][] = []
  if (result.failure) found.push(alert('CAUTION', `**The run failed.** ${quote.words(result.failure)}`))
  if (result.breakGlass?.status === 'broken') {
    const text = `**The break-glass fallback is broken:** ${quote.words(result.breakGlass.message)}`
    found.push(alert('CAUTION', text))
  }
  const renewed = result.credentials.filter((entry) => entry.renewal && !entry.renewal.writeFailed)
  if (result.dryRun && renewed.length > 0) {
    const where = renewed.map((entry) => `the renewed ${entry.kind} would be written to ${secretWords(entry, quote)}`)
    found.push(alert('NOTE', `**Dry run:** no secret was changed; ${where.join(', and ')}.`))
  }
  for (const entry of renewed.filter(({ renewal }) => renewal?.connectionVerified === false)) {
    const outcome = result.dryRun
      ? 'a real run would write it all the same'
      : entry.renewal?.secretUpdated
        ? 'it was written all the same'
        : 'it would have been written all the same'
    const text =
      `**Unproven:** the new ${entry.kind} of ${quote.code(entry.context)} could not be proven against the cluster ` +
      `(no endpoint answered); ${outcome}, as \`verify-connection\` is auto.`
    found.push(alert('WARNING', text))
  }
  return found
}

const secretWords = (entry: CredentialResult, quote: Quote): string =>
  `secret ${quote.code(entry.secretName ?? '')} in ${entry.renewal?.scope || 'its scope'}`

/** What happened to one credential in a renewal run; dry runs and proofs that failed are callouts. */
function renewalLine(entry: CredentialResult, result: RunResult, quote: Quote): string {
  const what = `${entry.kind} ${quote.code(entry.context)}`
  const { renewal, decision } = entry
  if (!renewal) {
    if (!entry.secretName) return `Checked only: ${what} has no secret to be renewed into.`
    if (decision.renew) return `Not renewed: ${what} is due (${decision.reason}), but the run failed first.`
    return `Nothing renewed for ${what}: it is not due (${decision.reason}).`
  }
  const roles = renewal.roles.map((role) => quote.code(role)).join(', ')
  const through =
    renewal.through === 'talos-api' ? 'through the Talos API' : `with the CA key of ${quote.code(renewal.through)}`
  const proven = renewal.connectionVerified ? '; proven against the cluster' : ''
  const expires = `the new certificate for ${roles} expires ${instant(renewal.notAfter)}`
  const verb = result.dryRun ? 'Would renew' : 'Renewed'
  const issued = `${verb} ${what} (${decision.reason}) ${through}: ${expires}${proven}`
  if (renewal.secretUpdated) return `${issued}; written to ${secretWords(entry, quote)}.`
  if (renewal.writeFailed)
    return `${issued}; **not written**: writing ${secretWords(entry, quote)} failed (${quote.words(renewal.writeFailed)}).`
  if (!result.dryRun) return `${issued}; **not written**: the run failed before the write.`
  return `${issued}.`
}

function drillLine(drill: BreakGlass, quote: Quote): string {
  const source = drill.source ? ` of ${quote.code(drill.source)}` : ''
  return `Break-glass drill${source}: **${drill.status}**, ${quote.words(drill.message)}`
}

// The one table of the summary and the issue: a row per context, as it stands after the run.
// A renewed credential shows its new expiry; the CA's expiry is said once, below the table.
// The table leaves out days left, so that its words change only when the state does.
import type { ContextReport } from '../credentials/judge.js'
import type { CredentialResult, RunResult } from '../result.js'
import type { Quote } from './markdown.js'
import { dateOf, daysBetween, type AfterRun } from './standing.js'

export interface TableOptions {
  /** Days left: in the summary, which is read the day it is written; not in the issue. */
  daysLeft: boolean
}

/** ✅ fine after the run, ⚠️ expiring or a CA problem, ❌ expired, ➖ nothing to renew. */
function markOf(report: ContextReport, standing: AfterRun | undefined): string {
  if (standing?.outcome === 'renewed') return '✅'
  if (report.decision.status === 'expired') return '❌'
  if (report.decision.status === 'expiring' || report.problems.some(({ about }) => about === 'ca')) return '⚠️'
  return report.certificate ? '✅' : '➖'
}

const STATUS_OF_OUTCOME = {
  renewed: 'renewed',
  'would renew': 'would be renewed (dry run)',
  'not written': 'issued, not written'
} as const

function statusOf(report: ContextReport, standing: AfterRun | undefined): string {
  if (standing?.outcome) return STATUS_OF_OUTCOME[standing.outcome]
  if (!report.certificate) return 'no client certificate'
  return report.decision.status
}

function row(result: RunResult, entry: CredentialResult, report: ContextReport, standing: AfterRun[], quote: Quote) {
  const own = report.selected ? standing.find((item) => item.entry === entry) : undefined
  const several = entry.contexts.length > 1 && report.selected ? ' (the one renewed)' : ''
  const roles = (own?.outcome === 'renewed' ? entry.renewal?.roles : report.certificate?.organizations) ?? []
  const expires = own ? own.expires : report.certificate?.notAfter
  const opens = own ? own.opens : report.renewalOpens
  const lifetime = own?.lifetimeMs
  const days = expires ? String(daysBetween(result.at, expires)) : '—'
  const renewedNow = own?.outcome === 'renewed' ? ' (new)' : ''
  return {
    mark: markOf(report, own),
    kind: entry.kind,
    context: `${quote.code(report.name)}${several}`,
    roles: roles.map((role) => quote.code(role)).join(', ') || '—',
    expires: `${dateOf(expires, lifetime)}${expires ? renewedNow : ''}`,
    days,
    opens: dateOf(opens, lifetime),
    status: statusOf(report, own)
  }
}

/** The table's Markdown lines; none when no credential has a context to show. */
export function statusTable(result: RunResult, standing: AfterRun[], quote: Quote, options: TableOptions): string[] {
  const rows = result.credentials.flatMap((entry) =>
    entry.contexts.map((report) => row(result, entry, report, standing, quote))
  )
  if (rows.length === 0) return []
  const columns: Array<[string, keyof ReturnType<typeof row>]> = [
    ['', 'mark'],
    ['Credential', 'kind'],
    ['Context', 'context'],
    ['Roles', 'roles'],
    ['Expires', 'expires'],
    ...(options.daysLeft ? [['Days left', 'days'] as [string, 'days']] : []),
    ['Renewal window opens', 'opens'],
    ['Status', 'status']
  ]
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [
    line(columns.map(([title]) => title)),
    line(columns.map(() => '---')),
    ...rows.map((cells) => line(columns.map(([, key]) => cells[key])))
  ]
}

/** The CAs' expiry, once: each credential's, after the run. */
export function caLine(result: RunResult): string | undefined {
  const parts = result.credentials.flatMap((entry) => {
    const report = entry.contexts.find(({ selected }) => selected)
    const notAfter = entry.renewal?.secretUpdated ? entry.renewal.caNotAfter : report?.caNotAfter
    return notAfter ? [`the ${entry.kind}'s on ${dateOf(notAfter)}`] : []
  })
  return parts.length > 0 ? `The CAs they trust expire: ${parts.join('; ')}.` : undefined
}

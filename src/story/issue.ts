// What the issue that tells a person says: why a person is needed (a failed run, a
// certificate expiring or expired and not renewed, a CA problem), the state of every
// credential, and a link to the run. Pure: no API here. Never a key, a certificate, an
// endpoint address or a token: only names, roles, dates and statuses, and the error line
// with every address taken out.
import { createHash } from 'node:crypto'
import { allReports, drilled, renewalOf, type RunResult } from '../result.js'
import type { Gate, Gated } from './gate.js'
import { quoting } from './markdown.js'
import { peopleReasons } from './people.js'
import { brokenWords } from './report.js'
import { isoDay } from '../duration.js'
import type { Links } from './links.js'
import { afterRun } from './standing.js'
import { verdictOf } from './verdict.js'
import { caLine, statusTable } from './table.js'

export interface IssueText {
  needsPerson: boolean
  title: Gated
  /** The body or comment, ending in the hidden markers. */
  markdown: Gated
  /** The hidden line that finds the issue again on the next run. */
  marker: Gated
  /** A digest of what it says, apart from the run link: a comment is added only when it changes. */
  state: string
}

const MARK = 'talos-client-cert-renewal'
/** The hidden line that names the credential set an issue is about. */
export const setMarker = (set: string): string => `<!-- ${MARK} set: ${set} -->`
const stateMarker = (state: string): string => `<!-- ${MARK} state: ${state} -->`

/** The state digest an issue body or comment carries, if it is one of ours. */
export function stateIn(text: string): string | undefined {
  return new RegExp(`<!-- ${MARK} state: ([0-9a-f]{16}) -->`).exec(text)?.[1]
}

export function issueText(
  result: RunResult,
  set: string,
  runUrl: string | undefined,
  gate: Gate,
  links: Links = { readmeUrl: undefined }
): IssueText {
  const quote = quoting(gate)
  const reasons: string[] = []
  if (result.failure) reasons.push(`The run failed: ${quote.words(result.failure)}`)
  for (const report of allReports(result)) {
    const renewal = renewalOf(result, report)
    const { certificate, decision } = report
    if (certificate && (decision.status === 'expiring' || decision.status === 'expired') && !renewal?.secretUpdated) {
      const expires = decision.status === 'expired' ? 'expired' : 'expires'
      const run = `${result.modeReason}${result.dryRun ? ', dry run' : renewal ? ', its secret not written' : ''}`
      reasons.push(
        `The ${report.kind} certificate of ${quote.code(report.name)} ${expires} on ${isoDay(certificate.notAfter)} ` +
          `and was not renewed by this run (${run}). Run the renewal workflow; if it fails, its summary says why.`
      )
    }
    for (const problem of report.problems) if (problem.about === 'ca') reasons.push(quote.words(problem.message))
  }
  if (result.breakGlass?.status === 'broken') reasons.push(quote.words(brokenWords(result.breakGlass)))
  reasons.push(...peopleReasons(result, quote))
  const verdict = verdictOf(result, afterRun(result), quote, links, { daysLeft: false })
  const lines = [
    `### ${verdict.mark} ${verdict.headline}`,
    '',
    reasons.length > 0 ? 'A person is needed:' : 'All is well again.',
    ''
  ]
  lines.push(
    ...(reasons.length > 0
      ? reasons.map((reason) => `- ${reason}`)
      : ['Every certificate is valid, or was renewed and stored by this run.']),
    ''
  )
  // The summary's table, without days left: the issue's words change only when the state does.
  const table = statusTable(result, afterRun(result), quote, { daysLeft: false })
  if (table.length > 0) lines.push(...table, '')
  const cas = caLine(result)
  if (cas) lines.push(cas, '')
  if (drilled(result)) lines.push(`Break-glass: **${result.breakGlass?.status ?? ''}**.`, '')
  const told = lines.join('\n')
  const state = createHash('sha256').update(told).digest('hex').slice(0, 16)
  const link = runUrl ? `[The run](${runUrl}) that found this.\n\n` : ''
  const marker = gate.document(setMarker(gate.fact(set)))
  return {
    needsPerson: reasons.length > 0,
    title: gate.document(`Talos client certificates need a person (${gate.fact(set)})`),
    markdown: gate.document(`${told}\n${link}${marker}\n${stateMarker(state)}\n`),
    marker,
    state
  }
}

// What the issue that tells a person says: why a person is needed (a failed run, a
// certificate expiring or expired and not renewed, a CA problem), the state of every
// credential, and a link to the run. Pure: no API here. Never a key, a certificate, an
// endpoint address or a token: only names, roles, dates and statuses, and the error line
// with every address taken out.
import { createHash } from 'node:crypto'
import { codeSpan, markdownText } from '../markdown.js'
import { allReports, brokenWords, day, renewalOf, type RunResult } from '../report.js'
import { statusTable } from '../summary.js'

export interface IssueText {
  needsPerson: boolean
  title: string
  /** The body or comment, ending in the hidden markers. */
  markdown: string
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

/**
 * Endpoints and servers out of a message: every address the run knows of, literally (`cp1`,
 * `cp1:50000`), then URLs, IPv4 and bracketed IPv6 addresses and host:port, as the action
 * writes them.
 */
export function withoutAddresses(text: string, known: readonly string[] = []): string {
  const literal = [...known].filter(Boolean).sort((a, b) => b.length - a.length)
  return literal
    .reduce((line, address) => line.split(address).join('<address>'), text)
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'")]+/gi, '<address>')
    .replace(/\[[0-9a-f:.]+\](:\d+)?/gi, '<address>')
    .replace(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, '<address>')
    .replace(/\b[a-z0-9-]+(\.[a-z0-9-]+)+:\d+\b/gi, '<address>')
}

export function issueText(
  result: RunResult,
  set: string,
  runUrl: string | undefined,
  addresses: readonly string[] = []
): IssueText {
  const reasons: string[] = []
  if (result.failure) reasons.push(`The run failed: ${markdownText(withoutAddresses(result.failure, addresses))}`)
  for (const report of allReports(result)) {
    const renewal = renewalOf(result, report)
    const { certificate, decision } = report
    if (certificate && (decision.status === 'expiring' || decision.status === 'expired') && !renewal?.secretUpdated) {
      const expires = decision.status === 'expired' ? 'expired' : 'expires'
      const run = `${result.modeReason}${renewal ? ', dry run' : ''}`
      reasons.push(
        `The ${report.kind} certificate of ${codeSpan(report.name)} ${expires} on ${day(certificate.notAfter)} ` +
          `and was not renewed by this run (${run}). Run the renewal workflow; if it fails, its summary says why.`
      )
    }
    for (const problem of report.problems) if (problem.about === 'ca') reasons.push(markdownText(problem.message))
  }
  if (result.breakGlass?.status === 'broken') reasons.push(markdownText(brokenWords(result.breakGlass)))
  const lines = [reasons.length > 0 ? '### A person is needed' : '### All is well again', '']
  lines.push(
    ...(reasons.length > 0
      ? reasons.map((reason) => `- ${reason}`)
      : ['Every certificate is valid, or was renewed and stored by this run.']),
    ''
  )
  // The summary's table, without days left: the issue's words change only when the state does.
  const table = statusTable(result, { daysLeft: false })
  if (table.length > 0) lines.push(...table, '')
  const said = lines.join('\n')
  const state = createHash('sha256').update(said).digest('hex').slice(0, 16)
  const link = runUrl ? `[The run](${runUrl}) that found this.\n\n` : ''
  return {
    needsPerson: reasons.length > 0,
    title: `Talos client certificates need a person (${set})`,
    markdown: `${said}\n${link}${setMarker(set)}\n${stateMarker(state)}\n`,
    state
  }
}

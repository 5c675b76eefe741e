// The job summary, in Markdown, on success and on failure alike: a verdict first (the one line a
// person needs, with a date, or what to do and where the README says how), callouts for what
// must not be missed, one table of the credentials as they stand after the run, the CAs' expiry
// once, a chart scaled to the certificates, the break-glass drill in one line with its details
// folded, and how the run was started. The issue shows the same table (table.ts).
import type { BreakGlass } from '../break-glass.js'
import type { CredentialResult, RunResult } from '../result.js'
import { own, type Text } from '../text.js'
import type { Gate, Gated } from './gate.js'
import { readmeLink, type Links } from './links.js'
import { quoting, type Quote } from './markdown.js'
import { peopleSection } from './people.js'
import { afterRun, dateOf, type AfterRun } from './standing.js'
import { caLine, statusTable } from './table.js'
import { LEGEND, timelineOf } from './timeline.js'
import { verdictOf, type Verdict } from './verdict.js'

export function summaryOf(result: RunResult, gate: Gate, links: Links): Gated {
  const quote = quoting(gate)
  const standing = afterRun(result)
  const verdict = verdictOf(result, standing, quote, links)
  const lines = [`## ${verdict.mark} ${verdict.headline}`, '']
  if (result.skipped)
    return gate.document([...lines, quote.words(result.skipped), '', footer(result, links)].join('\n'))
  for (const callout of callouts(result, verdict, quote)) lines.push(...callout, '')
  const table = statusTable(result, standing, quote, { daysLeft: true })
  if (table.length > 0) lines.push(...table, '')
  const cas = caLine(result)
  if (cas) lines.push(cas, '')
  for (const line of renewalLines(standing, quote, result.dryRun === true)) lines.push(line, '')
  const timeline = timelineOf(result, gate, quote)
  if (timeline.chart) lines.push(timeline.chart, '', `<sub>${LEGEND}</sub>`, '')
  for (const note of timeline.notes) lines.push(note, '')
  lines.push(...peopleSection(result, quote))
  // A check never drills, and says nothing of it; a renewal run says why it did not.
  if (result.breakGlass && result.mode === 'renew') lines.push(...drillLines(result.breakGlass, quote, links), '')
  lines.push(footer(result, links), '')
  return gate.document(lines.join('\n'))
}

/** The summary of a run that failed before its inputs could be read: the error, and what to do. */
export function failureSummary(line: Text, gate: Gate): Gated {
  const words = quoting(gate).words(line)
  return gate.document(
    ['## ❌ Talos client certificates: the run failed', '', '> [!CAUTION]', `> ${words}`, ''].join('\n')
  )
}

/**
 * GitHub's alerts, for what must not be missed: what failed and the one thing to do first (a
 * failed run, a check gone red, a broken fallback), then a CA to rotate, a dry run, an
 * unproven credential.
 */
function callouts(result: RunResult, verdict: Verdict, quote: Quote): string[][] {
  const alert = (kind: string, ...paragraphs: string[]) => [
    `> [!${kind}]`,
    ...paragraphs
      .map((text) => `> ${text}`)
      .join('\n>\n')
      .split('\n')
  ]
  const found: string[][] = []
  const todo = verdict.todo ? [verdict.todo] : []
  if (result.failure) found.push(alert('CAUTION', `**The run failed.** ${quote.words(result.failure)}`, ...todo))
  if (result.breakGlass?.status === 'broken') {
    const text = `**The break-glass fallback is broken:** ${quote.words(result.breakGlass.message)}`
    found.push(alert('CAUTION', text, ...(result.failure ? [] : todo)))
  } else if (!result.failure && verdict.todo)
    found.push(alert(verdict.mark === '❌' ? 'CAUTION' : 'WARNING', verdict.todo))
  for (const entry of result.credentials)
    for (const problem of entry.contexts.flatMap(({ problems }) => problems).filter(({ about }) => about === 'ca'))
      found.push(alert('WARNING', quote.words(problem.message)))
  const renewed = result.credentials.filter((entry) => entry.renewal && !entry.renewal.writeFailed)
  if (result.dryRun && !result.failure && renewed.length > 0) {
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
  `secret ${quote.code(entry.secretName ?? '')} in ${entry.renewal?.scope ? quote.words(own(entry.renewal.scope)) : 'its scope'}`

/** What the run did with each renewal, in one line each: how, proven or not, and where it went. */
function renewalLines(standing: AfterRun[], quote: Quote, dryRun: boolean): string[] {
  return standing.flatMap(({ entry, outcome }) => {
    const { renewal } = entry
    if (!renewal || !outcome) return []
    const what = `${entry.kind} ${quote.code(entry.context)}`
    const through =
      renewal.through === 'talos-api' ? 'through the Talos API' : `with the CA key of ${quote.code(renewal.through)}`
    const roles = renewal.roles.map((role) => quote.code(role)).join(', ')
    const lifetime = renewal.notAfter.getTime() - renewal.notBefore.getTime()
    const proven = renewal.connectionVerified ? ', proven against the cluster' : ''
    const cert = `for ${roles}, until ${dateOf(renewal.notAfter, lifetime)}${proven}`
    if (outcome === 'renewed') return [`Renewed ${what} ${through} (${cert}); written to ${secretWords(entry, quote)}.`]
    if (outcome === 'would renew') return [`Would renew ${what} ${through} (${cert}); nothing written.`]
    const why = renewal.writeFailed
      ? `writing ${secretWords(entry, quote)} failed: ${quote.words(renewal.writeFailed)}`
      : dryRun
        ? 'a dry run, and it failed'
        : 'the run failed before the write'
    return [`Issued a new ${what} ${through} (${cert}), **not written**: ${why}`]
  })
}

const DRILL_WORDS: Record<BreakGlass['status'], string> = {
  proven: 'the cluster accepted a throwaway certificate signed with it',
  checked: 'the offline checks passed; no endpoint was asked or answered',
  broken: 'see the callout above',
  skipped: 'not drilled'
}

/** The drill in one line, and what it found folded away: fingerprints are not a first read. */
function drillLines(drill: BreakGlass, quote: Quote, links: Links): string[] {
  const source = drill.source ? ` of ${quote.code(drill.source)}` : ''
  const about = readmeLink(links, 'drill', 'what this is')
  if (drill.status === 'skipped')
    return [`Break-glass drill${source}: **skipped**, ${quote.words(drill.message)} (${about}).`]
  const line = `Break-glass${source}: **${drill.status}**, ${DRILL_WORDS[drill.status]} (${about}).`
  const found = drill.credentials.map(
    ({ kind, status, message }) => `- ${kind}: **${status}**, ${quote.words(message)}`
  )
  return [line, '', '<details><summary>What the drill did</summary>', '', ...found, '', '</details>']
}

function footer(result: RunResult, links: Links): string {
  const kind = result.mode === 'check' ? 'A check' : result.dryRun ? 'A dry run' : 'A renewal run'
  return `<sub>${kind} (${result.modeReason}) at ${dateOf(result.at, 0)}. Words used here: ${readmeLink(links, 'glossary', 'Glossary')}.</sub>`
}

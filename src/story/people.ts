// What the story says of the people listed in 'people' (src/credentials/people/): a section of
// the job summary, entries of the report output, and the reasons the issue needs a person.
// Logins, roles, variable names, dates and statuses only: never a key, a certificate or a
// recipient. summary.ts, report.ts and issue.ts each call one function here.
import type { PersonResult } from '../credentials/people/result.js'
import type { RunResult } from '../result.js'
import type { Gate } from './gate.js'
import type { Quote } from './markdown.js'
import { dateOf } from './standing.js'

const MARKS: Record<PersonResult['status'], string> = {
  issued: '✅',
  kept: '✅',
  removed: '➖',
  failed: '❌',
  listed: '☑️',
  untouched: '➖'
}

/** The summary's section: a row a person, then how a person reads theirs. Empty when no one is listed. */
export function peopleSection(result: RunResult, quote: Quote): string[] {
  const people = result.people
  if (!people) return []
  const lines = ['### Access for people', '']
  if (people.failure)
    lines.push('> [!CAUTION]', `> **Personal talosconfigs failed:** ${quote.words(people.failure)}`, '')
  if (people.requestedBy && !people.requestedBy.listed)
    lines.push(
      `${quote.code(people.requestedBy.login)} dispatched this run but is not listed in \`people\`: nothing was issued for them.`,
      ''
    )
  if (people.checkOnly) lines.push(`Nothing issued: ${quote.words(people.checkOnly)}.`, '')
  if (people.people.length > 0) {
    lines.push('| | Person | Roles | Expires | Status |', '| --- | --- | --- | --- | --- |')
    for (const person of people.people) lines.push(row(person, people.dryRun, quote))
    lines.push('')
  }
  const variable = people.people.find(({ status }) => status === 'issued' || status === 'kept')?.variable
  if (variable)
    lines.push(
      `Each person reads their own with GitHub CLI 2.50.0 or later and their age key, and merges it into ` +
        `\`~/.talos/config\`: \`gh variable get ${variable} | age -d -i key.txt > cluster.talosconfig\`, then ` +
        '`talosctl config merge cluster.talosconfig` (the variable is named after the login).',
      ''
    )
  return lines
}

function row(person: PersonResult, dryRun: boolean, quote: Quote): string {
  const roles = person.roles.map((role) => quote.code(role)).join(', ') || '—'
  const cells = [
    MARKS[person.status],
    quote.code(person.login),
    roles,
    dateOf(person.notAfter),
    status(person, dryRun, quote)
  ]
  return `| ${cells.join(' | ')} |`
}

function status(person: PersonResult, dryRun: boolean, quote: Quote): string {
  const why = quote.words(person.reason)
  switch (person.status) {
    case 'issued': {
      const through =
        person.through === 'talos-api'
          ? 'through the Talos API'
          : person.through
            ? `with the CA key of ${quote.code(person.through)}`
            : ''
      const proven = person.proven ? ', proven' : person.proven === false ? ', unproven' : ''
      const where = person.written
        ? `; written to ${quote.code(person.variable)}`
        : dryRun
          ? `; would be written to ${quote.code(person.variable)} (dry run)`
          : '; **not written**'
      return `${dryRun ? 'would be issued' : 'issued'} (${why}) ${through}${proven}${where}`
    }
    case 'kept':
      return `kept (${why})`
    case 'removed':
      return `removed: ${why}`
    case 'failed':
      return `**failed**: ${why}`
    case 'listed':
      return 'listed, checked'
    case 'untouched':
      return `not attended to: ${why}`
  }
}

/** The report output's entries: one a person, every string gated. */
export function peopleEntries(result: RunResult, gate: Gate): Array<Record<string, unknown>> {
  return (result.people?.people ?? []).map((person) => ({
    kind: 'person',
    login: gate.value(person.login),
    variable: gate.value(person.variable),
    roles: person.roles.map((role) => gate.value(role)),
    'expires-at': person.notAfter?.toISOString() ?? null,
    status: person.status,
    'renewed-through': person.through ?? null,
    written: person.written
  }))
}

/** Why the issue needs a person: whose personal talosconfig failed, and why. */
export function peopleReasons(result: RunResult, quote: Quote): string[] {
  const people = result.people
  if (!people) return []
  const reasons = people.failure ? [`Personal talosconfigs failed: ${quote.words(people.failure)}`] : []
  for (const person of people.people.filter(({ status }) => status === 'failed'))
    reasons.push(
      `The personal talosconfig of ${quote.code(person.login)} (variable ${quote.code(person.variable)}) failed: ` +
        `${quote.words(person.reason)}`
    )
  return reasons
}

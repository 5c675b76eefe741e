// The verdict: the one line a person reads first. Either everything is valid until a date and
// the next renewal window opens on another, or it says what is wrong and the one thing to do,
// with a link to the README section that says how.
import type { Status } from '../plan.js'
import { allReports, type RunResult } from '../result.js'
import { readmeLink, type Links } from './links.js'
import type { Quote } from './markdown.js'
import { dateOf, daysBetween, earliest, type AfterRun } from './standing.js'

export interface Verdict {
  /** ✅ all well, ⚠️ well for now with something to fix, ❌ a person must act, 🧪 a dry run, ➖ nothing done. */
  mark: string
  /** One line, with a date wherever there is one to give. */
  headline: string
  /** The one thing to do, when there is one, with its link. */
  todo?: string
}

const TITLE = 'Talos client certificates'

export interface VerdictOptions {
  /** Days left, in the summary read the day it is written; not in the issue, whose words change only with the state. */
  daysLeft: boolean
}

export function verdictOf(
  result: RunResult,
  standing: AfterRun[],
  quote: Quote,
  links: Links,
  options: VerdictOptions = { daysLeft: true }
): Verdict {
  if (result.skipped) return { mark: '➖', headline: `${TITLE}: nothing checked on this run` }
  const words: Words = { result, quote, links, renewNow: readmeLink(links, 'renewNow', 'Renewal on demand') }
  const first = firstDue(standing)
  return (
    failedRun(words, first) ??
    failedPeople(words, first) ??
    (first && dueSelected(words, first, options)) ??
    standingWell(words, standing)
  )
}

/** What every verdict is told with. */
interface Words {
  result: RunResult
  quote: Quote
  links: Links
  renewNow: string
}

const isDue = (status: Status): boolean => status === 'expiring' || status === 'expired'
const ends = (status: Status, date: string): string => `${status === 'expired' ? 'expired' : 'expires'} on ${date}`
const named = ({ entry }: AfterRun, quote: Quote): string => `${entry.kind} ${quote.code(entry.context)}`
const endsOf = (item: AfterRun): string => ends(item.status, dateOf(item.expires, item.lifetimeMs))
/** A due certificate told after a failure, which it may have caused. */
const alsoDue = (first: AfterRun | undefined, quote: Quote): string =>
  first ? `; ${named(first, quote)} ${endsOf(first)}` : ''

/**
 * The first to end of the selected contexts inside their window or past their end, and not
 * renewed: issued and not written (a run that failed before its write) is not renewed either.
 */
function firstDue(standing: AfterRun[]): AfterRun | undefined {
  const notRenewed = (outcome: AfterRun['outcome']) => outcome === undefined || outcome === 'not written'
  const due = standing.filter(({ expires, status, outcome }) => expires && isDue(status) && notRenewed(outcome))
  return due.sort((a, b) => (a.expires?.getTime() ?? 0) - (b.expires?.getTime() ?? 0))[0]
}

function failedRun({ result, quote, links, renewNow }: Words, first: AfterRun | undefined): Verdict | undefined {
  if (!result.failure) return undefined
  return {
    mark: '❌',
    headline: `${TITLE}: the run failed${alsoDue(first, quote)}`,
    todo: `Fix it, then run the renewal again (${renewNow}); ${readmeLink(links, 'troubleshooting', 'Troubleshooting')} has the usual causes.`
  }
}

/** People's failures first, and the pipeline's own due certificate beside them: often their cause. */
function failedPeople({ result, quote, renewNow }: Words, first: AfterRun | undefined): Verdict | undefined {
  if (!result.people?.failed) return undefined
  const failed = result.people.people.filter(({ status }) => status === 'failed').map(({ login }) => quote.code(login))
  const who = failed.length > 0 ? ` for ${failed.join(', ')}` : ''
  return {
    mark: '❌',
    headline: `${TITLE}: personal talosconfigs failed${who}${alsoDue(first, quote)}`,
    todo: `What failed is in "Access for people" below; fix it and run again (${renewNow}).`
  }
}

function dueSelected({ result, quote, links, renewNow }: Words, first: AfterRun, options: VerdictOptions): Verdict {
  const days = daysBetween(result.at, first.expires as Date)
  const left = first.status === 'expired' || !options.daysLeft ? '' : ` (${days} ${days === 1 ? 'day' : 'days'})`
  const todo = first.entry.secretName
    ? `This check only reads: the renewal has not happened. Run the renewal workflow now (${renewNow}), ` +
      'or let the scheduled run renew it.'
    : `This run only checks it: give it a secret to be renewed into (${readmeLink(links, 'kubeconfig', 'The admin kubeconfig too')}).`
  return {
    mark: result.failed ? '❌' : '⚠️',
    headline: `${TITLE}: ${named(first, quote)} ${endsOf(first)}${left}, not renewed yet`,
    todo
  }
}

/**
 * A context the run does not renew, due all the same: a check fails on it too, and "all valid"
 * would not be true, so the verdict names it, after what was renewed.
 */
function dueElsewhere({ result, quote, links }: Words, done: string): Verdict | undefined {
  const due = allReports(result).filter(({ selected, decision }) => !selected && isDue(decision.status))
  const [first] = due.sort(
    (a, b) => (a.certificate?.notAfter.getTime() ?? 0) - (b.certificate?.notAfter.getTime() ?? 0)
  )
  if (!first?.certificate) return undefined
  const date = dateOf(first.certificate.notAfter)
  const other = `${first.kind} context ${quote.code(first.name)} ${ends(first.decision.status, date)}`
  return {
    mark: result.failed ? '❌' : '⚠️',
    headline: `${TITLE}: ${done}${other}, and this action does not renew it`,
    todo:
      'Only the selected context is renewed: select this one with the `context` input, or remove it from the file ' +
      `if nobody uses it (${readmeLink(links, 'credentials', 'The credentials to keep alive')}).`
  }
}

/** Nothing due: valid until a date, or why not quite. */
function standingWell(words: Words, standing: AfterRun[]): Verdict {
  const { result, quote, links } = words
  const certified = standing.filter(({ expires }) => expires !== undefined)
  const until = earliest(certified.map(({ expires }) => expires))
  const shortest = certified.find(({ expires }) => expires === until)
  const validUntil = until ? `valid until ${dateOf(until, shortest?.lifetimeMs)}` : 'no client certificate yet'
  if (result.breakGlass?.status === 'broken') {
    return {
      mark: '⚠️',
      headline: `${TITLE}: ${validUntil}, but the break-glass fallback is broken`,
      todo: `Fix the CA source now, while nothing is due (${readmeLink(links, 'drill', 'The break-glass drill')}).`
    }
  }
  const wouldRenew = standing.filter(({ outcome }) => outcome === 'would renew')
  if (wouldRenew.length > 0) {
    const names = wouldRenew.map((item) => named(item, quote)).join(' and ')
    return { mark: '🧪', headline: `${TITLE}: dry run, would renew ${names}; nothing written, ${validUntil}` }
  }
  const renewed = standing.filter(({ outcome }) => outcome === 'renewed')
  const done = renewed.length > 0 ? `renewed ${renewed.map((item) => named(item, quote)).join(' and ')}; ` : ''
  const elsewhere = dueElsewhere(words, done)
  if (elsewhere) return elsewhere
  if (!until) return { mark: '➖', headline: `${TITLE}: no client certificate to check` }
  const opens = earliest(certified.map(({ opens }) => opens))
  const window =
    opens && opens > result.at ? `; the next renewal window opens ${dateOf(opens, shortest?.lifetimeMs)}` : ''
  return { mark: '✅', headline: `${TITLE}: ${done}all ${validUntil}${window}` }
}

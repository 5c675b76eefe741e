// The verdict: the one line a person reads first. Either everything is valid until a date and
// the next renewal window opens on another, or it says what is wrong and the one thing to do,
// with a link to the README section that says how.
import type { RunResult } from '../result.js'
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
  const certified = standing.filter(({ expires }) => expires !== undefined)
  const what = ({ entry }: AfterRun) => `${entry.kind} ${quote.code(entry.context)}`
  const when = (item: AfterRun) => {
    const date = dateOf(item.expires, item.lifetimeMs)
    return item.status === 'expired' ? `expired on ${date}` : `expires on ${date}`
  }
  // Not renewed, and inside its window or past its end: the first of them is the verdict.
  const due = certified.filter(({ status, outcome }) => (status === 'expiring' || status === 'expired') && !outcome)
  const [first] = [...due].sort((a, b) => (a.expires?.getTime() ?? 0) - (b.expires?.getTime() ?? 0))
  const renewNow = readmeLink(links, 'renewNow', 'Renewal on demand')
  if (result.failure) {
    const after = first ? `; ${what(first)} ${when(first)}` : ''
    return {
      mark: '❌',
      headline: `${TITLE}: the run failed${after}`,
      todo: `Fix it, then run the renewal again (${renewNow}); ${readmeLink(links, 'troubleshooting', 'Troubleshooting')} has the usual causes.`
    }
  }
  if (first) {
    const days = daysBetween(result.at, first.expires as Date)
    const left = first.status === 'expired' || !options.daysLeft ? '' : ` (${days} ${days === 1 ? 'day' : 'days'})`
    const todo = first.entry.secretName
      ? `This check only reads: the renewal has not happened. Run the renewal workflow now (${renewNow}), ` +
        'or let the scheduled run renew it.'
      : `This run only checks it: give it a secret to be renewed into (${readmeLink(links, 'kubeconfig', 'The admin kubeconfig too')}).`
    return {
      mark: result.failed ? '❌' : '⚠️',
      headline: `${TITLE}: ${what(first)} ${when(first)}${left}, not renewed yet`,
      todo
    }
  }
  const until = earliest(certified.map(({ expires }) => expires))
  const shortest = certified.find(({ expires }) => expires === until)
  const validUntil = until ? `valid until ${dateOf(until, shortest?.lifetimeMs)}` : 'none with a certificate yet'
  const opens = earliest(certified.map(({ opens }) => opens))
  const window =
    opens && opens > result.at ? `; the next renewal window opens ${dateOf(opens, shortest?.lifetimeMs)}` : ''
  if (result.people?.failed) {
    const failed = result.people.people
      .filter(({ status }) => status === 'failed')
      .map(({ login }) => quote.code(login))
    const who = failed.length > 0 ? ` for ${failed.join(', ')}` : ''
    return {
      mark: '❌',
      headline: `${TITLE}: ${validUntil}, but personal talosconfigs failed${who}`,
      todo: `What failed is in "Access for people" below; fix it and run again (${renewNow}).`
    }
  }
  if (result.breakGlass?.status === 'broken') {
    return {
      mark: '⚠️',
      headline: `${TITLE}: ${validUntil}, but the break-glass fallback is broken`,
      todo: `Fix the CA source now, while nothing is due (${readmeLink(links, 'drill', 'The break-glass drill')}).`
    }
  }
  const wouldRenew = standing.filter(({ outcome }) => outcome === 'would renew')
  if (wouldRenew.length > 0) {
    const names = wouldRenew.map(what).join(' and ')
    return { mark: '🧪', headline: `${TITLE}: dry run, would renew ${names}; nothing written, ${validUntil}` }
  }
  const renewed = standing.filter(({ outcome }) => outcome === 'renewed')
  const done = renewed.length > 0 ? `renewed ${renewed.map(what).join(' and ')}; all ` : 'all '
  return { mark: '✅', headline: `${TITLE}: ${done}${validUntil}${window}` }
}

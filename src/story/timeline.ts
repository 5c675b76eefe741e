// The job summary's picture: a Mermaid gantt chart (GitHub renders Mermaid in job summaries)
// of each credential the run keeps alive: its certificate, its renewal window, and the new
// certificate of this run. The axis spans the certificates, from a little before the first one
// starts to a little after the last one ends, so that a year's certificate fills the width; a
// CA's expiry is drawn only when it falls inside, and anything too short to see at that scale
// is said in words instead of drawn 0 px wide. The run's own instant is marked (Mermaid's today
// line would use the reader's clock). Names come from outside: only plain characters of them,
// through the gate, reach the diagram's syntax.
import type { RunResult } from '../result.js'
import type { Gate } from './gate.js'
import type { Quote } from './markdown.js'
import { afterRun, dateOf } from './standing.js'

export interface Timeline {
  /** The ```mermaid block, when there is anything to draw. */
  chart: string | undefined
  /** What the chart leaves out, and why, in words: the table's other contexts, bars too short to see. */
  notes: string[]
}

type State = 'valid' | 'window' | 'expired' | 'new'

interface Item {
  section: string
  /** The credential in Markdown, for the notes: the section is Mermaid's text, not Markdown. */
  named?: string
  label: string
  state: State
  start: Date
  end: Date
}

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
/** Room either side of the certificates, as a share of what they span. */
const MARGIN = 0.04
/** The least share of the axis a bar may have and still be seen (6 px of some 860 at GitHub's width, and then some). */
const MIN_SHARE = 0.015

/** Mermaid's classes, by what the colour means (the legend says so). */
const TAG: Record<State, string> = { valid: '', window: 'active, ', expired: 'crit, ', new: 'done, ' }

/**
 * Colours that mean something: green valid, amber window, red expired, blue new. Mermaid writes
 * the labels of the window, expired and new bars in its dark text colour, inside the bar or
 * beside it: their fills are light enough for dark text, and the valid bar's label is white.
 */
const CONFIG = [
  '---',
  'config:',
  '  theme: base',
  '  themeVariables:',
  "    taskBkgColor: '#2da44e'",
  "    taskBorderColor: '#1a7f37'",
  "    taskTextColor: '#ffffff'",
  "    activeTaskBkgColor: '#eac54f'",
  "    activeTaskBorderColor: '#9a6700'",
  "    critBkgColor: '#ff8182'",
  "    critBorderColor: '#cf222e'",
  "    doneTaskBkgColor: '#80ccff'",
  "    doneTaskBorderColor: '#0969da'",
  "    taskTextDarkColor: '#1f2328'",
  "    taskTextOutsideColor: '#1f2328'",
  '---'
]

export const LEGEND =
  'Green: valid. Amber: its renewal window. Red: expired. Blue: the new certificate. ◆ a day: this run, or a CA’s expiry.'

/** A label Mermaid reads as text: no colon, hash, semicolon, comma or line break survives. */
const label = (text: string): string => text.replace(/[^A-Za-z0-9 @._/()-]/g, '_').slice(0, 40)
/** A date in a label: Mermaid's syntax takes no colon in one. */
const inLabel = (date: Date, lifetimeMs: number | undefined): string => dateOf(date, lifetimeMs).replace(':', '.')
const stamp = (date: Date): string => date.toISOString().slice(0, 16).replace('T', ' ')

export function timelineOf(result: RunResult, gate: Gate, quote: Quote): Timeline {
  const notes: string[] = []
  const items: Item[] = []
  for (const standing of afterRun(result)) {
    const { entry, report } = standing
    const others = entry.contexts.filter(({ selected }) => !selected).map(({ name }) => quote.code(name))
    if (others.length > 0)
      notes.push(
        `Not drawn: ${others.join(', ')}, other contexts of the ${entry.kind}; this run renews ${quote.code(entry.context)}.`
      )
    const section = label(`${entry.kind} ${gate.value(entry.context)}`)
    const named = `${entry.kind} ${quote.code(entry.context)}`
    const certificate = report?.certificate
    if (!certificate && !entry.renewal)
      notes.push(`Not drawn: the ${entry.kind} ${quote.code(entry.context)} has no client certificate.`)
    const lifetime = certificate && certificate.notAfter.getTime() - certificate.notBefore.getTime()
    if (certificate) {
      const expired = certificate.notAfter <= result.at
      const words = expired ? 'expired' : 'valid until'
      items.push({
        section,
        named,
        label: `${words} ${inLabel(certificate.notAfter, lifetime)}`,
        state: expired ? 'expired' : 'valid',
        start: certificate.notBefore,
        end: certificate.notAfter
      })
    }
    const renewal = entry.renewal
    if (renewal) {
      const newLifetime = renewal.notAfter.getTime() - renewal.notBefore.getTime()
      const what =
        standing.outcome === 'renewed'
          ? 'new'
          : standing.outcome === 'would renew'
            ? 'would be new'
            : 'new, not written'
      items.push({
        section,
        named,
        label: `${what}, until ${inLabel(renewal.notAfter, newLifetime)}`,
        state: 'new',
        start: renewal.notBefore,
        end: renewal.notAfter
      })
    }
    const windowEnd = standing.expires
    if (standing.opens && windowEnd && standing.opens < windowEnd)
      items.push({ section, named, label: 'renewal window', state: 'window', start: standing.opens, end: windowEnd })
  }
  if (items.length === 0) return { chart: undefined, notes }
  const certificates = items.filter(({ state }) => state !== 'window')
  const first = Math.min(...certificates.map(({ start }) => start.getTime()))
  const last = Math.max(...certificates.map(({ end }) => end.getTime()))
  const margin = Math.max((last - first) * MARGIN, 60_000)
  const span = { from: first - margin, to: last + margin }
  const width = span.to - span.from
  const drawn = items.filter((item) => {
    const share = (item.end.getTime() - item.start.getTime()) / width
    if (share >= MIN_SHARE) return true
    const lasts = item.end.getTime() - item.start.getTime()
    notes.push(
      `Not drawn, too short to see on this scale: ${item.named ?? item.section}, ${item.label} (${duration(lasts)}).`
    )
    return false
  })
  const milestones: Item[] = []
  const at = result.at.getTime()
  if (at >= span.from && at <= span.to)
    milestones.push({
      section: 'this run',
      label: `this run, ${inLabel(result.at, width)}`,
      state: 'valid',
      start: result.at,
      end: result.at
    })
  else notes.push(`This run (${dateOf(result.at)}) is off the chart's scale.`)
  for (const ca of caExpiries(result)) {
    if (ca.date.getTime() >= span.from && ca.date.getTime() <= span.to)
      milestones.push({
        section: 'CA',
        label: `${ca.kind} CA expires ${inLabel(ca.date, width)}`,
        state: 'valid',
        start: ca.date,
        end: ca.date
      })
  }
  return { chart: render(drawn, milestones, width), notes }
}

function caExpiries(result: RunResult): Array<{ kind: string; date: Date }> {
  return result.credentials.flatMap((entry) => {
    const report = entry.contexts.find(({ selected }) => selected)
    const date = entry.renewal?.secretUpdated ? entry.renewal.caNotAfter : report?.caNotAfter
    return date ? [{ kind: entry.kind, date }] : []
  })
}

/** The chart's lines: every bar on its own row, sections in the order of the credentials. */
function render(items: Item[], milestones: Item[], width: number): string | undefined {
  if (items.length === 0) return undefined
  const lines = [
    ...CONFIG,
    'gantt',
    '  dateFormat YYYY-MM-DD HH:mm',
    `  axisFormat ${axisFormat(width)}`,
    '  todayMarker off'
  ]
  const sections = [...new Set(items.map(({ section }) => section))]
  let id = 0
  for (const section of sections) {
    lines.push(`  section ${section}`)
    for (const item of items.filter((candidate) => candidate.section === section))
      lines.push(`  ${item.label} :${TAG[item.state]}t${id++}, ${stamp(item.start)}, ${stamp(item.end)}`)
  }
  for (const milestone of milestones) {
    lines.push(`  section ${milestone.section}`)
    lines.push(`  ${milestone.label} :milestone, t${id++}, ${stamp(milestone.start)}, 0d`)
  }
  return ['```mermaid', ...lines, '```'].join('\n')
}

/** Ticks a reader can place: years, months, days or hours, by what the axis spans. */
function axisFormat(widthMs: number): string {
  if (widthMs > 3 * 365 * DAY_MS) return '%Y'
  if (widthMs > 90 * DAY_MS) return '%Y-%m'
  if (widthMs > 2 * DAY_MS) return '%m-%d'
  return '%H:%M'
}

/** How long something lasts, in the largest unit that keeps it a whole number or near. */
function duration(ms: number): string {
  if (ms < 2 * HOUR_MS) return `${Math.round(ms / 60_000)} minutes`
  if (ms < 2 * DAY_MS) return `${Math.round(ms / HOUR_MS)} hours`
  return `${Math.round(ms / DAY_MS)} days`
}

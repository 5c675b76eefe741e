// The job summary's picture: a Mermaid gantt chart (GitHub renders Mermaid in job summaries)
// with a section per credential: its certificate's validity, the renewal window renew-before
// opens, its CA's expiry, and the certificate this run issued. Names come from outside, so
// only plain characters of them reach the diagram's syntax.
import type { CredentialResult, RunResult } from '../result.js'
import type { Gate } from './gate.js'

const day = (date: Date): string => date.toISOString().slice(0, 10)

/** A label Mermaid reads as text: no colon, hash, semicolon or line break of a name survives. */
const label = (text: string): string => text.replace(/[^A-Za-z0-9 @._/-]/g, '_').slice(0, 60)

/** The chart, in a ```mermaid block, or undefined when no credential has a certificate to draw. */
export function timelineOf(result: RunResult, gate: Gate): string | undefined {
  const sections = result.credentials.flatMap((entry) => section(entry, gate))
  if (sections.length === 0) return undefined
  return [
    '```mermaid',
    'gantt',
    '  title Client certificates',
    '  dateFormat YYYY-MM-DD',
    '  axisFormat %Y-%m',
    ...sections,
    '```'
  ].join('\n')
}

function section(entry: CredentialResult, gate: Gate): string[] {
  const report = entry.contexts.find(({ selected }) => selected)
  const { certificate } = report ?? {}
  const tasks: string[] = []
  if (certificate) {
    const state = report?.decision.status === 'expired' ? 'crit, ' : 'done, '
    const notAfter = day(certificate.notAfter)
    tasks.push(`  valid until ${notAfter} :${state}${day(certificate.notBefore)}, ${notAfter}`)
    if (report?.renewalOpens) tasks.push(`  renewal window :active, ${day(report.renewalOpens)}, ${notAfter}`)
  }
  const { renewal } = entry
  if (renewal) {
    const what = renewal.secretUpdated ? 'new certificate' : 'new certificate, not stored'
    tasks.push(`  ${what} until ${day(renewal.notAfter)} :${day(renewal.notBefore)}, ${day(renewal.notAfter)}`)
  }
  const caNotAfter = renewal?.caNotAfter ?? report?.caNotAfter
  if (tasks.length > 0 && caNotAfter)
    tasks.push(`  CA expires ${day(caNotAfter)} :milestone, crit, ${day(caNotAfter)}, 0d`)
  return tasks.length > 0 ? [`  section ${label(`${entry.kind} ${gate.value(entry.context)}`)}`, ...tasks] : []
}

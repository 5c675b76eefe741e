import type { Decision } from './plan.js'

/** What one run found and did: the single source of the outputs and the job summary. */
export interface RunResult {
  context: string
  roles: string[]
  decision: Decision
  expiresAt?: Date
  newExpiresAt?: Date
  talosconfigPath?: string
  secretName: string
  /** Where the secret went (or would have gone): `repository owner/name`. */
  scope?: string
  secretUpdated: boolean
}

/** The step's outputs. Never the talosconfig itself, nor any key. */
export function outputsOf(result: RunResult): Record<string, string> {
  return {
    status: result.decision.status,
    'expires-at': result.expiresAt?.toISOString() ?? '',
    'days-remaining': result.decision.daysRemaining?.toString() ?? '',
    renewed: String(result.newExpiresAt !== undefined),
    'new-expires-at': result.newExpiresAt?.toISOString() ?? '',
    'secret-updated': String(result.secretUpdated),
    'talosconfig-path': result.talosconfigPath ?? ''
  }
}

/** One line for the log. */
export function headline(result: RunResult): string {
  const what = `talosconfig context '${result.context}'`
  if (result.secretUpdated) return `Renewed ${what}: ${result.decision.reason}; secret ${result.secretName} written to ${result.scope}.`
  if (result.newExpiresAt) return `Dry run: renewed ${what} (${result.decision.reason}) but wrote no secret.`
  return `Nothing to do for ${what}: ${result.decision.reason}.`
}

/** The job summary, in Markdown. */
export function summaryOf(result: RunResult): string {
  const date = (value?: Date): string => (value ? value.toISOString().replace('.000Z', 'Z') : '—')
  const written = result.secretUpdated
    ? `secret \`${result.secretName}\` in ${result.scope}`
    : result.newExpiresAt
      ? `nothing (dry run; would write \`${result.secretName}\` in ${result.scope})`
      : 'nothing'
  const rows: Array<[string, string]> = [
    ['Context', `\`${result.context}\``],
    ['Roles', result.roles.length > 0 ? result.roles.map((role) => `\`${role}\``).join(', ') : '—'],
    ['Status', `${result.decision.status}: ${result.decision.reason}`],
    ['Expires', date(result.expiresAt)],
    ['New certificate expires', date(result.newExpiresAt)],
    ['Written', written]
  ]
  return [
    '## Talos client certificate',
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([label, value]) => `| ${label} | ${value} |`),
    ''
  ].join('\n')
}

// The action's own record of what it issued to whom, kept in one Actions variable beside the
// people's (stateVariable in list.ts): what it needs to know who is due and who has left
// without decrypting anything. It holds logins, variable names, roles, dates and fingerprints,
// never anything secret; a person's variable holds nothing but their armored age file, since
// the age CLI reads armor only when it starts at the first byte.
import { createHash } from 'node:crypto'
import { UserError } from '../../errors.js'
import { said, type Text } from '../../text.js'
import { LOGIN, personVariable, type Person } from './list.js'

/** The record's format, written into it: a record of another shape is never read as this one. */
export const STATE_FORMAT = 'talos-client-cert-renewal/people/v1'

/** What the record says of one person: the certificate their variable holds, and what it was issued for. */
export interface StateEntry {
  login: string
  variable: string
  roles: string[]
  /** A fingerprint of their age recipient: a new key shows, and the key itself is not kept. */
  recipient: string
  /** A fingerprint of the context it copies (name, endpoints, nodes, CA): a new CA or endpoint shows. */
  cluster: string
  /** The certificate's validity, ISO 8601 UTC. */
  notBefore: string
  notAfter: string
}

const DAY_MS = 86_400_000

/** `sha256:` and 16 hex digits of the SHA-256 of the parts: enough to see a change, and nothing more. */
export const fingerprint = (...parts: string[]): string =>
  `sha256:${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16)}`

/** The record as the variable keeps it: compact JSON, one entry a person, by login. */
export function writeState(entries: readonly StateEntry[]): string {
  const people = [...entries].sort((a, b) => a.login.toLowerCase().localeCompare(b.login.toLowerCase()))
  return JSON.stringify({ format: STATE_FORMAT, people })
}

/**
 * The record read back; none yet is an empty one. Anything else in the variable is refused
 * rather than guessed at: every entry must name the variable its login gives under this
 * secret name, so that no edit of the record can make a run delete another variable.
 */
export function readState(value: string | undefined, name: string, secretName: string): StateEntry[] {
  if (value === undefined) return []
  const refuse = (): never => {
    throw new UserError(
      said`Variable ${name} is not the record of the people this action keeps (${STATE_FORMAT}); `.concat(
        said`nothing was issued or deleted. If it was changed by hand, delete it: the next run issues everyone afresh, `,
        said`and the variables of people who left since must then be deleted by hand.`
      ),
      'people'
    )
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    return refuse()
  }
  const record = parsed as { format?: unknown; people?: unknown }
  if (record?.format !== STATE_FORMAT || !Array.isArray(record.people)) return refuse()
  return record.people.map((entry: Partial<Record<keyof StateEntry, unknown>>) => {
    const { login, variable, roles, recipient, cluster, notBefore, notAfter } = entry ?? {}
    const fingerprinted = (text: unknown) => typeof text === 'string' && /^sha256:[0-9a-f]{16}$/.test(text)
    const instant = (text: unknown) => typeof text === 'string' && !Number.isNaN(Date.parse(text))
    if (
      typeof login !== 'string' ||
      !LOGIN.test(login) ||
      variable !== personVariable(secretName, login) ||
      !Array.isArray(roles) ||
      !roles.every((role) => typeof role === 'string') ||
      !fingerprinted(recipient) ||
      !fingerprinted(cluster) ||
      !instant(notBefore) ||
      !instant(notAfter)
    )
      return refuse()
    return { login, variable, roles, recipient, cluster, notBefore, notAfter } as StateEntry
  })
}

/** What the run knows beside the record when it judges one person. */
export interface Judging {
  now: Date
  /** The fingerprint of the context a certificate would be issued for now. */
  cluster: string
  /** Whether their variable is there (a person whose variable was deleted by hand is issued again). */
  variableExists: boolean
  /** They dispatched this run themselves: a fresh certificate, due or not. */
  requested: boolean
}

/**
 * Whether a listed person gets a new certificate, and why (or why not): none yet, their
 * variable gone, a new recipient, new roles, a new context, less than a third of its life
 * left, or asked for; else theirs is kept.
 */
export function judgePerson(
  person: Person,
  entry: StateEntry | undefined,
  run: Judging
): { due: boolean; reason: Text } {
  const due = (reason: Text) => ({ due: true, reason })
  if (run.requested) return due(said`asked for by ${person.login} (workflow_dispatch)`)
  if (!entry) return due(said`no personal talosconfig yet`)
  if (!run.variableExists) return due(said`variable ${person.variable} is missing`)
  if (entry.recipient !== fingerprint(person.recipient)) return due(said`the age recipient changed`)
  const words = (roles: string[]) => [...roles].sort().join(', ')
  if (words(entry.roles) !== words(person.roles))
    return due(said`the roles changed from ${words(entry.roles)} to ${words(person.roles)}`)
  if (entry.cluster !== run.cluster) return due(said`the cluster's endpoints, nodes or CA changed`)
  const notBefore = Date.parse(entry.notBefore)
  const notAfter = Date.parse(entry.notAfter)
  const left = notAfter - run.now.getTime()
  const days = Math.floor(Math.abs(left) / DAY_MS)
  const daysLeft = `${days} ${days === 1 ? 'day' : 'days'}`
  if (left <= 0) return due(said`it has expired`)
  if (left < (notAfter - notBefore) / 3) return due(said`${daysLeft} left, less than a third of its lifetime`)
  return { due: false, reason: said`${daysLeft} left` }
}

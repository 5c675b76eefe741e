// The people input: one person a line, `<github-login> <age-recipient> [roles]`, read and
// checked whole before anything is issued or written. Small and without dependencies of its
// own on purpose: inputs.ts reads it on every run that lists people; everything that issues,
// encrypts and writes is in this folder's other modules, loaded only when people are listed.
import { UserError } from '../../errors.js'
import { TALOS_ROLES } from '../../pki/profile.js'
import type { VerifyConnection } from '../../prove/index.js'
import { recipientProblem } from '../../sources/age.js'
import { said, type Text } from '../../text.js'

/** One person of the list. */
export interface Person {
  /** The GitHub login as the list spells it. */
  login: string
  /** A native X25519 age recipient (age1...): their public key. */
  recipient: string
  /** Talos roles, sorted and without repeats; os:reader when the line names none. */
  roles: string[]
  /** The line of the input it is on, from 1, for messages. */
  line: number
  /** The Actions variable their encrypted talosconfig is kept in. */
  variable: string
}

/** Everything the people step needs, read once (inputs.ts): nothing below main reads inputs. */
export interface PeopleOptions {
  people: Person[]
  /** people-ttl: the lifetime of a personal certificate. */
  ttlMs: number
  /** people-only: this run attends to the person who dispatched it and to nothing else. */
  only: boolean
  /** Why this run issues nothing and only checks the list (a pull request); undefined when it issues. */
  checkOnly: Text | undefined
  /**
   * Who dispatched this workflow_dispatch run (GITHUB_ACTOR, which a re-run keeps, unlike
   * GITHUB_TRIGGERING_ACTOR): when listed, they get a fresh certificate whether or not theirs is due.
   */
  requestedBy: string | undefined
  /** The pipeline's secret name, which every person's variable starts with. */
  secretName: string
  /** The action's own record of what it issued (see stateVariable). */
  stateVariable: string
  /** Where the variables are: the repository's or an environment's (GitHub limits them differently). */
  scope: 'repository' | 'environment'
  dryRun: boolean
  verifyConnection: VerifyConnection
}

/** The default lifetime of a personal certificate: 30 days, since Talos cannot revoke one. */
export const DEFAULT_PEOPLE_TTL = '720h'
/** More people than a repository holds variables (500) is not a list this action can keep. */
const MAX_PEOPLE = 400

/** GitHub's rule for logins: 1 to 39 letters, digits or single hyphens, no hyphen first or last. */
export const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/

/** A person's variable: the pipeline's secret name, an underscore, the login upper-cased with `-` as `_`. */
export const personVariable = (secretName: string, login: string): string =>
  `${secretName.toUpperCase()}_${login.toUpperCase().replace(/-/g, '_')}`

/**
 * The action's state: the secret name and `__PEOPLE`. A person's variable is the secret name,
 * one underscore and a login; a login never starts with a hyphen nor holds two in a row, so
 * what follows that underscore never starts with one or holds two: no login can name this.
 */
export const stateVariable = (secretName: string): string => `${secretName.toUpperCase()}__PEOPLE`

/**
 * Every person of the input, each line checked: a login, a native age recipient with its
 * checksum, known roles, and no login twice. The first bad line is refused by its number; the
 * words never quote a key, whatever column it was put in.
 */
export function parsePeople(text: string, secretName: string): Person[] {
  const people: Person[] = []
  const seen = new Map<string, number>()
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1
    const words = raw
      .replace(/(^|\s)#.*$/, '')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
    if (words.length === 0) return
    const refuse = (why: Text): never => {
      throw new UserError(said`Input 'people', line ${line}: `.concat(why), 'people')
    }
    if (words.some((word) => /^AGE-SECRET-KEY-/i.test(word)))
      refuse(
        said`it holds an age secret key (AGE-SECRET-KEY-...). The list takes public keys only (age1..., `.concat(
          said`from age-keygen -y key.txt); wherever the list is kept, that key is no longer secret: make a new one.`
        )
      )
    const [login = '', recipient, roles, ...rest] = words
    if (!recipient || rest.length > 0)
      refuse(said`give a GitHub login, an age recipient and optionally roles, separated by spaces.`)
    if (!LOGIN.test(login))
      refuse(
        said`the first word is not a GitHub login: 1 to 39 letters, digits or single hyphens, `.concat(
          said`not starting or ending with a hyphen.`
        )
      )
    const problem = ageRecipientProblem(recipient ?? '')
    if (problem) refuse(said`the age recipient of ${login} is not one this action can encrypt to: ${problem}.`)
    const first = seen.get(login.toLowerCase())
    if (first !== undefined) refuse(said`${login} is listed already, on line ${first} (logins are case-insensitive).`)
    seen.set(login.toLowerCase(), line)
    people.push({
      login,
      recipient: recipient as string,
      roles: rolesOf(roles, refuse),
      line,
      variable: personVariable(secretName, login)
    })
  })
  if (people.length > MAX_PEOPLE)
    throw new UserError(
      said`Input 'people' lists ${people.length} people; this action keeps at most ${MAX_PEOPLE}.`,
      'people'
    )
  return people
}

/**
 * What keeps age from encrypting to a recipient here, or undefined: a plugin recipient
 * (age1yubikey1...) needs its plugin's binary, and a post-quantum one (age1pq1...) is opened
 * only by age 1.3 and later, which the people on the list may not have.
 */
function ageRecipientProblem(recipient: string): string | undefined {
  if (/^age1pq1/.test(recipient))
    return (
      'it is a post-quantum recipient (age1pq1...), which age opens only from version 1.3 on; ' +
      'give a native X25519 recipient (age-keygen -y key.txt)'
    )
  return recipientProblem(recipient)
}

function rolesOf(word: string | undefined, refuse: (why: Text) => never): string[] {
  if (word === undefined) return ['os:reader']
  const roles = [...new Set(word.split(',').map((role) => role.trim()))]
  const unknown = roles.filter((role) => !(TALOS_ROLES as readonly string[]).includes(role))
  if (roles.includes('') || unknown.length > 0)
    refuse(
      said`${roles.includes('') ? 'an empty role' : `unknown roles: ${unknown.join(', ')}`}; `.concat(
        said`give roles separated by commas, no spaces: ${TALOS_ROLES.join(', ')}.`
      )
    )
  return roles.sort()
}

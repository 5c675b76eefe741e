// What the people step found and did, for the story (src/story/people.ts): one entry a
// person, never a key, a certificate or a recipient.
import type { RenewedThrough } from '../../issuers/issuer.js'
import type { Text } from '../../text.js'

/**
 * issued: a new certificate, written (or, in a dry run, only issued); kept: theirs is not due;
 * removed: no longer listed, their variable deleted; failed: see why; listed: a run that only
 * checks the list; untouched: a people-only run for someone else.
 */
export type PersonStatus = 'issued' | 'kept' | 'removed' | 'failed' | 'listed' | 'untouched'

export interface PersonResult {
  login: string
  /** The variable that holds (or held) their encrypted talosconfig. */
  variable: string
  roles: string[]
  status: PersonStatus
  /** Why: why it was issued or kept, why it failed, what removing them means. */
  reason: Text
  /** When the certificate their variable holds expires: the new one, the kept one, or a removed person's last. */
  notAfter?: Date
  through?: RenewedThrough
  /** Proven against the live cluster (true), not reachable (false), or not tried (undefined). */
  proven?: boolean
  /** Their variable was written, or for a person removed, deleted; false in a dry run. */
  written: boolean
}

export interface PeopleResult {
  people: PersonResult[]
  /** Why this run issued nothing and only checked the list, when it did. */
  checkOnly?: Text
  dryRun: boolean
  /** A workflow_dispatch run: who asked, and whether they are listed. */
  requestedBy?: { login: string; listed: boolean }
  /** The variable the action keeps its record in. */
  stateVariable: string
  /** What failed for everyone at once (the variables could not be read, the record not written). */
  failure?: Text
  /** Someone's credential failed, or everyone's: the step fails. */
  failed: boolean
}

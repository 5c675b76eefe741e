import { UserError } from '../errors.js'
import type { Text } from '../text.js'

/** The cluster answered and refused the credential: never a reason to write it. */
export class Rejected extends UserError {}

/** No answer from the cluster: verify-connection decides what that means. */
export class NoAnswer extends Error {
  constructor(readonly text: Text) {
    super(text.raw)
  }
}

import { UserError } from '../errors.js'

/**
 * No endpoint answered: the cluster is out of reach, which is not the same as a refusal.
 * Kept apart from the client, so that deciding on a fallback does not load gRPC.
 */
export class Unreachable extends UserError {
  constructor(
    message: string,
    /** Each endpoint tried and what happened, for a notice: `10.5.0.2:50000 (connection refused)`. */
    readonly failures: string[]
  ) {
    super(message, 'endpoints')
  }
}

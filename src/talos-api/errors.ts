import { UserError } from '../errors.js'
import type { Text } from '../text.js'

/**
 * No endpoint answered: the cluster is out of reach, which is not the same as a refusal.
 * Kept apart from the client, so that deciding on a fallback does not load gRPC.
 */
export class Unreachable extends UserError {
  constructor(
    message: Text,
    /** Each endpoint tried and what happened, for a notice: `10.5.0.2:50000 (connection refused)`. */
    readonly failures: Text[]
  ) {
    super(message, 'endpoints')
  }
}

/**
 * apid answered PERMISSION_DENIED: the roles cannot make that call. It verifies the client
 * certificate in the handshake first, so the answer also says that it accepted the certificate.
 */
export class Forbidden extends UserError {
  constructor(
    message: Text,
    /** The endpoint that answered. */
    readonly target: string
  ) {
    super(message, 'talosconfig')
  }
}

import { ACTION_NAME } from './version.js'

/**
 * The one error class meant for the person running the workflow. Its message says what was
 * wrong and what to do; `input` names the action input it concerns, when there is one.
 * Anything that is not a UserError is a bug in the action.
 */
export class UserError extends Error {
  override readonly name = 'UserError'

  constructor(
    message: string,
    readonly input?: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}

/** The one error line of a failure: a UserError's own words, anything else reported as a bug. */
export function failureLine(error: unknown): string {
  if (error instanceof UserError) return error.message
  return `Unexpected failure: ${describe(error)}. This is a bug in ${ACTION_NAME}; please report it.`
}

/** Message of a caught value, for errors that are not ours (never includes the stack). */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

import { outside, said, type Text } from './text.js'
import { ACTION_NAME } from './version.js'

/**
 * The one error class meant for the person running the workflow. Its words say what was
 * wrong and what to do, built from typed parts so that what it quotes from outside passes the
 * story's gate as outside text; `input` names the action input it concerns, when there is one.
 * Anything that is not a UserError is a bug in the action.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError'

  constructor(
    readonly text: Text,
    readonly input?: string,
    options?: { cause?: unknown }
  ) {
    super(text.raw, options)
  }
}

/** The one error line of a failure: a UserError's own words, anything else reported as a bug. */
export function failureLine(error: unknown): Text {
  if (error instanceof UserError) return error.text
  return said`Unexpected failure: ${describe(error)}. This is a bug in ${ACTION_NAME}; please report it.`
}

/**
 * What a caught value says, for words that quote it: a UserError's own words, keeping their
 * parts; anything else is a library's message, which is outside text (it may quote a key or an
 * address, and the gate treats it so). Never the stack.
 */
export function describe(error: unknown): Text {
  if (error instanceof UserError) return error.text
  return outside(error instanceof Error ? error.message : String(error))
}

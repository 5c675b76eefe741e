// Refusals for people, as tests meet them: the UserError a call throws, and the inputs as the
// runner gives them to readConfig (a base set with each test's own on top, on a scheduled run
// unless the test says otherwise: mode auto then renews).
import assert from 'node:assert/strict'
import { UserError } from '../../src/errors.js'
import { readConfig, type Config } from '../../src/inputs.js'

/** The UserError `call` throws; anything else, or nothing, fails the test. */
export function userErrorOf(call: () => unknown): UserError {
  try {
    call()
  } catch (error) {
    assert.ok(error instanceof UserError, String(error))
    return error
  }
  assert.fail('expected a UserError')
}

export interface ConfigReader {
  read(inputs: Record<string, string>, env?: NodeJS.ProcessEnv): Config
  /** The UserError the inputs are refused with. */
  failure(inputs: Record<string, string>, env?: NodeJS.ProcessEnv): UserError
}

export function configReader(base: Record<string, string>): ConfigReader {
  const read = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
    readConfig((name) => ({ ...base, ...inputs })[name] ?? '', { GITHUB_EVENT_NAME: 'schedule', ...env })
  return { read, failure: (inputs, env = {}) => userErrorOf(() => read(inputs, env)) }
}

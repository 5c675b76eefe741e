// Writing the renewed credentials: every value is sealed first (sizes, the scope, its public
// key), so that a failure there changes nothing; then each is written in turn. When a later
// write fails after an earlier one succeeded, each renewal says which, and so does the error.
import { said } from './text.js'
import { describe, UserError } from './errors.js'
import type { SealedSecret, SecretStore } from './github/secrets.js'
import type { Renewal } from './result.js'

export interface SecretToWrite {
  secretName: string
  text: string
  /** Where the run records the secret's scope and whether it was written. */
  renewal: Renewal
}

export async function writeSecrets(items: SecretToWrite[], store: SecretStore, dryRun: boolean): Promise<void> {
  const sealed: SealedSecret[] = []
  for (const { secretName, text, renewal } of items) {
    const secret = await store.seal(secretName, text)
    renewal.scope = secret.scope
    sealed.push(secret)
  }
  if (dryRun) return
  for (const [index, secret] of sealed.entries()) {
    const { renewal } = items[index] as SecretToWrite
    try {
      await store.write(secret)
      renewal.secretUpdated = true
    } catch (error) {
      renewal.writeFailed = describe(error)
      throw partialFailure(items, error)
    }
  }
}

/** The one error line of a failed write: which secrets changed before it, and which did not. */
function partialFailure(items: SecretToWrite[], error: unknown): unknown {
  const names = (updated: boolean) =>
    items.filter(({ renewal }) => renewal.secretUpdated === updated).map(({ secretName }) => secretName)
  const written = names(true)
  if (written.length === 0) return error
  const was = (list: string[]) => `${list.join(' and ')} ${list.length === 1 ? 'was' : 'were'}`
  const input = error instanceof UserError ? error.input : 'github-token'
  return new UserError(said`${was(written)} written; ${was(names(false))} not: ${describe(error)}`, input, {
    cause: error
  })
}

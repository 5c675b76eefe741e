import { getOctokit } from '@actions/github'
import { UserError } from '../errors.js'
import type { Repository } from '../inputs.js'
import { sealSecret } from './seal.js'

/** GitHub refuses secret values over 48 KB. */
export const MAX_SECRET_BYTES = 48 * 1024

export interface SecretStoreOptions {
  token: string
  apiUrl: string
  repository: Repository
  userAgent: string
}

/** Where secrets are written: one scope (a repository now; environments and organizations later). */
export interface SecretStore {
  /** Where the secret goes, in words: `repository owner/name`. */
  scope: string
  /**
   * Seals `value` with the scope's public key and stores it; with `dryRun`, fetches the key
   * and seals (so the token and the size are proven) but writes nothing. Returns whether it wrote.
   */
  put(name: string, value: string, options: { dryRun: boolean }): Promise<boolean>
}

export function repositorySecretStore(options: SecretStoreOptions): SecretStore {
  const { owner, repo } = options.repository
  const octokit = getOctokit(options.token, { baseUrl: options.apiUrl, userAgent: options.userAgent })
  const scope = `repository ${owner}/${repo}`
  return {
    scope,
    async put(name, value, { dryRun }) {
      if (Buffer.byteLength(value) > MAX_SECRET_BYTES) {
        throw new UserError(`The new value of secret ${name} is ${Buffer.byteLength(value)} bytes; GitHub secrets hold at most ${MAX_SECRET_BYTES}.`)
      }
      const key = await call(`read the Actions public key of ${scope}`, () =>
        octokit.rest.actions.getRepoPublicKey({ owner, repo })
      )
      const encrypted = await sealSecret(value, key.data.key)
      if (dryRun) return false
      await call(`write secret ${name} to ${scope}`, () =>
        octokit.rest.actions.createOrUpdateRepoSecret({
          owner,
          repo,
          secret_name: name,
          encrypted_value: encrypted,
          key_id: key.data.key_id
        })
      )
      return true
    }
  }
}

/** Runs one API call and turns its failure into one plain error that says what to do. */
async function call<T>(attempt: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request()
  } catch (error) {
    throw new UserError(explain(attempt, error), 'github-token', { cause: error })
  }
}

function explain(attempt: string, error: unknown): string {
  // Octokit reports a request that got no answer as status 500 without a response.
  const status = (error as { response?: { status?: number } } | undefined)?.response?.status
  switch (status) {
    case 401:
      return `Could not ${attempt}: GitHub answered 401, the token in 'github-token' is invalid or expired. Make a new one.`
    case 403:
      return (
        `Could not ${attempt}: GitHub answered 403, the token in 'github-token' may not manage Actions secrets there. ` +
        "The workflow's default GITHUB_TOKEN never can; pass a fine-grained personal access token or a GitHub App installation token with the 'Secrets: write' permission on this repository."
      )
    case 404:
      return `Could not ${attempt}: GitHub answered 404, the repository does not exist or the token in 'github-token' cannot see it. Check 'repository' and the token's repository access.`
    case undefined:
      return `Could not ${attempt}: ${networkCause(error)}. Check 'github-api-url' and the runner's network.`
    default:
      return `Could not ${attempt}: GitHub answered ${status}. Try again later; if it persists, check GitHub's status.`
  }
}

function networkCause(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

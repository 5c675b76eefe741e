import { UserError } from '../errors.js'
import type { SecretTarget, Visibility } from './target.js'
import { ApiError, makeClient, type Client, type ClientOptions, type ScopeHints } from './client.js'
import { sealSecret } from './seal.js'

/** GitHub refuses secret values over 48 KB. */
export const MAX_SECRET_BYTES = 48 * 1024

/** Where secrets are written: one scope, a repository, an environment or an organization. */
export interface SecretStore {
  /** Where the secret goes, in words, for the log and the summary. */
  scope: string
  /**
   * Seals `value` with the scope's public key and stores it; with `dryRun`, fetches the key
   * and seals (so the token and the size are proven) but writes nothing. Returns whether it wrote.
   */
  put(name: string, value: string, options: { dryRun: boolean }): Promise<boolean>
}

interface PublicKey {
  key: string
  key_id: string
}

/** What differs between scopes: the key and write requests, and what an organization adds. */
interface ScopeApi {
  hints: ScopeHints
  getKey(signal: AbortSignal): Promise<PublicKey>
  /** Work to do before sealing (an organization's visibility); returns the scope's description. */
  prepare(name: string): Promise<string>
  write(name: string, sealed: string, keyId: string, signal: AbortSignal): Promise<unknown>
}

const REPOSITORY_PERMISSION =
  "the repository permission 'Secrets: write'. The workflow's default GITHUB_TOKEN never has it: pass a fine-grained personal access token or a GitHub App installation token with 'Secrets: write' on this repository"

export function secretStore(target: SecretTarget, options: ClientOptions): SecretStore {
  const hints = hintsFor(target)
  const client = makeClient(options, hints)
  const api = scopeApi(target, client, hints)
  let scope = hints.name
  return {
    get scope() {
      return scope
    },
    async put(name, value, { dryRun }) {
      if (Buffer.byteLength(value) > MAX_SECRET_BYTES) {
        throw new UserError(`The new value of secret ${name} is ${Buffer.byteLength(value)} bytes; GitHub secrets hold at most ${MAX_SECRET_BYTES}.`)
      }
      scope = await api.prepare(name)
      const readKey = () => client.call(`read the Actions public key of the ${hints.name}`, (signal) => api.getKey(signal))
      let key = await readKey()
      let sealed = await sealSecret(value, key.key)
      if (dryRun) return false
      const write = () => client.call(`write secret ${name} to the ${hints.name}`, (signal) => api.write(name, sealed, key.key_id, signal))
      try {
        await write()
      } catch (error) {
        // A 422 here means the key was rotated between reading and writing: seal again, once.
        if (!(error instanceof ApiError) || error.status !== 422) throw error
        key = await readKey()
        sealed = await sealSecret(value, key.key)
        await write()
      }
      return true
    }
  }
}

function hintsFor(target: SecretTarget): ScopeHints {
  switch (target.kind) {
    case 'repository':
      return { name: `repository ${target.repository.owner}/${target.repository.repo}`, permission: REPOSITORY_PERMISSION, inputs: "'repository'" }
    case 'environment':
      return {
        name: `environment '${target.environment}' of repository ${target.repository.owner}/${target.repository.repo}`,
        permission: "the repository permission 'Environments: write', which environment secrets need (fine-grained personal access token or GitHub App)",
        inputs: "'environment' and 'repository'"
      }
    case 'organization':
      return {
        name: `organization ${target.organization}`,
        permission: "the organization permission 'Secrets: write' (a GitHub App or fine-grained token with the organization as resource owner; a classic token needs admin:org)",
        inputs: "'organization'"
      }
  }
}

function scopeApi(target: SecretTarget, client: Client, hints: ScopeHints): ScopeApi {
  const { octokit } = client
  const withSignal = (signal: AbortSignal) => ({ request: { signal } })
  switch (target.kind) {
    case 'repository': {
      const { owner, repo } = target.repository
      return {
        hints,
        prepare: async () => hints.name,
        getKey: async (signal) => (await octokit.rest.actions.getRepoPublicKey({ owner, repo, ...withSignal(signal) })).data,
        write: (secret_name, encrypted_value, key_id, signal) =>
          octokit.rest.actions.createOrUpdateRepoSecret({ owner, repo, secret_name, encrypted_value, key_id, ...withSignal(signal) })
      }
    }
    case 'environment': {
      const { owner, repo } = target.repository
      const environment_name = target.environment
      return {
        hints,
        prepare: async () => hints.name,
        getKey: async (signal) => (await octokit.rest.actions.getEnvironmentPublicKey({ owner, repo, environment_name, ...withSignal(signal) })).data,
        write: (secret_name, encrypted_value, key_id, signal) =>
          octokit.rest.actions.createOrUpdateEnvironmentSecret({ owner, repo, environment_name, secret_name, encrypted_value, key_id, ...withSignal(signal) })
      }
    }
    case 'organization': {
      const org = target.organization
      let access: { visibility: Visibility; repositoryIds?: number[] } = { visibility: 'private' }
      return {
        hints,
        async prepare(name) {
          access = await organizationAccess(target, name, client)
          const count = access.repositoryIds ? `, ${access.repositoryIds.length} ${access.repositoryIds.length === 1 ? 'repository' : 'repositories'}` : ''
          return `${hints.name} (visibility ${access.visibility}${count})`
        },
        getKey: async (signal) => (await octokit.rest.actions.getOrgPublicKey({ org, ...withSignal(signal) })).data,
        write: (secret_name, encrypted_value, key_id, signal) =>
          octokit.rest.actions.createOrUpdateOrgSecret({
            org,
            secret_name,
            encrypted_value,
            key_id,
            visibility: access.visibility,
            ...(access.visibility === 'selected' ? { selected_repository_ids: access.repositoryIds ?? [] } : {}),
            ...withSignal(signal)
          })
      }
    }
  }
}

/**
 * The visibility an organization secret is written with (the API wants it on every write):
 * as asked; else as the existing secret has it, with its repositories; else private.
 */
async function organizationAccess(
  target: Extract<SecretTarget, { kind: 'organization' }>,
  name: string,
  client: Client
): Promise<{ visibility: Visibility; repositoryIds?: number[] }> {
  const { octokit } = client
  const org = target.organization
  const asked = target.visibility ?? (target.selectedRepositories.length > 0 ? 'selected' : undefined)
  const existing = asked && target.selectedRepositories.length > 0
    ? undefined
    : await client.call(`read organization secret ${name} of organization ${org}`, async (signal) => (await octokit.rest.actions.getOrgSecret({ org, secret_name: name, request: { signal } })).data, { notFound: null })
  const visibility = asked ?? existing?.visibility ?? 'private'
  if (visibility !== 'selected') return { visibility }
  if (target.selectedRepositories.length > 0) {
    const repositoryIds: number[] = []
    for (const repo of target.selectedRepositories) {
      const found = await client.call(`find repository ${org}/${repo}`, async (signal) => (await octokit.rest.repos.get({ owner: org, repo, request: { signal } })).data, { notFound: null })
      if (!found) {
        throw new UserError(`Input 'selected-repositories' names '${repo}', which is not a repository of organization ${org}, or the token in 'github-token' cannot see it.`, 'selected-repositories')
      }
      repositoryIds.push(found.id)
    }
    return { visibility, repositoryIds }
  }
  if (existing?.visibility !== 'selected') {
    throw new UserError("Input 'visibility' is selected, but the secret is new or not selected yet: name its repositories in 'selected-repositories'.", 'selected-repositories')
  }
  const repositories = await client.call(`list the repositories of organization secret ${name}`, (signal) =>
    octokit.paginate(octokit.rest.actions.listSelectedReposForOrgSecret, { org, secret_name: name, per_page: 100, request: { signal } })
  )
  return { visibility, repositoryIds: repositories.map((repository) => repository.id) }
}

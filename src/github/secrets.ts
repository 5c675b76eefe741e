import { said } from '../text.js'
import { UserError } from '../errors.js'
import type { SecretTarget, Visibility } from './target.js'
import { ApiError, makeClient, type Client, type ClientOptions, type ScopeHints } from './client.js'
import { sealSecret } from './seal.js'

/** GitHub refuses secret values over 48 KB. */
export const MAX_SECRET_BYTES = 48 * 1024

/** A value sealed for one secret, ready to write: everything that can fail before a write is done. */
export interface SealedSecret {
  name: string
  /** Where it goes, in words: `organization acme (visibility selected, 2 repositories)`. */
  scope: string
  /** The plain value, kept in memory only, to seal again if the key was rotated meanwhile. */
  value: string
  sealed: string
  keyId: string
  /** What the write needs beside the value (an organization secret's visibility). */
  access: Access
}

/**
 * Where secrets are written: one scope, a repository, an environment or an organization.
 * Sealing and writing are apart so that every value is checked and sealed before the first
 * write: a run that fails then has changed nothing.
 */
export interface SecretStore {
  /** Where the secrets go, in words, for the log and the summary. */
  scope: string
  /** Checks the size, reads the scope's public key and seals the value; writes nothing. */
  seal(name: string, value: string): Promise<SealedSecret>
  /** Writes a sealed value; a key rotated since sealing is fetched again and the value resealed once. */
  write(secret: SealedSecret): Promise<void>
}

interface PublicKey {
  key: string
  key_id: string
}

/** What an organization secret is written with; nothing for the other scopes. */
type Access = { visibility: Visibility; repositoryIds?: number[] } | undefined

/** What differs between scopes: the key and write requests, and what an organization adds. */
interface ScopeApi {
  hints: ScopeHints
  getKey(signal: AbortSignal): Promise<PublicKey>
  /** Work to do before sealing (an organization's visibility): the access and the scope's description. */
  prepare(name: string): Promise<{ access: Access; scope: string }>
  write(name: string, sealed: string, keyId: string, access: Access, signal: AbortSignal): Promise<unknown>
}

const REPOSITORY_PERMISSION =
  "the repository permission 'Secrets: write'. " +
  "The workflow's default GITHUB_TOKEN never has it: " +
  "pass a fine-grained personal access token or a GitHub App installation token with 'Secrets: " +
  "write' on this repository"

export function secretStore(target: SecretTarget, options: ClientOptions): SecretStore {
  const hints = hintsFor(target)
  const client = makeClient(options, hints)
  const api = scopeApi(target, client, hints)
  const readKey = () => client.call(`read the Actions public key of the ${hints.name}`, (signal) => api.getKey(signal))
  return {
    scope: hints.name,
    async seal(name, value) {
      if (Buffer.byteLength(value) > MAX_SECRET_BYTES) {
        throw new UserError(
          said`The new value of secret ${name} is ${Buffer.byteLength(value)} bytes; GitHub secrets hold at most ${MAX_SECRET_BYTES}.`
        )
      }
      const { access, scope } = await api.prepare(name)
      const key = await readKey()
      return { name, scope, value, sealed: await sealSecret(value, key.key), keyId: key.key_id, access }
    },
    async write(secret) {
      const write = (sealed: string, keyId: string) =>
        client.call(`write secret ${secret.name} to the ${hints.name}`, (signal) =>
          api.write(secret.name, sealed, keyId, secret.access, signal)
        )
      try {
        await write(secret.sealed, secret.keyId)
      } catch (error) {
        // A 422 here means the key was rotated between reading and writing: seal again, once.
        if (!(error instanceof ApiError) || error.status !== 422) throw error
        const key = await readKey()
        await write(await sealSecret(secret.value, key.key), key.key_id)
      }
    }
  }
}

function hintsFor(target: SecretTarget): ScopeHints {
  switch (target.kind) {
    case 'repository':
      return {
        name: `repository ${target.repository.owner}/${target.repository.repo}`,
        permission: REPOSITORY_PERMISSION,
        inputs: "'repository'"
      }
    case 'environment':
      return {
        name: `environment '${target.environment}' of repository ${target.repository.owner}/${target.repository.repo}`,
        permission:
          "the repository permission 'Environments: write', " +
          'which environment secrets need (fine-grained personal access token or GitHub App)',
        inputs: "'environment' and 'repository'"
      }
    case 'organization':
      return {
        name: `organization ${target.organization}`,
        permission:
          "the organization permission 'Secrets: " +
          "write' (a GitHub App or fine-grained token with the organization as resource owner; " +
          'a classic token needs admin:org)',
        inputs: "'organization'"
      }
  }
}

function scopeApi(target: SecretTarget, client: Client, hints: ScopeHints): ScopeApi {
  const { octokit } = client
  const withSignal = (signal: AbortSignal) => ({ request: { signal } })
  const plain = async () => ({ access: undefined, scope: hints.name })
  switch (target.kind) {
    case 'repository': {
      const { owner, repo } = target.repository
      return {
        hints,
        prepare: plain,
        getKey: async (signal) =>
          (await octokit.rest.actions.getRepoPublicKey({ owner, repo, ...withSignal(signal) })).data,
        write: (secret_name, encrypted_value, key_id, _access, signal) =>
          octokit.rest.actions.createOrUpdateRepoSecret({
            owner,
            repo,
            secret_name,
            encrypted_value,
            key_id,
            ...withSignal(signal)
          })
      }
    }
    case 'environment': {
      const { owner, repo } = target.repository
      const environment_name = target.environment
      return {
        hints,
        prepare: plain,
        getKey: async (signal) =>
          (await octokit.rest.actions.getEnvironmentPublicKey({ owner, repo, environment_name, ...withSignal(signal) }))
            .data,
        write: (secret_name, encrypted_value, key_id, _access, signal) =>
          octokit.rest.actions.createOrUpdateEnvironmentSecret({
            owner,
            repo,
            environment_name,
            secret_name,
            encrypted_value,
            key_id,
            ...withSignal(signal)
          })
      }
    }
    case 'organization': {
      const org = target.organization
      return {
        hints,
        async prepare(name) {
          const access = await organizationAccess(target, name, client)
          const count = access.repositoryIds
            ? `, ${access.repositoryIds.length} ${access.repositoryIds.length === 1 ? 'repository' : 'repositories'}`
            : ''
          return { access, scope: `${hints.name} (visibility ${access.visibility}${count})` }
        },
        getKey: async (signal) => (await octokit.rest.actions.getOrgPublicKey({ org, ...withSignal(signal) })).data,
        write: (secret_name, encrypted_value, key_id, access, signal) => {
          const visibility = access?.visibility ?? 'private'
          return octokit.rest.actions.createOrUpdateOrgSecret({
            org,
            secret_name,
            encrypted_value,
            key_id,
            visibility,
            ...(visibility === 'selected' ? { selected_repository_ids: access?.repositoryIds ?? [] } : {}),
            ...withSignal(signal)
          })
        }
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
  const existing =
    asked && target.selectedRepositories.length > 0
      ? undefined
      : await client.call(
          `read organization secret ${name} of organization ${org}`,
          async (signal) =>
            (await octokit.rest.actions.getOrgSecret({ org, secret_name: name, request: { signal } })).data,
          { notFound: null }
        )
  const visibility = asked ?? existing?.visibility ?? 'private'
  if (visibility !== 'selected') return { visibility }
  if (target.selectedRepositories.length > 0) {
    const repositoryIds: number[] = []
    for (const repo of target.selectedRepositories) {
      const found = await client.call(
        `find repository ${org}/${repo}`,
        async (signal) => (await octokit.rest.repos.get({ owner: org, repo, request: { signal } })).data,
        { notFound: null }
      )
      if (!found) {
        throw new UserError(
          said`Input 'selected-repositories' names '${repo}', which is not a repository of organization ${org}, `.concat(
            said`or the token in 'github-token' cannot see it.`
          ),
          'selected-repositories'
        )
      }
      repositoryIds.push(found.id)
    }
    return { visibility, repositoryIds }
  }
  if (existing?.visibility !== 'selected') {
    throw new UserError(
      said`Input 'visibility' is selected, but the secret is new or not selected yet: name its repositories in 'selected-repositories'.`,
      'selected-repositories'
    )
  }
  const repositories = await client.call(`list the repositories of organization secret ${name}`, (signal) =>
    octokit.paginate(octokit.rest.actions.listSelectedReposForOrgSecret, {
      org,
      secret_name: name,
      per_page: 100,
      request: { signal }
    })
  )
  return { visibility, repositoryIds: repositories.map((repository) => repository.id) }
}

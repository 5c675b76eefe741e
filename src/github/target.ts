// Where a secret is written: the types of the secret store's own scopes.

export interface Repository {
  owner: string
  repo: string
}

/** Which repositories of an organization may use an organization secret. */
export type Visibility = 'all' | 'private' | 'selected'

/** Where the secret is written. */
export type SecretTarget =
  | { kind: 'repository'; repository: Repository }
  | { kind: 'environment'; repository: Repository; environment: string }
  | {
      kind: 'organization'
      organization: string
      /** Undefined: keep the existing secret's, or private for a new one. */
      visibility: Visibility | undefined
      /** Names of repositories of the organization, for visibility selected. */
      selectedRepositories: string[]
    }

/** Where a target's secrets live, in words: `acme/ops`, `acme/ops environment prod`, `organization acme`. */
export function scopeWords(target: SecretTarget): string {
  if (target.kind === 'organization') return `organization ${target.organization}`
  const repository = `${target.repository.owner}/${target.repository.repo}`
  return target.kind === 'environment' ? `${repository} environment ${target.environment}` : repository
}

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

import { parseRenewBefore, requirePositiveDuration, type RenewBefore } from './duration.js'
import { UserError } from './errors.js'
import { readIdentities, type AgeKeys } from './sources/age.js'
import type { CaSourceInput } from './sources/index.js'

export const TALOS_ROLES = [
  'os:admin',
  'os:operator',
  'os:reader',
  'os:etcd:backup',
  'os:image:verifier',
  'os:meta:writer',
  'os:impersonator'
] as const

/** check reads and reports only; renew also renews what is due. */
export type Mode = 'check' | 'renew'

/** The status at which a check fails the step. */
export type FailOn = 'expiring' | 'expired' | 'never'

/** Events whose runs only check under mode auto: pull requests (forks get no secrets). */
const CHECK_EVENTS = ['pull_request', 'pull_request_target', 'merge_group']

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

/** Every input of the action, read and validated once. Nothing else reads the environment. */
export interface Config {
  mode: Mode
  /** How the mode was chosen, for the log: "mode auto on pull_request". */
  modeReason: string
  failOn: FailOn
  /**
   * Where new certificates come from: a CA in a bundle or machine configuration, or the
   * cluster's own Talos API (the talosconfig alone). Needed to renew; a check never reads it.
   */
  caSource: { input: CaSourceInput; value: string } | { input: 'talos-api' } | undefined
  /** age identities (input age-key, else SOPS_AGE_KEY) and passphrase for encrypted sources. */
  ageKeys: AgeKeys
  talosconfig: string | undefined
  context: string | undefined
  endpoints: string[]
  nodes: string[]
  roles: string[]
  ttlMs: number
  renewBefore: RenewBefore
  force: boolean
  dryRun: boolean
  secretName: string
  secretTarget: SecretTarget
  /** The admin kubeconfig, checked when given and renewed when a secret name is set. */
  kube: KubeConfig
  githubToken: string
  githubApiUrl: string
  /** The runner's temporary folder, where the new talosconfig is left for later steps. */
  runnerTemp: string
  /** The job summary file (GITHUB_STEP_SUMMARY), when the runner provides one. */
  stepSummaryPath: string | undefined
}

export interface KubeConfig {
  kubeconfig: string | undefined
  /** Where the renewed kubeconfig is written; without it the kubeconfig is only checked. */
  secretName: string | undefined
  /** The API server URL; by default the kubeconfig's or the machine configuration's. */
  endpoint: string | undefined
  clusterName: string | undefined
  ttlMs: number
}

export type GetInput = (name: string) => string

/**
 * Builds the Config from the action's inputs (as `core.getInput` returns them: trimmed,
 * empty when unset) and the runner's environment. Defaults are the ones action.yml declares,
 * repeated here so that a run outside the runner behaves the same.
 */
export function readConfig(getInput: GetInput, env: NodeJS.ProcessEnv): Config {
  const input = (name: string, fallback = ''): string => getInput(name) || fallback
  const { mode, modeReason } = resolveMode(input('mode', 'auto'), env.GITHUB_EVENT_NAME ?? '')
  const talosconfig = input('talosconfig') || undefined
  const context = input('context') || undefined
  const endpoints = list(input('endpoints'))
  if (!talosconfig) requireTalosconfigOrFirst(mode, context, endpoints)
  const forRenewal = (name: string, what: string): string => (mode === 'renew' ? required(input(name), name, what) : input(name))
  return {
    mode,
    modeReason,
    failOn: oneOf(input('fail-on', 'expiring'), 'fail-on', ['expiring', 'expired', 'never'] as const),
    caSource: caSource(mode, input('secrets-bundle'), input('machine-config'), talosconfig, input('kubeconfig-secret-name')),
    ageKeys: ageKeys(input('age-key'), input('age-passphrase'), env.SOPS_AGE_KEY ?? ''),
    talosconfig,
    context,
    endpoints,
    nodes: list(input('nodes')),
    roles: roles(input('roles', 'os:admin')),
    ttlMs: requirePositiveDuration(input('ttl', '8760h'), 'ttl'),
    renewBefore: parseRenewBefore(input('renew-before', '30d'), 'renew-before'),
    force: boolean(input('force', 'false'), 'force'),
    dryRun: boolean(input('dry-run', 'false'), 'dry-run'),
    secretName: secretName(input('secret-name', 'TALOSCONFIG')),
    kube: kubeConfig(input),
    secretTarget: secretTarget(input, env),
    githubToken: forRenewal('github-token', 'a token that can write Actions secrets (fine-grained PAT or GitHub App token with Secrets: write)'),
    githubApiUrl: input('github-api-url', env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    runnerTemp: env.RUNNER_TEMP || (env.TMPDIR ?? '/tmp'),
    stepSummaryPath: env.GITHUB_STEP_SUMMARY || undefined
  }
}

function caSource(mode: Mode, bundle: string, machineConfig: string, talosconfig: string | undefined, kubeconfigSecret: string): Config['caSource'] {
  if (bundle && machineConfig) {
    throw new UserError("Inputs 'secrets-bundle' and 'machine-config' are both set; give one of them, the CA is read from just one source.", 'machine-config')
  }
  if (bundle) return { input: 'secrets-bundle', value: bundle }
  if (machineConfig) return { input: 'machine-config', value: machineConfig }
  if (mode === 'renew' && talosconfig) {
    if (kubeconfigSecret) {
      throw new UserError("Input 'kubeconfig-secret-name' needs the Kubernetes CA, which the Talos API does not hand out: give 'secrets-bundle' or 'machine-config' too, or renew the kubeconfig elsewhere.", 'kubeconfig-secret-name')
    }
    // Neither CA is given: renew through the cluster's own API, with the talosconfig itself.
    return { input: 'talos-api' }
  }
  if (mode === 'renew') {
    throw new UserError(
      "Input 'secrets-bundle' is required to renew: the Talos secrets bundle (secrets.yaml from talosctl gen secrets) as YAML, base64, SOPS or age; or give 'machine-config', a controlplane configuration.",
      'secrets-bundle'
    )
  }
  return undefined
}

/** age identities as an age key file holds them; SOPS_AGE_KEY is how sops users pass them. */
function ageKeys(keyInput: string, passphrase: string, sopsAgeKey: string): AgeKeys {
  const identitiesFrom = keyInput ? "input 'age-key'" : 'SOPS_AGE_KEY'
  const identities = readIdentities(keyInput || sopsAgeKey)
  if (identities.some((line) => !/^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/.test(line))) {
    throw new UserError(
      `${identitiesFrom === 'SOPS_AGE_KEY' ? 'The environment variable SOPS_AGE_KEY' : "Input 'age-key'"} holds a line that is not an age identity (AGE-SECRET-KEY-1...); it may hold identities, comment lines and blank lines only.`,
      'age-key'
    )
  }
  return { identities, passphrase: passphrase || undefined, identitiesFrom }
}

function required(value: string, name: string, what: string): string {
  if (!value) throw new UserError(`Input '${name}' is required: ${what}.`, name)
  return value
}

/** mode auto checks on pull-request events and renews on every other event. */
function resolveMode(value: string, event: string): { mode: Mode; modeReason: string } {
  const mode = oneOf(value, 'mode', ['auto', 'check', 'renew'] as const)
  if (mode !== 'auto') return { mode, modeReason: `mode ${mode}` }
  return { mode: CHECK_EVENTS.includes(event) ? 'check' : 'renew', modeReason: `mode auto on ${event || 'an unknown event'}` }
}

function oneOf<T extends string>(value: string, name: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new UserError(`Input '${name}' must be one of ${allowed.join(', ')}; got '${value}'.`, name)
}

function requireTalosconfigOrFirst(mode: Mode, context: string | undefined, endpoints: string[]): void {
  if (mode === 'check') {
    throw new UserError(
      "Input 'talosconfig' is empty, and a check reads nothing else. Pass the talosconfig secret; note that workflows run for pull requests from forks get no secrets.",
      'talosconfig'
    )
  }
  if (!context || endpoints.length === 0) {
    throw new UserError(
      "Input 'talosconfig' is empty, so a first talosconfig will be made: set 'context' (its name) and 'endpoints' (controlplane addresses) for it, or pass the current talosconfig.",
      context ? 'endpoints' : 'context'
    )
  }
}

/** Comma- or newline-separated values, trimmed, empties dropped. */
export function list(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

function roles(value: string): string[] {
  const given = [...new Set(list(value))]
  const unknown = given.filter((role) => !(TALOS_ROLES as readonly string[]).includes(role))
  if (given.length === 0 || unknown.length > 0) {
    throw new UserError(
      `Input 'roles' ${given.length === 0 ? 'is empty' : `has unknown roles: ${unknown.join(', ')}`}. Talos knows ${TALOS_ROLES.join(', ')}.`,
      'roles'
    )
  }
  return given
}

/** YAML 1.2 core booleans, as core.getBooleanInput takes them. */
function boolean(value: string, name: string): boolean {
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new UserError(`Input '${name}' must be true or false; got '${value}'.`, name)
}

/** GitHub's rules for secret names, checked before any call. */
function secretName(value: string, name = 'secret-name'): string {
  const problem = !/^[A-Za-z0-9_]+$/.test(value)
    ? 'may contain only letters, digits and underscores'
    : /^[0-9]/.test(value)
      ? 'may not start with a digit'
      : /^GITHUB_/i.test(value)
        ? "may not start with 'GITHUB_'"
        : undefined
  if (problem) throw new UserError(`Input '${name}' ('${value}') ${problem}, by GitHub's rules for secret names.`, name)
  return value
}

function kubeConfig(input: (name: string, fallback?: string) => string): KubeConfig {
  const secret = input('kubeconfig-secret-name')
  const endpoint = input('kubernetes-endpoint')
  if (endpoint && !/^https:\/\/[^/\s]+(\/\S*)?$/.test(endpoint)) {
    throw new UserError(`Input 'kubernetes-endpoint' must be the API server's https URL, such as https://10.5.0.2:6443; got '${endpoint}'.`, 'kubernetes-endpoint')
  }
  const clusterName = input('cluster-name')
  if (clusterName && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(clusterName)) {
    throw new UserError(`Input 'cluster-name' may contain letters, digits, '.', '_' and '-' only; got '${clusterName}'.`, 'cluster-name')
  }
  return {
    kubeconfig: input('kubeconfig') || undefined,
    secretName: secret ? secretName(secret, 'kubeconfig-secret-name') : undefined,
    endpoint: endpoint || undefined,
    clusterName: clusterName || undefined,
    ttlMs: requirePositiveDuration(input('kubeconfig-ttl', '8760h'), 'kubeconfig-ttl')
  }
}

function secretTarget(input: (name: string) => string, env: NodeJS.ProcessEnv): SecretTarget {
  const environment = input('environment')
  const organization = input('organization')
  const visibility = input('visibility')
  const selectedRepositories = list(input('selected-repositories'))
  if (environment && organization) {
    throw new UserError("Inputs 'environment' and 'organization' are both set; a secret lives in one place: give one of them, or neither for a repository secret.", 'organization')
  }
  if (!organization && (visibility || selectedRepositories.length > 0)) {
    throw new UserError(`Input '${visibility ? 'visibility' : 'selected-repositories'}' applies to organization secrets only; set 'organization' too, or leave it empty.`, visibility ? 'visibility' : 'selected-repositories')
  }
  if (organization) {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(organization)) throw new UserError(`Input 'organization' is not an organization name: '${organization}'.`, 'organization')
    const chosen = visibility ? oneOf(visibility, 'visibility', ['all', 'private', 'selected'] as const) : undefined
    if (selectedRepositories.length > 0 && chosen && chosen !== 'selected') {
      throw new UserError(`Input 'selected-repositories' needs visibility selected, not ${chosen}.`, 'selected-repositories')
    }
    const badName = selectedRepositories.find((name) => !/^[A-Za-z0-9._-]+$/.test(name))
    if (badName) throw new UserError(`Input 'selected-repositories' names '${badName}', which is not a repository name (no owner: the organization's own repositories).`, 'selected-repositories')
    return { kind: 'organization', organization, visibility: chosen, selectedRepositories }
  }
  const target = repository(input('repository') || (env.GITHUB_REPOSITORY ?? ''))
  return environment ? { kind: 'environment', repository: target, environment } : { kind: 'repository', repository: target }
}

function repository(value: string): Repository {
  const match = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(value)
  if (!match) {
    throw new UserError(`Input 'repository' must be 'owner/name'; got '${value}'.`, 'repository')
  }
  return { owner: match[1] as string, repo: match[2] as string }
}

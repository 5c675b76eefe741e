import { parseRenewBefore, requirePositiveDuration, type RenewBefore } from './duration.js'
import { UserError } from './errors.js'

export const TALOS_ROLES = [
  'os:admin',
  'os:operator',
  'os:reader',
  'os:etcd:backup',
  'os:image:verifier',
  'os:meta:writer',
  'os:impersonator'
] as const

export interface Repository {
  owner: string
  repo: string
}

/** Every input of the action, read and validated once. Nothing else reads the environment. */
export interface Config {
  secretsBundle: string
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
  repository: Repository
  githubToken: string
  githubApiUrl: string
  /** The runner's temporary folder, where the new talosconfig is left for later steps. */
  runnerTemp: string
  /** The job summary file (GITHUB_STEP_SUMMARY), when the runner provides one. */
  stepSummaryPath: string | undefined
}

export type GetInput = (name: string) => string

/**
 * Builds the Config from the action's inputs (as `core.getInput` returns them: trimmed,
 * empty when unset) and the runner's environment. Defaults are the ones action.yml declares,
 * repeated here so that a run outside the runner behaves the same.
 */
export function readConfig(getInput: GetInput, env: NodeJS.ProcessEnv): Config {
  const input = (name: string, fallback = ''): string => getInput(name) || fallback
  const talosconfig = input('talosconfig') || undefined
  const context = input('context') || undefined
  const endpoints = list(input('endpoints'))
  if (!talosconfig) requireForFirstTalosconfig(context, endpoints)
  return {
    secretsBundle: required(input('secrets-bundle'), 'secrets-bundle', 'the Talos secrets bundle (secrets.yaml from talosctl gen secrets), as YAML or base64'),
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
    repository: repository(input('repository', env.GITHUB_REPOSITORY ?? '')),
    githubToken: required(input('github-token'), 'github-token', 'a token that can write Actions secrets (fine-grained PAT or GitHub App token with Secrets: write)'),
    githubApiUrl: input('github-api-url', env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    runnerTemp: env.RUNNER_TEMP || (env.TMPDIR ?? '/tmp'),
    stepSummaryPath: env.GITHUB_STEP_SUMMARY || undefined
  }
}

function required(value: string, name: string, what: string): string {
  if (!value) throw new UserError(`Input '${name}' is required: ${what}.`, name)
  return value
}

function requireForFirstTalosconfig(context: string | undefined, endpoints: string[]): void {
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
function secretName(value: string): string {
  const problem = !/^[A-Za-z0-9_]+$/.test(value)
    ? 'may contain only letters, digits and underscores'
    : /^[0-9]/.test(value)
      ? 'may not start with a digit'
      : /^GITHUB_/i.test(value)
        ? "may not start with 'GITHUB_'"
        : undefined
  if (problem) throw new UserError(`Input 'secret-name' ('${value}') ${problem}, by GitHub's rules for secret names.`, 'secret-name')
  return value
}

function repository(value: string): Repository {
  const match = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(value)
  if (!match) {
    throw new UserError(`Input 'repository' must be 'owner/name'; got '${value}'.`, 'repository')
  }
  return { owner: match[1] as string, repo: match[2] as string }
}

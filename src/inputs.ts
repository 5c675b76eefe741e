import { said, type Text } from './text.js'
import { isIP } from 'node:net'
import { parseRenewBefore, requirePositiveDuration, type RenewBefore } from './duration.js'
import { UserError } from './errors.js'
import type { DrillSetting } from './break-glass.js'
import type { CredentialOptions } from './credentials/index.js'
import type { KubeconfigOptions } from './credentials/kubeconfig/pass.js'
import type { Repository, SecretTarget } from './github/target.js'
import type { RenewThrough } from './issuers/index.js'
import type { FailOn, Mode } from './plan.js'
import { invalidEndpoints } from './talos-api/endpoint.js'
import { TALOS_ROLES } from './pki/profile.js'
import type { VerifyConnection } from './prove/index.js'
import {
  DEFAULT_PEOPLE_TTL,
  parsePeople,
  stateVariable,
  type PeopleOptions,
  type Person
} from './credentials/people/list.js'
import { identityLines, identityProblem, type AgeKeys } from './sources/age.js'
import type { CaSourceInput } from './sources/index.js'
import type { UnattendedOptions } from './unattended/index.js'

/**
 * Events whose runs renew under mode auto: the ones a person or a schedule starts on purpose.
 * Every other event (pull requests, workflow_run, issue_comment, reviews...) only checks.
 */
const RENEW_EVENTS = ['schedule', 'workflow_dispatch', 'repository_dispatch', 'workflow_call', 'push']

/** Every input of the action, read and validated once. Nothing else reads the environment. */
export interface Config {
  mode: Mode
  /** How the mode was chosen, for the log: "mode auto on pull_request". */
  modeReason: string
  failOn: FailOn
  /** How a due credential is renewed: the cluster's API, the CA key, or the API first. */
  renewThrough: RenewThrough
  /** The CA key's source, when given: read only if the CA key is used. */
  caSource: { input: CaSourceInput; value: string } | undefined
  /** age identities (input age-key, else SOPS_AGE_KEY) and passphrase for encrypted sources. */
  ageKeys: AgeKeys
  /** The credential files, each kind's own inputs: the talosconfig's and the admin kubeconfig's. */
  credentials: CredentialOptions
  renewBefore: RenewBefore
  force: boolean
  /** Whether a CA other than the one the current credential trusts may sign, once. */
  allowCaChange: boolean
  /** Whether a new credential is proven against the live cluster before it is written. */
  verifyConnection: VerifyConnection
  dryRun: boolean
  secretTarget: SecretTarget
  githubToken: string
  githubApiUrl: string
  /** What a run that nobody watches does besides renewing: keep its schedule, open an issue. */
  unattended: UnattendedOptions
  /** An Actions variable that gets a copy of the credentials without any private key. */
  publicVariable: string | undefined
  /** Personal talosconfigs for the people listed (src/credentials/people/); undefined when the list is empty. */
  people: PeopleOptions | undefined
  /** Why this run has nothing to do (a fork's pull request, which gets no secrets), when it has not. */
  skip?: Text
  /** Why this run does not drill the break-glass CA source; undefined when it does. */
  drillSkipped: Text | undefined
  /** The runner's temporary folder, where the new talosconfig is left for later steps. */
  runnerTemp: string
  /** This action's README at the version that runs, for the links in what it tells people. */
  readmeUrl: string | undefined
}

export type GetInput = (name: string) => string

/**
 * Builds the Config from the action's inputs (as `core.getInput` returns them: trimmed,
 * empty when unset) and the runner's environment. Defaults are the ones action.yml declares,
 * repeated here so that a run outside the runner behaves the same.
 */
export function readConfig(
  getInput: GetInput,
  env: NodeJS.ProcessEnv,
  eventPayload: () => unknown = () => undefined
): Config {
  const input = (name: string, fallback = ''): string => getInput(name) || fallback
  const asked = resolveMode(input('mode', 'auto'), env.GITHUB_EVENT_NAME ?? '')
  const talosconfig = input('talosconfig') || undefined
  const context = input('context') || undefined
  const endpoints = addresses(input('endpoints'), 'endpoints')
  const target = secretTarget(input, env)
  const talosSecret = secretName(input('secret-name', 'TALOSCONFIG'))
  const publicVariable = input('public-variable')
    ? secretName(input('public-variable'), 'public-variable', 'variable')
    : undefined
  const force = boolean(input('force', 'false'), 'force')
  const dryRun = boolean(input('dry-run', 'false'), 'dry-run')
  const verifyConnection = oneOf(input('verify-connection', 'auto'), 'verify-connection', [
    'auto',
    'always',
    'never'
  ] as const)
  // The list is checked whole before anything else is done: a bad line writes nothing.
  const people = peopleOptions(input, env, {
    mode: asked.mode,
    modeReason: asked.modeReason,
    talosconfig,
    target,
    secretName: talosSecret,
    publicVariable,
    force,
    dryRun,
    verifyConnection
  })
  // people-only: the pipeline's credentials are read (to call the API, to copy endpoints and
  // trust), never renewed, drilled or written: to them, the run is a check that cannot fail.
  const { mode, modeReason } = people?.only ? peopleOnlyMode(asked.modeReason) : asked
  /** What an input gives, or in a people-only run what it must be there (every input is checked all the same). */
  const peopleOnly = <T>(given: T, there: T): T => (people?.only ? there : given)
  const skip = !talosconfig && mode === 'check' ? forkSkip(env.GITHUB_EVENT_NAME ?? '', eventPayload) : undefined
  if (!talosconfig && !skip) requireTalosconfigOrFirst(mode, context, endpoints)
  const forRenewal = (name: string, what: string): string =>
    mode === 'renew' ? required(input(name), name, what) : input(name)
  return {
    mode,
    modeReason,
    failOn: peopleOnly(
      oneOf(input('fail-on', 'expiring'), 'fail-on', ['expiring', 'expired', 'never'] as const),
      'never'
    ),
    ...renewalSource(
      mode,
      input('renew-through', 'auto'),
      input('secrets-bundle'),
      input('machine-config'),
      talosconfig
    ),
    ageKeys: ageKeys(input('age-key'), input('age-passphrase'), env.SOPS_AGE_KEY ?? ''),
    credentials: {
      talos: {
        talosconfig,
        context,
        endpoints,
        nodes: addresses(input('nodes'), 'nodes'),
        roles: roles(input('roles')),
        ttlMs: requirePositiveDuration(input('ttl', '8760h'), 'ttl'),
        secretName: talosSecret
      },
      kube: kubeConfig(input)
    },
    renewBefore: parseRenewBefore(input('renew-before', '30d'), 'renew-before'),
    force,
    allowCaChange: boolean(input('allow-ca-change', 'false'), 'allow-ca-change'),
    verifyConnection,
    dryRun,
    secretTarget: target,
    githubToken: forRenewal(
      'github-token',
      'a token that can write Actions secrets (fine-grained PAT or GitHub App token with Secrets: write)'
    ),
    githubApiUrl: apiUrl(input('github-api-url', env.GITHUB_API_URL || 'https://api.github.com')),
    unattended: unattended(input, env, eventPayload),
    publicVariable,
    people,
    skip,
    drillSkipped: peopleOnly(
      drillSkipped(
        oneOf(input('break-glass-drill', 'auto'), 'break-glass-drill', ['auto', 'always', 'never'] as const),
        mode,
        env.GITHUB_EVENT_NAME ?? '',
        Boolean(input('secrets-bundle') || input('machine-config'))
      ),
      said`'people-only' runs renew, drill and write none of the pipeline's credentials`
    ),
    runnerTemp: env.RUNNER_TEMP || (env.TMPDIR ?? '/tmp'),
    readmeUrl: readmeUrl(env)
  }
}

/** What the people step is told of the run's other inputs. */
interface PeopleContext {
  mode: Mode
  modeReason: string
  talosconfig: string | undefined
  target: SecretTarget
  secretName: string
  publicVariable: string | undefined
  force: boolean
  dryRun: boolean
  verifyConnection: VerifyConnection
}

/**
 * The runs meant to act, scheduled or started by hand: the ones that issue personal
 * credentials, drill under break-glass-drill auto, and keep the issue.
 */
const ACTING_EVENTS = ['schedule', 'workflow_dispatch']

/**
 * The people input and its companions, every line checked; undefined when it lists nobody:
 * an empty or missing list does nothing at all, and never deletes anyone's variable.
 */
function peopleOptions(
  input: (name: string, fallback?: string) => string,
  env: NodeJS.ProcessEnv,
  run: PeopleContext
): PeopleOptions | undefined {
  const only = boolean(input('people-only', 'false'), 'people-only')
  const ttlMs = requirePositiveDuration(input('people-ttl', DEFAULT_PEOPLE_TTL), 'people-ttl')
  const people = parsePeople(input('people'), run.secretName)
  const event = env.GITHUB_EVENT_NAME ?? ''
  if (people.length === 0) {
    if (!only) return undefined
    throw new UserError(
      said`Input 'people-only' is true, but 'people' lists nobody: pass the list (one person a line).`,
      'people'
    )
  }
  if (run.target.kind === 'organization')
    throw new UserError(
      said`Input 'people' keeps each person's talosconfig in a variable of the repository or of an environment, `.concat(
        said`not of an organization: leave 'organization' empty, or set 'environment' (organization variables `,
        said`count against a size limit this action cannot see from a repository).`
      ),
      'people'
    )
  if (only && event !== 'workflow_dispatch')
    throw new UserError(
      said`Input 'people-only' is for workflow_dispatch runs (a person asking for their own talosconfig), `.concat(
        said`not ${event || 'an unknown event'}.`
      ),
      'people-only'
    )
  if (only && run.force)
    throw new UserError(
      said`Inputs 'people-only' and 'force' are both true: people-only never renews the pipeline's credentials. `.concat(
        said`Leave 'force' unset.`
      ),
      'force'
    )
  if (only && !run.talosconfig)
    throw new UserError(
      said`Input 'people-only' needs 'talosconfig': the pipeline's talosconfig calls the Talos API and gives `.concat(
        said`each personal talosconfig its endpoints, nodes and CA.`
      ),
      'talosconfig'
    )
  refuseTakenNames(people, run)
  const checkOnly =
    run.mode === 'check'
      ? said`this run only checks (${run.modeReason}): the list was checked, nothing was issued`
      : !ACTING_EVENTS.includes(event)
        ? said`personal talosconfigs are issued on scheduled and workflow_dispatch runs only, not on ${event || 'an unknown event'}`
        : undefined
  if (!checkOnly)
    required(
      input('github-token'),
      'github-token',
      "a token that can write Actions variables (a GitHub App or fine-grained token with 'Variables: Read and write')"
    )
  return {
    people,
    ttlMs,
    only,
    checkOnly,
    requestedBy: event === 'workflow_dispatch' ? env.GITHUB_ACTOR || undefined : undefined,
    secretName: run.secretName,
    stateVariable: stateVariable(run.secretName),
    scope: run.target.kind === 'environment' ? 'environment' : 'repository',
    dryRun: run.dryRun,
    verifyConnection: run.verifyConnection
  }
}

/** The pipeline's mode in a people-only run: read, never renewed, and never a reason to fail. */
function peopleOnlyMode(reason: string): { mode: Mode; modeReason: string } {
  return { mode: 'check', modeReason: `people-only, ${reason}: the pipeline's credentials are only read` }
}

/** A person's variable may not be one the action keeps for something else: the public copies. */
function refuseTakenNames(people: Person[], run: PeopleContext): void {
  if (!run.publicVariable) return
  const taken = [run.publicVariable, `${run.publicVariable}_KUBECONFIG`].map((name) => name.toUpperCase())
  if (taken.includes(stateVariable(run.secretName)))
    throw new UserError(
      said`Input 'public-variable' names ${run.publicVariable}, the variable 'people' keeps its record in; give it another name.`,
      'public-variable'
    )
  const person = people.find(({ variable }) => taken.includes(variable))
  if (person)
    throw new UserError(
      said`Input 'people', line ${person.line}: the talosconfig of ${person.login} would go to variable `.concat(
        said`${person.variable}, which 'public-variable' uses; give 'public-variable' or 'secret-name' another name.`
      ),
      'people'
    )
}

/**
 * How to renew, and from which CA source. The API needs a talosconfig to call it with; the CA
 * key needs secrets-bundle or machine-config. Which applies to a due credential is decided
 * when it is issued (src/issuers): here only combinations that can never work are refused.
 */
function renewalSource(
  mode: Mode,
  how: string,
  bundle: string,
  machineConfig: string,
  talosconfig: string | undefined
): Pick<Config, 'renewThrough' | 'caSource'> {
  const renewThrough = oneOf(how, 'renew-through', ['auto', 'talos-api', 'ca-key'] as const)
  if (bundle && machineConfig) {
    throw new UserError(
      said`Inputs 'secrets-bundle' and 'machine-config' are both set; give one of them, the CA is read from just one source.`,
      'machine-config'
    )
  }
  const given: CaSourceInput | undefined = bundle ? 'secrets-bundle' : machineConfig ? 'machine-config' : undefined
  const caSource = given && { input: given, value: bundle || machineConfig }
  if (renewThrough === 'talos-api' && given) {
    throw new UserError(
      said`Input '${given}' is set, but 'renew-through' is talos-api, which never uses a CA key: leave '${given}' empty, `.concat(
        said`or set 'renew-through' to auto to keep it for when the API cannot be used.`
      ),
      given
    )
  }
  if (mode === 'renew' && renewThrough === 'ca-key' && !given) {
    throw new UserError(
      said`Input 'renew-through' is ca-key, which signs with the CA key: `.concat(
        said`give 'secrets-bundle' (the secrets.yaml from talosctl gen secrets) or 'machine-config' (controlplane.yaml).`
      ),
      'secrets-bundle'
    )
  }
  if (mode === 'renew' && !given && !talosconfig) {
    throw new UserError(
      said`Input 'secrets-bundle' is required to make a first talosconfig: `.concat(
        said`the Talos secrets bundle (secrets.yaml from talosctl gen secrets) as YAML, base64, SOPS or age; `,
        said`or give 'machine-config', a controlplane configuration. `,
        said`Without a talosconfig there is no certificate to call the Talos API with.`
      ),
      'secrets-bundle'
    )
  }
  return { renewThrough, caSource }
}

/** age identities as an age key file holds them; SOPS_AGE_KEY is how sops users pass them. */
function ageKeys(keyInput: string, passphrase: string, sopsAgeKey: string): AgeKeys {
  const identitiesFrom = keyInput ? "input 'age-key'" : 'SOPS_AGE_KEY'
  const lines = identityLines(keyInput || sopsAgeKey)
  const where = identitiesFrom === 'SOPS_AGE_KEY' ? 'The environment variable SOPS_AGE_KEY' : "Input 'age-key'"
  lines.forEach(({ text, line }, index) => {
    const problem = identityProblem(text)
    if (problem) {
      throw new UserError(
        said`${where}: identity ${index + 1} (line ${line}) is not a valid age identity: ${problem}. `.concat(
          said`It may hold identities (AGE-SECRET-KEY-1...), comment lines and blank lines only; copy the key again from its file.`
        ),
        'age-key'
      )
    }
  })
  return { identities: lines.map(({ text }) => text), passphrase: passphrase || undefined, identitiesFrom }
}

/**
 * The GitHub API's URL: absolute https, because the token travels with every request. Plain
 * http is accepted only for a loopback address (a local stand-in). Checked before any request;
 * the value is never quoted back (it could carry credentials).
 */
function apiUrl(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UserError(
      said`Input 'github-api-url' is not an absolute URL; give the API's https URL, such as https://api.github.com or https://HOST/api/v3.`,
      'github-api-url'
    )
  }
  const host = url.hostname.replace(/^\[|\]$/g, '')
  // Only a loopback address itself: a name such as 127.0.0.1.example resolves anywhere.
  const loopback = host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'))
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new UserError(
      said`Input 'github-api-url' must be an https URL (it got ${url.protocol.replace(/:$/, '')} for a host that is not loopback): `.concat(
        said`the token would travel in clear text. Give https://HOST/api/v3.`
      ),
      'github-api-url'
    )
  }
  if (url.username || url.password)
    throw new UserError(
      said`Input 'github-api-url' carries a user name or password; give the bare API URL and the token in 'github-token'.`,
      'github-api-url'
    )
  return value.replace(/\/+$/, '')
}

/** An input a renewal needs: empty says that nothing was given (a missing secret gives ''), and what to give. */
function required(value: string, name: string, what: string): string {
  if (!value)
    throw new UserError(said`Input '${name}' is required, and no value was given (it is empty): ${what}.`, name)
  return value
}

/** mode auto renews on the events in RENEW_EVENTS and checks on every other. */
function resolveMode(value: string, event: string): { mode: Mode; modeReason: string } {
  const mode = oneOf(value, 'mode', ['auto', 'check', 'renew'] as const)
  if (mode !== 'auto') return { mode, modeReason: `mode ${mode}` }
  return {
    mode: RENEW_EVENTS.includes(event) ? 'renew' : 'check',
    modeReason: `mode auto on ${event || 'an unknown event'}`
  }
}

function oneOf<T extends string>(value: string, name: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new UserError(said`Input '${name}' must be one of ${allowed.join(', ')}; got '${value}'.`, name)
}

/** Why a run does not drill the break-glass CA source, or undefined when it does. */
function drillSkipped(setting: DrillSetting, mode: Mode, event: string, hasCaSource: boolean): Text | undefined {
  if (setting === 'never') return said`turned off ('break-glass-drill: never')`
  if (event.startsWith('pull_request')) return said`pull requests never drill`
  if (mode === 'check') return said`this run only checks`
  if (!hasCaSource) return said`no CA source to drill ('secrets-bundle' or 'machine-config')`
  if (setting === 'auto' && !ACTING_EVENTS.includes(event)) {
    return said`'break-glass-drill: auto' drills scheduled and workflow_dispatch runs, not ${event || 'this event'}`
  }
  return undefined
}

/**
 * GitHub gives workflows run for a fork's pull request neither secrets nor configuration
 * variables: an empty talosconfig there is expected, and the check is skipped. The payload's
 * head repository differs from the base one (or is gone) for a fork; pull_request_target runs
 * in the base repository with its secrets, so it is no such case.
 */
function forkSkip(event: string, eventPayload: () => unknown): Text | undefined {
  if (!event.startsWith('pull_request') || event === 'pull_request_target') return undefined
  const pull = (eventPayload() as { pull_request?: PullRequestRepos } | undefined)?.pull_request
  const base = pull?.base?.repo?.full_name
  if (!base || pull?.head?.repo?.full_name === base) return undefined
  return said`Skipped: this pull request comes from a fork, and GitHub passes a fork's pull requests no secrets and no `.concat(
    said`configuration variables, so 'talosconfig' is empty. The scheduled renewal still checks and renews the `,
    said`certificates; a pull request from a branch of this repository checks them too.`
  )
}

interface PullRequestRepos {
  head?: { repo?: { full_name?: string } | null }
  base?: { repo?: { full_name?: string } }
}

function requireTalosconfigOrFirst(mode: Mode, context: string | undefined, endpoints: string[]): void {
  if (mode === 'check') {
    throw new UserError(
      said`Input 'talosconfig' is empty, and a check reads nothing else. Pass the talosconfig secret; `.concat(
        said`note that workflows run for pull requests from forks get no secrets.`
      ),
      'talosconfig'
    )
  }
  if (!context || endpoints.length === 0) {
    throw new UserError(
      said`Input 'talosconfig' is empty, so a first talosconfig will be made: `.concat(
        said`set 'context' (its name) and 'endpoints' (controlplane addresses) for it, or pass the current talosconfig.`
      ),
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

/** Endpoints or nodes: each host[:port], as talosctl takes them; anything else is refused. */
function addresses(value: string, name: string): string[] {
  const given = list(value)
  const invalid = invalidEndpoints(given)
  if (invalid.length > 0) {
    throw new UserError(
      said`Input '${name}' has ${invalid.map((entry) => `'${entry}'`).join(', ')}, which is not host[:port]: `.concat(
        said`give addresses such as 10.5.0.2, cp1.example.com:50000 or [fd00::1]:50000, separated by commas or newlines.`
      ),
      name
    )
  }
  return given
}

/** The roles asked for; undefined when the input is unset, to keep the current certificate's. */
function roles(value: string): string[] | undefined {
  if (value === '') return undefined
  const given = [...new Set(list(value))]
  const unknown = given.filter((role) => !(TALOS_ROLES as readonly string[]).includes(role))
  if (given.length === 0 || unknown.length > 0) {
    throw new UserError(
      said`Input 'roles' ${given.length === 0 ? 'is empty' : `has unknown roles: ${unknown.join(', ')}`}. `.concat(
        said`Talos knows ${TALOS_ROLES.join(', ')}.`
      ),
      'roles'
    )
  }
  return given
}

/** YAML 1.2 core booleans, as core.getBooleanInput takes them. */
function boolean(value: string, name: string): boolean {
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new UserError(said`Input '${name}' must be true or false; got '${value}'.`, name)
}

/** GitHub's rules for secret names, checked before any call. */
function secretName(value: string, name = 'secret-name', kind = 'secret'): string {
  const problem = !/^[A-Za-z0-9_]+$/.test(value)
    ? 'may contain only letters, digits and underscores'
    : /^[0-9]/.test(value)
      ? 'may not start with a digit'
      : /^GITHUB_/i.test(value)
        ? "may not start with 'GITHUB_'"
        : undefined
  if (problem)
    throw new UserError(said`Input '${name}' ('${value}') ${problem}, by GitHub's rules for ${kind} names.`, name)
  return value
}

/** auto, or a YAML boolean. */
const SWITCH = ['auto', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE'] as const
const FALSE: readonly string[] = ['false', 'False', 'FALSE']

/** Whether the event's repository is public, from its payload; not when the payload does not say. */
function isPublic(payload: unknown): boolean {
  const repository = (payload as { repository?: { private?: unknown; visibility?: unknown } } | undefined)?.repository
  return repository?.private === false || repository?.visibility === 'public'
}

function unattended(
  input: (name: string, fallback?: string) => string,
  env: NodeJS.ProcessEnv,
  eventPayload: () => unknown
): UnattendedOptions {
  const issueLabel = input('issue-label', 'talos-certificates')
  if (issueLabel.length > 50 || /[,\n]/.test(issueLabel)) {
    throw new UserError(
      said`Input 'issue-label' must be one label of at most 50 characters, without commas.`,
      'issue-label'
    )
  }
  const repository = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(env.GITHUB_REPOSITORY ?? '')
  // owner/repo/.github/workflows/renew.yml@refs/heads/main names the workflow file renew.yml.
  const workflowFile = /\/\.github\/workflows\/([^/@]+)@/.exec(env.GITHUB_WORKFLOW_REF ?? '')?.[1]
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = env
  const event = env.GITHUB_EVENT_NAME ?? ''
  const keepAlive = oneOf(input('keep-schedule-alive', 'auto'), 'keep-schedule-alive', SWITCH)
  const openIssue = oneOf(input('open-issue', 'auto'), 'open-issue', SWITCH)
  const token = input('workflow-token')
  return {
    // Decided here, by event, so that a run with neither loads nothing for them. GitHub
    // disables the schedules of public repositories only: auto asks a private one for no
    // actions: write.
    // auto also stands down, quietly, when workflow-token was set empty on purpose.
    keepScheduleAlive:
      event === 'schedule' &&
      (keepAlive === 'auto' ? Boolean(token) && isPublic(eventPayload()) : !FALSE.includes(keepAlive)),
    openIssue: ACTING_EVENTS.includes(event) && (openIssue === 'auto' ? Boolean(token) : !FALSE.includes(openIssue)),
    issueLabel,
    workflowToken: token,
    repository: repository ? { owner: repository[1] as string, repo: repository[2] as string } : undefined,
    workflowFile,
    runUrl: server && repo && run ? `${server.replace(/\/+$/, '')}/${repo}/actions/runs/${run}` : undefined
  }
}

function kubeConfig(input: (name: string, fallback?: string) => string): KubeconfigOptions {
  const secret = input('kubeconfig-secret-name')
  const endpoint = input('kubernetes-endpoint')
  if (endpoint && !/^https:\/\/[^/\s]+(\/\S*)?$/.test(endpoint)) {
    throw new UserError(
      said`Input 'kubernetes-endpoint' must be the API server's https URL, such as https://10.5.0.2:6443; got '${endpoint}'.`,
      'kubernetes-endpoint'
    )
  }
  const clusterName = input('cluster-name')
  if (clusterName && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(clusterName)) {
    throw new UserError(
      said`Input 'cluster-name' may contain letters, digits, '.', '_' and '-' only; got '${clusterName}'.`,
      'cluster-name'
    )
  }
  return {
    kubeconfig: input('kubeconfig') || undefined,
    secretName: secret ? secretName(secret, 'kubeconfig-secret-name') : undefined,
    endpoint: endpoint || undefined,
    clusterName: clusterName || undefined,
    ttlMs: requirePositiveDuration(input('kubeconfig-ttl', '8760h'), 'kubeconfig-ttl'),
    ttlGiven: input('kubeconfig-ttl') !== ''
  }
}

function secretTarget(input: (name: string) => string, env: NodeJS.ProcessEnv): SecretTarget {
  const environment = input('environment')
  const organization = input('organization')
  const visibility = input('visibility')
  const selectedRepositories = list(input('selected-repositories'))
  if (environment && organization) {
    throw new UserError(
      said`Inputs 'environment' and 'organization' are both set; `.concat(
        said`a secret lives in one place: give one of them, or neither for a repository secret.`
      ),
      'organization'
    )
  }
  if (!organization && (visibility || selectedRepositories.length > 0)) {
    throw new UserError(
      said`Input '${visibility ? 'visibility' : 'selected-repositories'}' applies to organization secrets only; `.concat(
        said`set 'organization' too, or leave it empty.`
      ),
      visibility ? 'visibility' : 'selected-repositories'
    )
  }
  if (organization) {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(organization))
      throw new UserError(said`Input 'organization' is not an organization name: '${organization}'.`, 'organization')
    const chosen = visibility ? oneOf(visibility, 'visibility', ['all', 'private', 'selected'] as const) : undefined
    if (selectedRepositories.length > 0 && chosen && chosen !== 'selected') {
      throw new UserError(
        said`Input 'selected-repositories' needs visibility selected, not ${chosen}.`,
        'selected-repositories'
      )
    }
    const badName = selectedRepositories.find((name) => !/^[A-Za-z0-9._-]+$/.test(name))
    if (badName)
      throw new UserError(
        said`Input 'selected-repositories' names '${badName}', which is not `.concat(
          said`a repository name (no owner: the organization's own repositories).`
        ),
        'selected-repositories'
      )
    return { kind: 'organization', organization, visibility: chosen, selectedRepositories }
  }
  const target = repository(input('repository') || (env.GITHUB_REPOSITORY ?? ''))
  return environment
    ? { kind: 'environment', repository: target, environment }
    : { kind: 'repository', repository: target }
}

function repository(value: string): Repository {
  const match = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(value)
  if (!match) {
    throw new UserError(said`Input 'repository' must be 'owner/name'; got '${value}'.`, 'repository')
  }
  return { owner: match[1] as string, repo: match[2] as string }
}

/**
 * The README of the action as it runs (GITHUB_ACTION_REPOSITORY and GITHUB_ACTION_REF, which
 * the runner sets for an action's step), for the story's links; undefined outside a runner.
 */
function readmeUrl(env: NodeJS.ProcessEnv): string | undefined {
  const server = env.GITHUB_SERVER_URL?.replace(/\/+$/, '')
  const repository = env.GITHUB_ACTION_REPOSITORY
  const ref = env.GITHUB_ACTION_REF
  if (!server || !repository || !/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(repository)) return undefined
  if (!/^https:\/\/[^/\s]+$/.test(server)) return undefined
  const at = ref && /^[A-Za-z0-9._/-]+$/.test(ref) ? ref : 'HEAD'
  return `${server}/${repository}/blob/${at}/README.md`
}

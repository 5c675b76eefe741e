import { CREDENTIAL_OUTPUTS, openCredentials } from './credentials/index.js'
import { rejudgeCa } from './credentials/judge.js'
import type { CredentialPass } from './credentials/pass.js'
import { describe, UserError } from './errors.js'
import type { SealedSecret, SecretStore } from './github/secrets.js'
import type { VariableStore } from './github/variables.js'
import type { Config } from './inputs.js'
import type { ApiContext } from './issuers/talos-api.js'
import {
  annotationsOf,
  headlines,
  outputsOf,
  reachesFailOn,
  summaryOf,
  type CredentialResult,
  type RunResult
} from './report.js'
import { prepare, type Due, type Prepared, type RunCredential } from './renewal.js'

/** Everything main needs from the outside world; tests pass their own. */
export interface Deps {
  now(): Date
  /** Registers a value the runner must mask in every later log line. */
  mask(value: string): void
  info(message: string): void
  notice(message: string): void
  warning(message: string): void
  /** An error annotation that does not by itself end the run. */
  error(message: string): void
  setOutput(name: string, value: string): void
  writeSummary(markdown: string): Promise<void>
  /** Writes a file only the runner's user can read (mode 0600) and returns its path. */
  saveFile(name: string, text: string): Promise<string>
  /** Opens the secret store for the configured scope; loads the GitHub client lazily. */
  openSecretStore(config: Config): Promise<SecretStore>
  /** Opens the variable store of the same scope, for public-variable. */
  openVariableStore(config: Config): Promise<VariableStore>
  /** Keeps the schedule alive and the issue up to date (src/unattended/); never throws. */
  attend(config: Config, outcome: { result: RunResult }): Promise<number | undefined>
}

/** What every step of one run shares: the inputs, the collaborators, the clock and the result so far. */
interface Run {
  config: Config
  deps: Deps
  now: Date
  result: RunResult
}

/**
 * One pass over every credential: read and report each context; in renew mode issue, verify
 * and render each credential that is due, prove them, then write them; then annotate and
 * report. The issuer reads its CA source or calls the cluster only when something is due: a
 * check stays as cheap as reading the configs. Nothing is written before everything due is
 * issued and verified.
 */
export async function main(config: Config, deps: Deps): Promise<RunResult> {
  const now = deps.now()
  if (config.skip) return skipped(config.skip, { config, deps, now, result: skippedResult(config) })
  for (const secret of [...config.ageKeys.identities, config.ageKeys.passphrase ?? '']) if (secret) deps.mask(secret)
  const rule = { renewBefore: config.renewBefore, force: config.force }
  const opened = openCredentials(config.credentials, {
    mode: config.mode,
    rule,
    now,
    mask: (value) => deps.mask(value)
  })
  const credentials = opened.map((pass) => ({ pass, entry: resultEntry(pass) }))
  const result: RunResult = {
    mode: config.mode,
    modeReason: config.modeReason,
    credentials: credentials.map(({ entry }) => entry),
    failed: config.mode === 'check' && opened.some((pass) => failsCheck(pass, config))
  }
  const run = { config, deps, now, result }
  const due = config.mode === 'renew' ? credentials.filter(({ pass }) => pass.decision.renew && pass.secretName) : []
  const apiContext = opened.map((pass) => pass.apiContext).find((context) => context !== undefined)
  const renewed = due.length > 0 ? await renew(due, apiContext, run) : new Map()
  if (config.mode === 'renew' && config.publicVariable && !config.dryRun) {
    await storePublicCopies(credentials, renewed, run)
  }
  result.issueNumber = await deps.attend(config, { result })
  await publish(run)
  return result
}

const skippedResult = (config: Config): RunResult => ({
  mode: config.mode,
  modeReason: config.modeReason,
  credentials: [],
  failed: false,
  skipped: config.skip
})

/** A run with nothing to do says why, and sets status skipped and every other output empty. */
async function skipped(reason: string, run: Run): Promise<RunResult> {
  run.deps.notice(reason)
  await publish(run)
  return run.result
}

const resultEntry = ({ kind, context, contexts, decision, secretName }: CredentialPass): CredentialResult => ({
  kind,
  context,
  contexts,
  decision,
  secretName
})

const failsCheck = (pass: CredentialPass, config: Config): boolean =>
  pass.contexts.some((report) => reachesFailOn(report.decision.status, config.failOn))

/** Texts this run renewed, by credential: what the public copies are made from. */
type Renewed = Map<CredentialPass, string>

/** Issue, verify, render and prove every due credential, then write them all. */
async function renew(credentials: RunCredential[], apiContext: ApiContext | undefined, run: Run): Promise<Renewed> {
  const { config, deps, now } = run
  // Every refusal a kind knows of (an Omni context) comes before anything is asked of an issuer.
  const due: Due[] = credentials.map((credential) => ({ ...credential, request: credential.pass.request() }))
  // Loaded here: issuing is renewal work; a check or a run with nothing due never needs it.
  const { chooseIssuer } = await import('./issuers/index.js')
  const issuer = chooseIssuer({
    renewThrough: config.renewThrough,
    caSource: config.caSource,
    ageKeys: config.ageKeys,
    apiContext,
    now,
    mask: (value) => deps.mask(value),
    info: (message) => deps.info(message)
  })
  const prepared: Prepared[] = []
  const { renewBefore, allowCaChange } = config
  for (const item of due) prepared.push(await prepare(item, issuer, { deps, now, renewBefore, allowCaChange }))
  for (const item of prepared) await proveOne(item, run)
  for (const { pass, entry, context } of prepared) {
    const report = entry.contexts[0]
    if (report) rejudgeCa(report, context, pass.reportRule, now)
  }
  await writeSecrets(prepared, run)
  return new Map(prepared.map(({ pass, text }) => [pass, text]))
}

/** The new credential against the live cluster, as verify-connection says; a refusal throws. */
async function proveOne(item: Prepared, { config, deps }: Run): Promise<void> {
  // A credential that trusts a new CA is written only once the cluster has accepted it.
  const requiredBecause = item.issued.caChanged ? 'its CA changed (allow-ca-change)' : undefined
  if ((config.verifyConnection === 'never' && !requiredBecause) || !item.entry.renewal) return
  const { prove } = await import('./prove/index.js')
  const demand = { mode: config.verifyConnection, requiredBecause }
  const proof = await prove(item.proofTarget, item.issued.credential, demand)
  if (!proof) return
  item.entry.renewal.connectionVerified = proof.verified
  if (proof.verified) deps.info(proof.message)
  else deps.notice(proof.message)
}

/**
 * Seals every value first (sizes, the scope, its public key): a failure there changes nothing.
 * Then writes them in turn. If a later write fails after an earlier one succeeded, the
 * outputs and the summary still say exactly which secret changed, and so does the error.
 */
async function writeSecrets(prepared: Prepared[], run: Run): Promise<void> {
  const { config, deps } = run
  const store = await deps.openSecretStore(config)
  const sealed: SealedSecret[] = []
  for (const { entry, text } of prepared) {
    const secret = await store.seal(entry.secretName as string, text)
    if (entry.renewal) entry.renewal.scope = secret.scope
    sealed.push(secret)
  }
  if (config.dryRun) return
  for (const [index, secret] of sealed.entries()) {
    const renewal = (prepared[index] as Prepared).entry.renewal
    try {
      await store.write(secret)
      if (renewal) renewal.secretUpdated = true
    } catch (error) {
      if (renewal) renewal.writeFailed = describe(error)
      await publish(run)
      throw partialFailure(prepared, error)
    }
  }
}

/** The one error line of a failed write: which secrets changed before it, and which did not. */
function partialFailure(prepared: Prepared[], error: unknown): unknown {
  const names = (updated: boolean) =>
    prepared
      .filter(({ entry }) => (entry.renewal?.secretUpdated ?? false) === updated)
      .map(({ entry }) => entry.secretName)
  const written = names(true)
  if (written.length === 0) return error
  const was = (list: Array<string | undefined>) => `${list.join(' and ')} ${list.length === 1 ? 'was' : 'were'}`
  const input = error instanceof UserError ? error.input : 'github-token'
  return new UserError(`${was(written)} written; ${was(names(false))} not: ${describe(error)}`, input, { cause: error })
}

/**
 * The copies without private keys, as Actions variables: each credential under public-variable
 * and its kind's suffix, as the file is after this run. A refusal is a warning: the secrets are
 * what matters.
 */
async function storePublicCopies(credentials: RunCredential[], renewed: Renewed, { config, deps }: Run) {
  const copies = credentials.flatMap(({ pass }) => {
    const value = pass.publicCopy(renewed.get(pass))
    return value ? [{ name: `${config.publicVariable}${pass.publicSuffix}`, value }] : []
  })
  if (copies.length === 0) return
  try {
    const store = await deps.openVariableStore(config)
    for (const { name, value } of copies)
      deps.info(`Public copy ${name} (no private key): ${await store.put(name, value)}.`)
  } catch (error) {
    const why = describe(error)
    deps.warning(
      `The public copy in variable ${config.publicVariable} was not stored: ${why} The secrets are not affected.`
    )
  }
}

async function publish({ result, config, deps }: Run): Promise<void> {
  for (const [name, value] of Object.entries(outputsOf(result, CREDENTIAL_OUTPUTS))) deps.setOutput(name, value)
  for (const line of headlines(result)) deps.info(line)
  for (const { level, message } of annotationsOf(result, config.failOn)) deps[level](message)
  await deps.writeSummary(summaryOf(result))
}

import { openCredentials } from './credentials/index.js'
import { rejudgeCa } from './credentials/judge.js'
import type { CredentialPass } from './credentials/pass.js'
import { describe, failureLine } from './errors.js'
import type { SecretStore } from './github/secrets.js'
import type { VariableStore } from './github/variables.js'
import type { Config } from './inputs.js'
import type { BreakGlass } from './break-glass.js'
import type { Issuers } from './issuers/index.js'
import type { ApiContext } from './issuers/talos-api.js'
import { reachesFailOn } from './plan.js'
import { proofAddresses } from './prove/targets.js'
import type { CredentialResult, RunResult } from './result.js'
import { said, type Text } from './text.js'
import { writeSecrets } from './write-secrets.js'
import { prepare, type Due, type Prepared, type RunCredential } from './renewal.js'

/** Everything main needs from the outside world; tests pass their own. */
export interface Deps {
  now(): Date
  /** Registers a value the runner must mask in every later log line, and the story's gate with it. */
  mask(value: string): void
  /** An endpoint, node or server the run learnt of: never shown to people. */
  know(address: string): void
  info(message: Text): void
  notice(message: Text): void
  warning(message: Text): void
  /** An error annotation that does not by itself end the run. */
  error(message: Text): void
  /** The story of the run (outputs, headlines, annotations, summary), through the gate (src/story/). */
  tell(result: RunResult): Promise<void>
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
  /** The issuers, made on first use: a run that renews nothing and does not drill never loads them. */
  issuers: () => Promise<Issuers>
  /** Texts this run renewed, filled before any write: a run that fails part-way drills what it wrote. */
  renewed: Renewed
}

/**
 * One pass over every credential: read and report each context; in renew mode issue, verify
 * and render each credential that is due, prove them, then write them; then each listed
 * person's own; drill the break-glass fallback; annotate and report, a failed run too. The
 * issuer reads its CA source or calls the cluster only when something is due or drilled: a check
 * stays as cheap as reading the configs. Nothing is written before everything due is issued and verified.
 */
export async function main(config: Config, deps: Deps): Promise<RunResult> {
  const now = deps.now()
  const { mode, modeReason, dryRun } = config
  const result: RunResult = { at: now, mode, modeReason, credentials: [], failed: false, dryRun }
  if (config.skip) {
    // A fork's pull request: nothing to read. Say why, with status skipped.
    deps.notice(config.skip)
    return publish({ deps, result: { ...result, skipped: config.skip } })
  }
  for (const secret of [...config.ageKeys.identities, config.ageKeys.passphrase ?? '']) if (secret) deps.mask(secret)
  let issuers: Promise<Issuers> | undefined
  let apiContext: ApiContext | undefined
  const chosen = () => (issuers ??= chooseIssuers(config, deps, now, apiContext))
  const run: Run = { config, deps, now, result, issuers: chosen, renewed: new Map() }
  let credentials: RunCredential[] | undefined
  try {
    credentials = everyCredential(run)
    apiContext = credentials.map(({ pass }) => pass.apiContext).find((context) => context !== undefined)
    await renewDue(credentials, run)
    await attendPeople(credentials, run)
    // Last, after every write: the fallback proven, or why not.
    await drillBreakGlass(credentials, run)
    result.issueNumber = await deps.attend(config, { result })
    return await publish(run)
  } catch (error) {
    // Every run tells its story, a failed one too: what was read before the failure, and the error.
    result.failure = failureLine(error)
    // The fallback is drilled on a failed run too: a CA source that cannot be opened is as
    // broken when a renewal needed it as when nothing was due. Its own failure adds nothing.
    if (credentials && !result.breakGlass) await drillBreakGlass(credentials, run).catch(() => undefined)
    result.issueNumber = await deps.attend(config, { result })
    await publish(run)
    throw error
  }
}

/** Reads every credential into the result, so that a failure later still has them to tell. */
function everyCredential({ config, deps, now, result }: Run): RunCredential[] {
  const rule = { renewBefore: config.renewBefore, force: config.force }
  const opened = openCredentials(config.credentials, {
    mode: config.mode,
    rule,
    now,
    mask: (value) => deps.mask(value)
  })
  for (const pass of opened) pass.addresses.forEach((address) => deps.know(address))
  const credentials = opened.map((pass) => ({ pass, entry: resultEntry(pass) }))
  result.credentials = credentials.map(({ entry }) => entry)
  result.failed = config.mode === 'check' && opened.some((pass) => failsCheck(pass, config))
  return credentials
}

/** In renew mode, renew what is due and keep the public copies. */
async function renewDue(credentials: RunCredential[], run: Run): Promise<void> {
  const { config } = run
  const due = config.mode === 'renew' ? credentials.filter(({ pass }) => pass.decision.renew && pass.secretName) : []
  if (due.length > 0) await renew(due, run)
  if (config.mode === 'renew' && config.publicVariable && !config.dryRun) {
    await storePublicCopies(credentials, run)
  }
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

/** The run's issuers, made once; loaded here, as issuing is renewal work a check never needs. */
async function chooseIssuers(config: Config, deps: Deps, now: Date, apiContext: ApiContext | undefined) {
  const issuers = await import('./issuers/index.js')
  return issuers.chooseIssuers({
    renewThrough: config.renewThrough,
    caSource: config.caSource,
    ageKeys: config.ageKeys,
    apiContext,
    now,
    mask: (value) => deps.mask(value),
    info: (message) => deps.info(message)
  })
}

/** Issue, verify, render and prove every due credential, then write them all. */
async function renew(credentials: RunCredential[], run: Run): Promise<void> {
  const { config, deps, now } = run
  // Every refusal a kind knows of (an Omni context) comes before anything is asked of an issuer.
  const due: Due[] = credentials.map((credential) => ({ ...credential, request: credential.pass.request() }))
  const { issuer } = await run.issuers()
  const prepared: Prepared[] = []
  const { renewBefore, allowCaChange } = config
  for (const item of due) prepared.push(await prepare(item, issuer, { deps, now, renewBefore, allowCaChange }))
  for (const item of prepared) proofAddresses(item.proofTarget).forEach((address) => deps.know(address))
  for (const item of prepared) await proveOne(item, run)
  for (const { pass, entry, context } of prepared) {
    const report = entry.contexts[0]
    if (report) rejudgeCa(report, context, pass.reportRule, now)
  }
  const items = prepared.flatMap(({ entry, text }) =>
    entry.renewal && entry.secretName ? [{ secretName: entry.secretName, text, renewal: entry.renewal }] : []
  )
  for (const { pass, text } of prepared) run.renewed.set(pass, text)
  await writeSecrets(items, await deps.openSecretStore(config), config.dryRun)
}

/** Each listed person's own talosconfig, after the pipeline's (src/credentials/people/, loaded only then). */
async function attendPeople(credentials: RunCredential[], run: Run): Promise<void> {
  const { config, deps, result } = run
  if (!config.people) return
  const { attend } = await import('./credentials/people/index.js')
  const openStore = () => deps.openVariableStore(config)
  result.people = await attend(config.people, { ...run, credentials, openStore })
  if (result.people.failed) result.failed = true
}

/**
 * The break-glass drill, on the runs meant to act (config.drillSkipped says why not): the CA
 * source proven against each credential as it stands after this run. Writes nothing; a broken
 * fallback fails the step.
 */
async function drillBreakGlass(credentials: RunCredential[], run: Run): Promise<void> {
  run.result.breakGlass = await drilled(credentials, run)
  if (run.result.breakGlass.status === 'broken') run.result.failed = true
}

async function drilled(credentials: RunCredential[], run: Run): Promise<BreakGlass> {
  const { config, deps, now, result, renewed } = run
  if (config.drillSkipped) return { status: 'skipped', message: config.drillSkipped, credentials: [] }
  // As the credentials stand now: what this run wrote, else what it found (a dry run wrote nothing).
  const standing = credentials.flatMap(({ pass, entry }) => {
    const credential = pass.standing(entry.renewal?.secretUpdated ? renewed.get(pass) : undefined)
    return credential ? [{ kind: pass.kind, standing: credential }] : []
  })
  const [{ drill }, { breakGlass }] = await Promise.all([import('./break-glass.js'), run.issuers()])
  if (!breakGlass) return { status: 'skipped', message: said`no CA source to drill`, credentials: [] }
  const options = {
    dial: config.verifyConnection !== 'never',
    apiWorked: result.credentials.some((entry) => entry.renewal?.through === 'talos-api')
  }
  const found = await drill(standing, breakGlass, { mask: (value) => deps.mask(value) }, now, options)
  if (found.status !== 'broken')
    deps.info(said`Break-glass drill of '${found.source}': ${found.status}. ${found.message}`)
  return found
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
  if (proof.verified) return deps.info(proof.message)
  const outcome = config.dryRun ? 'a real run would write it all the same' : 'written unproven'
  deps.notice(said`${proof.message}; ${outcome}, as 'verify-connection' is auto.`)
}

/**
 * The copies without private keys, as Actions variables: each credential under public-variable
 * and its kind's suffix, as the file is after this run. A refusal is a warning: the secrets are
 * what matters.
 */
async function storePublicCopies(credentials: RunCredential[], { config, deps, renewed }: Run) {
  const copies = credentials.flatMap(({ pass }) => {
    const value = pass.publicCopy(renewed.get(pass))
    return value ? [{ name: `${config.publicVariable ?? ''}${pass.publicSuffix}`, value }] : []
  })
  if (copies.length === 0) return
  try {
    const store = await deps.openVariableStore(config)
    for (const { name, value } of copies)
      deps.info(said`Public copy ${name} (no private key): ${await store.put(name, value)}.`)
  } catch (error) {
    const why = describe(error)
    deps.warning(
      said`The public copy in variable ${config.publicVariable} was not stored: ${why} The secrets are not affected.`
    )
  }
}

/** What publishing needs of a run. */
type Published = Pick<Run, 'result' | 'deps'>

async function publish({ result, deps }: Published): Promise<RunResult> {
  await deps.tell(result)
  return result
}

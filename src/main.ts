import {
  kubeChecked,
  reportContext,
  reportContexts,
  talosChecked,
  type CheckedContext,
  type ContextReport
} from './contexts.js'
import { pemBodyLines } from './encoding.js'
import { describe, UserError } from './errors.js'
import type { SealedSecret, SecretStore } from './github/secrets.js'
import type { VariableStore } from './github/variables.js'
import type { Config } from './inputs.js'
import type { CredentialKind, CurrentCredential, Issued, Issuer } from './issuers/issuer.js'
import {
  publicKubeconfig,
  readKubeconfig,
  readKubeContext,
  renderKubeconfig,
  sensitiveValues as kubeSecrets,
  type KubeContext,
  type Kubeconfig
} from './kubeconfig.js'
import { inspectCertificate } from './pki/inspect.js'
import type { Credential } from './pki/issue.js'
import { kubernetesAdminProfile, talosClientProfile, type CertificateProfile } from './pki/profile.js'
import { verifyCredential } from './pki/verify.js'
import { plan, renewalWindowMs, type Decision } from './plan.js'
import type { ProofTarget } from './prove/index.js'
import { annotationsOf, headline, outputsOf, reachesFailOn, summaryOf, type Renewal, type RunResult } from './report.js'
import {
  publicTalosconfig,
  readContext,
  readTalosconfig,
  renderTalosconfig,
  sensitiveValues,
  type TalosContext,
  type Talosconfig
} from './talosconfig.js'

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
  /** Keeps the schedule alive and the issue up to date (src/unattended.ts); never throws. */
  attend(config: Config, outcome: { result: RunResult }): Promise<number | undefined>
}

/** What the talosconfig holds, read and judged. */
interface TalosState {
  talosconfig: Talosconfig | undefined
  contextName: string
  contexts: ContextReport[]
  decision: Decision
}

/** What the kubeconfig holds, read and judged; only when a kubeconfig is checked or kept. */
interface KubeState {
  kubeconfig: Kubeconfig | undefined
  context: KubeContext | undefined
  contextName: string
  report: ContextReport | undefined
  decision: Decision
}

/**
 * One credential file to renew: what to ask the issuer for, and how to write the answer into
 * the file. main runs the same pass for each, whichever issuer answers.
 */
interface CredentialPass {
  kind: CredentialKind
  secretName: string
  profile: CertificateProfile
  ttl: { ms: number; input: string; given: boolean }
  current: CurrentCredential | undefined
  render(issued: Issued): string
  /** The rendered file read back once: its context as the report sees it, and where it can be proven. */
  readBack(text: string): { context: CheckedContext; proofTarget: ProofTarget }
}

/** A credential issued, verified and rendered, waiting to be proven and written. */
interface Prepared {
  kind: CredentialKind
  secretName: string
  text: string
  credential: Credential
  /** The new file's context, as the report judges contexts. */
  context: CheckedContext
  proofTarget: ProofTarget
  renewal: Renewal
}

/**
 * One pass: read and report every context of the talosconfig (and the kubeconfig); in renew
 * mode issue, verify and render each credential that is due, then write them; then annotate
 * and report. The issuer reads its CA source or calls the cluster only when something is
 * due: a check stays as cheap as reading the configs. Nothing is written before everything
 * due is issued and verified.
 */
export async function main(config: Config, deps: Deps): Promise<RunResult> {
  const now = deps.now()
  for (const secret of [...config.ageKeys.identities, config.ageKeys.passphrase ?? '']) if (secret) deps.mask(secret)
  const talos = readTalos(config, deps, now)
  const kube = readKube(config, deps, now, talos.contextName)
  const reports = [...talos.contexts, ...(kube?.report ? [kube.report] : [])]
  const result: RunResult = {
    mode: config.mode,
    modeReason: config.modeReason,
    context: talos.contextName,
    contexts: talos.contexts,
    decision: talos.decision,
    secretName: config.secretName,
    kube: kube && {
      context: kube.contextName,
      report: kube.report,
      decision: kube.decision,
      secretName: config.kube.secretName
    },
    failed: config.mode === 'check' && reports.some((report) => reachesFailOn(report.decision.status, config.failOn))
  }
  const passes: CredentialPass[] = []
  const written = new Map<CredentialKind, string>()
  const current = talos.talosconfig && readContext(talos.talosconfig, talos.contextName)
  if (config.mode === 'renew' && talos.decision.renew) passes.push(talosconfigPass(config, talos, current))
  if (config.mode === 'renew' && kube && config.kube.secretName && kube.decision.renew)
    passes.push(kubeconfigPass(config, kube, config.kube.secretName, talos.contextName))
  if (passes.length > 0) {
    // Loaded here: issuing is renewal work; a check or a run with nothing due never needs it.
    const { chooseIssuer } = await import('./issuers/index.js')
    const issuer = chooseIssuer({
      renewThrough: config.renewThrough,
      caSource: config.caSource,
      ageKeys: config.ageKeys,
      apiContext: current && {
        ...current,
        endpoints: config.endpoints.length > 0 ? config.endpoints : current.endpoints
      },
      now,
      mask: (value) => deps.mask(value),
      info: (message) => deps.info(message)
    })
    const prepared: Prepared[] = []
    for (const pass of passes) prepared.push(await prepare(pass, issuer, config, deps, now))
    for (const item of prepared) await proveOne(item, config, deps)
    for (const { kind, renewal, context } of prepared) {
      if (kind === 'talosconfig') result.renewal = renewal
      else if (result.kube) result.kube.renewal = renewal
      const report = kind === 'talosconfig' ? talos.contexts[0] : kube?.report
      if (report) rejudgeCa(report, context, config, now)
    }
    await writeSecrets(prepared, result, config, deps)
    for (const item of prepared) written.set(item.kind, item.text)
  }
  if (config.mode === 'renew' && config.publicVariable && !config.dryRun)
    await storePublicCopies(config, deps, talos.talosconfig, kube?.kubeconfig, written)
  result.issueNumber = await deps.attend(config, { result })
  await publish(result, config, deps)
  return result
}

function readTalos(config: Config, deps: Deps, now: Date): TalosState {
  const talosconfig = config.talosconfig ? readTalosconfig(config.talosconfig) : undefined
  if (talosconfig) sensitiveValues(talosconfig).forEach((value) => deps.mask(value))
  if (talosconfig && talosconfig.contextNames.length === 0) {
    throw new UserError(
      "Input 'talosconfig' holds no contexts. Pass a talosconfig made by talosctl (with its contexts), or leave the input empty to make a first one from 'context' and 'endpoints' with 'secrets-bundle' or 'machine-config'.",
      'talosconfig'
    )
  }
  const contextName = config.context ?? talosconfig?.current
  if (!contextName) {
    throw new UserError(
      "Input 'talosconfig' selects no context (its 'context' is empty); set the 'context' input.",
      'context'
    )
  }
  const contexts = talosconfig ? reportContexts(talosconfig, contextName, config, now) : []
  return { talosconfig, contextName, contexts, decision: contexts[0]?.decision ?? plan(undefined, config, now) }
}

function readKube(config: Config, deps: Deps, now: Date, talosContext: string): KubeState | undefined {
  const { kube } = config
  if (!kube.kubeconfig && !(config.mode === 'renew' && kube.secretName)) return undefined
  const kubeconfig = kube.kubeconfig ? readKubeconfig(kube.kubeconfig) : undefined
  if (kubeconfig) kubeSecrets(kubeconfig).forEach((value) => deps.mask(value))
  const named = kube.clusterName && `admin@${kube.clusterName}`
  const contextName = (kubeconfig && (kubeconfig.currentContext ?? named)) || named || `admin@${talosContext}`
  const context = kubeconfig && readKubeContext(kubeconfig, contextName)
  const rule = { renewBefore: config.renewBefore, force: config.force, ttlMs: kube.ttlMs }
  const report = context ? reportContext(kubeChecked(context), true, rule, now) : undefined
  return { kubeconfig, context, contextName, report, decision: report?.decision ?? plan(undefined, config, now) }
}

function talosconfigPass(config: Config, talos: TalosState, current: TalosContext | undefined): CredentialPass {
  if (current?.hasAuth && !current.crtPem) {
    throw new UserError(
      `Context '${current.name}' of input 'talosconfig' signs in through Omni (its auth section), not with a client certificate: there is nothing to renew. Set 'context' to a context with a client certificate.`,
      'context'
    )
  }
  return {
    kind: 'talosconfig',
    secretName: config.secretName,
    profile: talosClientProfile(config.roles),
    ttl: { ms: config.ttlMs, input: 'ttl', given: true },
    current: current && {
      name: `talosconfig context '${current.name}'`,
      caPem: current.caPem,
      crtPem: current.crtPem,
      caField: `contexts.${current.name}.ca`
    },
    render: ({ credential }) =>
      renderTalosconfig(talos.talosconfig, {
        name: talos.contextName,
        endpoints: config.endpoints,
        nodes: config.nodes,
        credential
      }),
    readBack(text) {
      const context = readContext(readTalosconfig(text), talos.contextName)
      return {
        context: talosChecked(context),
        proofTarget: { kind: 'talosconfig', context: context.name, endpoints: context.endpoints }
      }
    }
  }
}

function kubeconfigPass(config: Config, kube: KubeState, secretName: string, talosContext: string): CredentialPass {
  const { endpoint, clusterName } = config.kube
  return {
    kind: 'kubeconfig',
    secretName,
    profile: kubernetesAdminProfile(),
    ttl: { ms: config.kube.ttlMs, input: 'kubeconfig-ttl', given: config.kube.ttlGiven },
    current: kube.context && {
      name: `kubeconfig context '${kube.context.name}'`,
      caPem: kube.context.caPem,
      crtPem: kube.context.crtPem,
      caField: `clusters.${kube.context.clusterName}.cluster.certificate-authority-data`
    },
    render(issued) {
      const server = endpoint ?? kube.context?.server ?? issued.server
      if (!server && !issued.document) {
        throw new UserError(
          "Input 'kubernetes-endpoint' is required to make a kubeconfig: the API server URL, such as https://10.5.0.2:6443 (neither a kubeconfig nor a machine configuration gave one).",
          'kubernetes-endpoint'
        )
      }
      return renderKubeconfig(kube.kubeconfig, kube.context, {
        clusterName: clusterName ?? kube.context?.clusterName ?? issued.clusterName ?? talosContext,
        server: server ?? '',
        serverGiven: endpoint !== undefined,
        credential: issued.credential,
        document: issued.document
      })
    },
    readBack(text) {
      const written = readKubeconfig(text)
      const context = readKubeContext(written, written.currentContext ?? '')
      return {
        context: kubeChecked(context),
        proofTarget: { kind: 'kubeconfig', context: context.name, server: context.server ?? '' }
      }
    }
  }
}

/** Issue, verify and render one credential, and leave the file for later steps. */
async function prepare(pass: CredentialPass, issuer: Issuer, config: Config, deps: Deps, now: Date): Promise<Prepared> {
  const issued = await issuer.issue({
    kind: pass.kind,
    profile: pass.profile,
    ttlMs: pass.ttl.ms,
    ttlInput: pass.ttl.input,
    ttlGiven: pass.ttl.given,
    now,
    current: pass.current,
    allowCaChange: config.allowCaChange
  })
  maskCredential(issued.credential, deps)
  for (const note of issued.notes) deps[note.level](note.message)
  const problems = verifyCredential(issued.credential, {
    profile: pass.profile,
    notAfter: issued.expectedNotAfter,
    now,
    skewToleranceMs: issued.clockToleranceMs
  })
  if (problems.length > 0)
    throw new Error(`the new ${pass.kind} certificate failed verification: ${problems.join('; ')}`)
  const certificate = inspectCertificate(issued.credential.crtPem)
  if (!certificate) throw new Error(`the new ${pass.kind} certificate does not parse`)
  // A lifetime the issuer chose (the cluster's, through its API) may be shorter than the window.
  if (certificate.notAfter.getTime() - renewalWindowMs(certificate, config.renewBefore) <= now.getTime()) {
    deps.warning(
      `The new ${pass.kind} certificate expires on ${certificate.notAfter.toISOString()}, already inside 'renew-before'; the next run will find it due again. Lengthen its lifetime or shorten 'renew-before'.`
    )
  }
  const text = pass.render(issued)
  const path = await deps.saveFile(pass.kind, text)
  const renewal: Renewal = {
    through: issued.through,
    roles: pass.profile.organizations,
    notAfter: certificate.notAfter,
    caNotAfter: issued.caNotAfter,
    path,
    scope: '',
    secretUpdated: false
  }
  return {
    kind: pass.kind,
    secretName: pass.secretName,
    text,
    credential: issued.credential,
    ...pass.readBack(text),
    renewal
  }
}

/** The new credential against the live cluster, as verify-connection says; a refusal throws. */
async function proveOne(item: Prepared, config: Config, deps: Deps): Promise<void> {
  if (config.verifyConnection === 'never') return
  const { prove } = await import('./prove/index.js')
  const proof = await prove(item.proofTarget, item.credential, config.verifyConnection)
  if (!proof) return
  item.renewal.connectionVerified = proof.verified
  if (proof.verified) deps.info(proof.message)
  else deps.notice(proof.message)
}

/**
 * After a renewal, the CA is judged against the new certificate, not the one it replaced:
 * whether the CA outlives the next renewal depends on the new certificate's dates.
 */
function rejudgeCa(report: ContextReport, renewed: CheckedContext, config: Config, now: Date): void {
  const ttlMs = renewed.kind === 'talosconfig' ? config.ttlMs : config.kube.ttlMs
  const judged = reportContext(renewed, true, { renewBefore: config.renewBefore, force: false, ttlMs }, now)
  report.problems = [
    ...report.problems.filter((problem) => problem.about !== 'ca'),
    ...judged.problems.filter((problem) => problem.about === 'ca')
  ]
  report.caNotAfter = judged.caNotAfter
}

/** The new certificate and key, base64 as the configs hold them, and the key's PEM lines. */
function maskCredential(credential: Credential, deps: Deps): void {
  for (const pem of [credential.crtPem, credential.keyPem]) deps.mask(Buffer.from(pem).toString('base64'))
  pemBodyLines(credential.keyPem).forEach((line) => deps.mask(line))
}

/**
 * Seals every value first (sizes, the scope, its public key): a failure there changes nothing.
 * Then writes them in turn. If a later write fails after an earlier one succeeded, the
 * outputs and the summary still say exactly which secret changed, and so does the error.
 */
async function writeSecrets(prepared: Prepared[], result: RunResult, config: Config, deps: Deps): Promise<void> {
  const store = await deps.openSecretStore(config)
  const sealed: SealedSecret[] = []
  for (const { secretName, text, renewal } of prepared) {
    const secret = await store.seal(secretName, text)
    renewal.scope = secret.scope
    sealed.push(secret)
  }
  if (config.dryRun) return
  for (const [index, secret] of sealed.entries()) {
    const { renewal } = prepared[index] as Prepared
    try {
      await store.write(secret)
      renewal.secretUpdated = true
    } catch (error) {
      renewal.writeFailed = describe(error)
      await publish(result, config, deps)
      throw partialFailure(prepared, error)
    }
  }
}

/** The one error line of a failed write: which secrets changed before it, and which did not. */
function partialFailure(prepared: Prepared[], error: unknown): unknown {
  const written = prepared.filter(({ renewal }) => renewal.secretUpdated).map(({ secretName }) => secretName)
  if (written.length === 0) return error
  const notWritten = prepared.filter(({ renewal }) => !renewal.secretUpdated).map(({ secretName }) => secretName)
  const was = (names: string[]) => `${names.join(' and ')} ${names.length === 1 ? 'was' : 'were'}`
  return new UserError(
    `${was(written)} written; ${was(notWritten)} not: ${describe(error)}`,
    error instanceof UserError ? error.input : 'github-token',
    { cause: error }
  )
}

/**
 * The copies without private keys, as Actions variables: the talosconfig under
 * public-variable, the kubeconfig under <public-variable>_KUBECONFIG; the files as they are
 * after this run. A refusal is a warning: the secrets are what matters.
 */
async function storePublicCopies(
  config: Config,
  deps: Deps,
  talosconfig: Talosconfig | undefined,
  kubeconfig: Kubeconfig | undefined,
  written: Map<CredentialKind, string>
): Promise<void> {
  const talosText = written.get('talosconfig')
  const kubeText = written.get('kubeconfig')
  const copies: Array<[string, string]> = []
  const talos = talosText ? readTalosconfig(talosText) : talosconfig
  if (talos) copies.push([config.publicVariable as string, publicTalosconfig(talos)])
  const kube = kubeText ? readKubeconfig(kubeText) : kubeconfig
  if (kube) copies.push([`${config.publicVariable}_KUBECONFIG`, publicKubeconfig(kube)])
  if (copies.length === 0) return
  try {
    const store = await deps.openVariableStore(config)
    for (const [name, value] of copies)
      deps.info(`Public copy ${name} (no private key): ${await store.put(name, value)}.`)
  } catch (error) {
    deps.warning(
      `The public copy in variable ${config.publicVariable} was not stored: ${describe(error)} The secrets are not affected.`
    )
  }
}

async function publish(result: RunResult, config: Config, deps: Deps): Promise<void> {
  for (const [name, value] of Object.entries(outputsOf(result))) deps.setOutput(name, value)
  deps.info(headline(result))
  for (const { level, message } of annotationsOf(result, config.failOn)) deps[level](message)
  await deps.writeSummary(summaryOf(result))
}

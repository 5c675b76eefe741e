import { X509Certificate } from 'node:crypto'
import { kubeChecked, reportContext, reportContexts, type ContextReport } from './contexts.js'
import { pemBodyLines } from './encoding.js'
import { UserError } from './errors.js'
import type { SecretStore } from './github/secrets.js'
import type { Config } from './inputs.js'
import { readKubeconfig, readKubeContext, renderKubeconfig, sensitiveValues as kubeSecrets, type KubeContext, type Kubeconfig } from './kubeconfig.js'
import { loadLocalCa } from './pki/ca.js'
import { inspectCertificate, issuedBy, sameCertificate } from './pki/inspect.js'
import { localCaIssuer, type Credential } from './pki/issue.js'
import { kubernetesAdminProfile, talosClientProfile, type CertificateProfile } from './pki/profile.js'
import { verifyCredential } from './pki/verify.js'
import { plan, type Decision } from './plan.js'
import { annotationsOf, headline, outputsOf, reachesFailOn, summaryOf, type Renewal, type RunResult } from './report.js'
import type { OpenedSource, SourceCa } from './sources/index.js'
import { readContext, readTalosconfig, renderTalosconfig, sensitiveValues, type TalosContext, type Talosconfig } from './talosconfig.js'

/** Everything main needs from the outside world; tests pass their own. */
export interface Deps {
  now(): Date
  /** Registers a value the runner must mask in every later log line. */
  mask(value: string): void
  info(message: string): void
  warning(message: string): void
  /** An error annotation that does not by itself end the run. */
  error(message: string): void
  setOutput(name: string, value: string): void
  writeSummary(markdown: string): Promise<void>
  /** Writes a file only the runner's user can read (mode 0600) and returns its path. */
  saveFile(name: string, text: string): Promise<string>
  /** Opens the secret store for the configured scope; loads the GitHub client lazily. */
  openSecretStore(config: Config): Promise<SecretStore>
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
  clusterName: string
  report: ContextReport | undefined
  decision: Decision
}

/** A credential issued, verified and rendered, waiting to be written. */
interface Prepared {
  secretName: string
  text: string
  renewal: Renewal
}

/**
 * One pass: read and report every context of the talosconfig (and the kubeconfig); in renew
 * mode issue, verify and render each credential that is due, then write them; then annotate
 * and report. The CA source is read only when something is due: a check stays as cheap as
 * reading the configs. Nothing is written before everything due is issued and verified.
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
    kube: kube && { context: kube.contextName, report: kube.report, decision: kube.decision, secretName: config.kube.secretName },
    failed: config.mode === 'check' && reports.some((report) => reachesFailOn(report.decision.status, config.failOn))
  }
  const dueTalos = config.mode === 'renew' && talos.decision.renew
  const dueKube = config.mode === 'renew' && kube !== undefined && config.kube.secretName !== undefined && kube.decision.renew
  if (dueTalos || dueKube) {
    const source = config.caSource?.input === 'talos-api' ? undefined : await openSource(config, deps)
    const prepared: Prepared[] = []
    if (dueTalos) {
      const talosPrepared = await prepareTalosconfig(config, deps, source, talos, now)
      prepared.push(talosPrepared)
      result.renewal = talosPrepared.renewal
    }
    // No source means the Talos API, which readConfig never pairs with a kubeconfig renewal.
    if (dueKube && kube && result.kube && source) {
      const kubePrepared = await prepareKubeconfig(config, deps, source, kube, now)
      prepared.push(kubePrepared)
      result.kube.renewal = kubePrepared.renewal
    }
    await writeSecrets(config, deps, prepared)
  }
  await publish(result, config, deps)
  return result
}

function readTalos(config: Config, deps: Deps, now: Date): TalosState {
  const talosconfig = config.talosconfig ? readTalosconfig(config.talosconfig) : undefined
  if (talosconfig) sensitiveValues(talosconfig).forEach((value) => deps.mask(value))
  const contextName = config.context ?? talosconfig?.current
  if (!contextName) {
    throw new UserError("Input 'talosconfig' selects no context (its 'context' is empty); set the 'context' input.", 'context')
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
  const clusterName = kube.clusterName ?? context?.clusterName ?? talosContext
  const rule = { renewBefore: config.renewBefore, force: config.force, ttlMs: kube.ttlMs }
  const report = context ? reportContext(kubeChecked(context), true, rule, now) : undefined
  return { kubeconfig, context, contextName, clusterName, report, decision: report?.decision ?? plan(undefined, config, now) }
}

async function openSource(config: Config, deps: Deps): Promise<OpenedSource> {
  if (!config.caSource || config.caSource.input === 'talos-api') throw new Error('no CA source to open: readConfig should have refused')
  const { input, value } = config.caSource
  // Loaded here: reading and decrypting sources is renewal work, a check never needs it.
  const { openCaSource } = await import('./sources/index.js')
  const source = await openCaSource(input, value, config.ageKeys, (secret) => deps.mask(secret))
  deps.info(`Read the CA source from input '${input}' (${source.form}).`)
  return source
}

async function prepareTalosconfig(config: Config, deps: Deps, source: OpenedSource | undefined, talos: TalosState, now: Date): Promise<Prepared> {
  const current = talos.talosconfig && readContext(talos.talosconfig, talos.contextName)
  if (current?.hasAuth && !current.crtPem) {
    throw new UserError(
      `Context '${current.name}' of input 'talosconfig' signs in through Omni (its auth section), not with a client certificate: there is nothing to renew. Set 'context' to a context with a client certificate.`,
      'context'
    )
  }
  const profile = talosClientProfile(config.roles)
  const lifetime = { ttlMs: config.ttlMs, ttlInput: 'ttl', caName: 'Talos API CA' }
  let issued: Issued
  if (source) {
    if (current) warnAboutCa(current, source.os, deps)
    issued = await issueVerified(source.os, profile, lifetime, deps, now)
  } else {
    issued = await issueThroughApi(config, current, profile, lifetime, deps, now)
  }
  const text = renderTalosconfig(talos.talosconfig, { name: talos.contextName, endpoints: config.endpoints, nodes: config.nodes, credential: issued.credential })
  const path = await deps.saveFile('talosconfig', text)
  return { secretName: config.secretName, text, renewal: { ...issued.renewal, path } }
}

async function prepareKubeconfig(config: Config, deps: Deps, source: OpenedSource, kube: KubeState, now: Date): Promise<Prepared> {
  const server = config.kube.endpoint ?? kube.context?.server ?? source.kubernetesEndpoint
  if (!server) {
    throw new UserError(
      "Input 'kubernetes-endpoint' is required to make a kubeconfig: the API server URL, such as https://10.5.0.2:6443 (neither a kubeconfig nor a machine configuration gave one).",
      'kubernetes-endpoint'
    )
  }
  const k8s = source.k8s()
  const issued = await issueVerified(k8s, kubernetesAdminProfile(), { ttlMs: config.kube.ttlMs, ttlInput: 'kubeconfig-ttl', caName: 'Kubernetes CA' }, deps, now)
  const text = renderKubeconfig(kube.kubeconfig, kube.context, { clusterName: kube.clusterName, server, credential: issued.credential }, config.kube.endpoint !== undefined)
  const path = await deps.saveFile('kubeconfig', text)
  return { secretName: config.kube.secretName as string, text, renewal: { ...issued.renewal, path } }
}

/** A talosconfig that does not belong to the source's cluster is worth saying plainly. */
function warnAboutCa(context: TalosContext, os: SourceCa, deps: Deps): void {
  const { input, path } = os.origin
  if (context.caPem && !sameCertificate(context.caPem, os.ca.crtPem)) {
    deps.warning(
      `The ca of talosconfig context '${context.name}' is not the Talos API CA of input '${input}' (${path}.crt); a renewed talosconfig carries the CA of '${input}'.`
    )
  }
  if (context.crtPem && !issuedBy(context.crtPem, os.ca.crtPem)) {
    deps.warning(
      `The client certificate of talosconfig context '${context.name}' was not issued by the CA of input '${input}': check that '${input}' belongs to this cluster.`
    )
  }
}

interface Lifetime {
  ttlMs: number
  ttlInput: string
  caName: string
}

interface Issued {
  credential: Credential
  renewal: Omit<Renewal, 'path'>
}

/** The time a new certificate would expire, refused when it outlives its CA. */
function plannedNotAfter(lifetime: Lifetime, caNotAfter: Date, now: Date): Date {
  const notAfter = new Date(now.getTime() + lifetime.ttlMs)
  if (notAfter > caNotAfter) {
    throw new UserError(
      `Input '${lifetime.ttlInput}' asks for a certificate valid until ${notAfter.toISOString()}, but the ${lifetime.caName} expires on ${caNotAfter.toISOString()}; a certificate that outlives its CA is not issued. Shorten '${lifetime.ttlInput}' or rotate the CA.`,
      lifetime.ttlInput
    )
  }
  return notAfter
}

/** Masks a new credential and verifies it before anything can leave the process. */
function verified(credential: Credential, profile: CertificateProfile, notAfter: Date, caNotAfter: Date, deps: Deps, now: Date, skewToleranceMs?: number): Issued {
  maskCredential(credential, deps)
  const problems = verifyCredential(credential, { profile, notAfter, now, skewToleranceMs })
  if (problems.length > 0) throw new Error(`the new client certificate failed verification: ${problems.join('; ')}`)
  const issued = inspectCertificate(credential.crtPem)
  if (!issued) throw new Error('the new client certificate does not parse')
  return { credential, renewal: { roles: profile.organizations, notAfter: issued.notAfter, caNotAfter, scope: '', secretUpdated: false } }
}

/** Issues a credential from a source CA. */
async function issueVerified(source: SourceCa, profile: CertificateProfile, lifetime: Lifetime, deps: Deps, now: Date): Promise<Issued> {
  const issuer = localCaIssuer(loadLocalCa(source.ca.crtPem, source.ca.keyPem, source.origin, now), source.origin)
  const notAfter = plannedNotAfter(lifetime, issuer.caNotAfter, now)
  const credential = await issuer.issue({ profile, ttlMs: lifetime.ttlMs, now })
  return verified(credential, profile, notAfter, issuer.caNotAfter, deps, now)
}

/**
 * Asks the cluster for the credential with the talosconfig's own certificate, as `talosctl
 * config new` does: the CA key never leaves the cluster. The node's clock, not the runner's,
 * sets the validity, so it is verified with a few minutes' tolerance.
 */
async function issueThroughApi(config: Config, current: TalosContext | undefined, profile: CertificateProfile, lifetime: Lifetime, deps: Deps, now: Date): Promise<Issued> {
  const name = current?.name ?? config.context ?? ''
  if (!current?.crtPem || !current.keyPem || !current.caPem) {
    throw new UserError(`Talosconfig context '${name}' has no client certificate, key and ca to call the Talos API with. Give 'secrets-bundle' or 'machine-config' to issue one.`, 'talosconfig')
  }
  const info = inspectCertificate(current.crtPem)
  const caNotAfter = new Date(new X509Certificate(current.caPem).validTo)
  if (info && info.notAfter <= now) {
    throw new UserError(
      `The client certificate of talosconfig context '${name}' expired on ${info.notAfter.toISOString()}: it cannot authenticate to the Talos API any more. Renew once with 'secrets-bundle' or 'machine-config', then keep renewing well inside its lifetime.`,
      'talosconfig'
    )
  }
  const endpoints = config.endpoints.length > 0 ? config.endpoints : current.endpoints
  if (endpoints.length === 0) throw new UserError(`Talosconfig context '${name}' has no endpoints to call; set 'endpoints' to controlplane addresses.`, 'endpoints')
  const notAfter = plannedNotAfter(lifetime, caNotAfter, now)
  const { generateClientConfiguration } = await import('./talos-api/client.js')
  deps.info(`Asking the Talos API at ${endpoints.join(', ')} for a new client certificate.`)
  const answer = await generateClientConfiguration(
    { context: name, endpoints, caPem: current.caPem, crtPem: current.crtPem, keyPem: current.keyPem },
    { roles: profile.organizations, crtTtlSeconds: Math.round(lifetime.ttlMs / 1000) }
  )
  return verified({ caPem: current.caPem, ...answer }, profile, notAfter, caNotAfter, deps, now, API_CLOCK_TOLERANCE_MS)
}

/** How far a node's clock may be off the runner's for a certificate it issued. */
const API_CLOCK_TOLERANCE_MS = 5 * 60_000

/** The new certificate and key, base64 as the configs hold them, and the key's PEM lines. */
function maskCredential(credential: Credential, deps: Deps): void {
  for (const pem of [credential.crtPem, credential.keyPem]) deps.mask(Buffer.from(pem).toString('base64'))
  pemBodyLines(credential.keyPem).forEach((line) => deps.mask(line))
}

async function writeSecrets(config: Config, deps: Deps, prepared: Prepared[]): Promise<void> {
  const store = await deps.openSecretStore(config)
  for (const { secretName, text, renewal } of prepared) {
    renewal.secretUpdated = await store.put(secretName, text, { dryRun: config.dryRun })
    renewal.scope = store.scope
  }
}

async function publish(result: RunResult, config: Config, deps: Deps): Promise<void> {
  for (const [name, value] of Object.entries(outputsOf(result))) deps.setOutput(name, value)
  deps.info(headline(result))
  for (const { level, message } of annotationsOf(result, config.failOn)) deps[level](message)
  await deps.writeSummary(summaryOf(result))
}

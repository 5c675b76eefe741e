import { UserError } from './errors.js'
import type { Config } from './inputs.js'
import { loadLocalCa } from './pki/ca.js'
import { inspectCertificate, issuedBy, sameCertificate } from './pki/inspect.js'
import { localCaIssuer, type Credential, type Issuer } from './pki/issue.js'
import { talosClientProfile } from './pki/profile.js'
import { verifyCredential } from './pki/verify.js'
import { plan } from './plan.js'
import { annotationsOf, headline, outputsOf, reachesFailOn, summaryOf, type Renewal, type RunResult } from './report.js'
import { reportContexts } from './contexts.js'
import type { SecretStore } from './github/secrets.js'
import { pemBodyLines } from './encoding.js'
import {
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

/**
 * One pass: read and report every context; when renewing and the selected context is due,
 * issue, verify, render and store; then annotate and report. The secrets bundle is read only
 * when a renewal is due: a check stays as cheap as reading the talosconfig.
 */
export async function main(config: Config, deps: Deps): Promise<RunResult> {
  const now = deps.now()
  for (const secret of [...config.ageKeys.identities, config.ageKeys.passphrase ?? '']) if (secret) deps.mask(secret)
  const talosconfig = config.talosconfig ? readTalosconfig(config.talosconfig) : undefined
  if (talosconfig) sensitiveValues(talosconfig).forEach((value) => deps.mask(value))
  const contextName = selectContextName(config, talosconfig)
  const contexts = talosconfig ? reportContexts(talosconfig, contextName, config, now) : []
  const decision = contexts[0]?.decision ?? plan(undefined, config, now)
  const result: RunResult = {
    mode: config.mode,
    modeReason: config.modeReason,
    context: contextName,
    contexts,
    decision,
    secretName: config.secretName,
    failed: config.mode === 'check' && contexts.some((report) => reachesFailOn(report.decision.status, config.failOn))
  }
  if (config.mode === 'renew' && decision.renew) {
    const current = talosconfig && readContext(talosconfig, contextName)
    result.renewal = await renew(config, deps, { current, talosconfig, contextName, now })
  }
  await publish(result, config, deps)
  return result
}

async function openIssuer(config: Config, deps: Deps, now: Date): Promise<Issuer> {
  if (!config.caSource) throw new Error('renewing without a CA source: readConfig should have refused')
  const { input, value } = config.caSource
  // Loaded here: reading and decrypting sources is renewal work, a check never needs it.
  const { openCaSource } = await import('./sources/index.js')
  const { ca, origin, form } = await openCaSource(input, value, config.ageKeys, (secret) => deps.mask(secret))
  deps.info(`Read the Talos API CA from ${origin.path} of input '${origin.input}' (${form}).`)
  return localCaIssuer(loadLocalCa(ca.crtPem, ca.keyPem, origin, now), origin)
}

function selectContextName(config: Config, talosconfig: Talosconfig | undefined): string {
  const name = config.context ?? talosconfig?.current
  if (!name) {
    throw new UserError("Input 'talosconfig' selects no context (its 'context' is empty); set the 'context' input.", 'context')
  }
  return name
}

/** A talosconfig that does not belong to the bundle's cluster is worth saying plainly. */
function warnAboutCa(context: TalosContext, issuer: Issuer, deps: Deps): void {
  const { input, path } = issuer.origin
  if (context.caPem && !sameCertificate(context.caPem, issuer.caPem)) {
    deps.warning(
      `The ca of talosconfig context '${context.name}' is not the Talos API CA of input '${input}' (${path}.crt); a renewed talosconfig carries the CA of '${input}'.`
    )
  }
  if (context.crtPem && !issuedBy(context.crtPem, issuer.caPem)) {
    deps.warning(
      `The client certificate of talosconfig context '${context.name}' was not issued by the CA of input '${input}': check that '${input}' belongs to this cluster.`
    )
  }
}

interface RenewalInput {
  current: TalosContext | undefined
  talosconfig: Talosconfig | undefined
  contextName: string
  now: Date
}

async function renew(config: Config, deps: Deps, input: RenewalInput): Promise<Renewal> {
  const { current, now } = input
  if (current?.hasAuth && !current.crtPem) {
    throw new UserError(
      `Context '${current.name}' of input 'talosconfig' signs in through Omni (its auth section), not with a client certificate: there is nothing to renew. Set 'context' to a context with a client certificate.`,
      'context'
    )
  }
  const issuer = await openIssuer(config, deps, now)
  if (current) warnAboutCa(current, issuer, deps)
  const notAfter = new Date(now.getTime() + config.ttlMs)
  if (notAfter > issuer.caNotAfter) {
    throw new UserError(
      `Input 'ttl' asks for a certificate valid until ${notAfter.toISOString()}, but the Talos API CA expires on ${issuer.caNotAfter.toISOString()}; a certificate that outlives its CA is not issued. Shorten 'ttl' or rotate the CA.`,
      'ttl'
    )
  }
  const profile = talosClientProfile(config.roles)
  const credential = await issuer.issue({ profile, ttlMs: config.ttlMs, now })
  maskCredential(credential, deps)
  const problems = verifyCredential(credential, { profile, notAfter, now })
  if (problems.length > 0) throw new Error(`the new client certificate failed verification: ${problems.join('; ')}`)
  const text = renderTalosconfig(input.talosconfig, {
    name: input.contextName,
    endpoints: config.endpoints,
    nodes: config.nodes,
    credential
  })
  const talosconfigPath = await deps.saveFile('talosconfig', text)
  const store = await deps.openSecretStore(config)
  const secretUpdated = await store.put(config.secretName, text, { dryRun: config.dryRun })
  const issued = inspectCertificate(credential.crtPem)
  if (!issued) throw new Error('the new client certificate does not parse')
  return { roles: profile.organizations, notAfter: issued.notAfter, caNotAfter: issuer.caNotAfter, talosconfigPath, scope: store.scope, secretUpdated }
}

/** The new certificate and key, base64 as the talosconfig holds them, and the key's PEM lines. */
function maskCredential(credential: Credential, deps: Deps): void {
  for (const pem of [credential.crtPem, credential.keyPem]) deps.mask(Buffer.from(pem).toString('base64'))
  pemBodyLines(credential.keyPem).forEach((line) => deps.mask(line))
}

async function publish(result: RunResult, config: Config, deps: Deps): Promise<void> {
  for (const [name, value] of Object.entries(outputsOf(result))) deps.setOutput(name, value)
  deps.info(headline(result))
  for (const { level, message } of annotationsOf(result, config.failOn)) deps[level](message)
  await deps.writeSummary(summaryOf(result))
}

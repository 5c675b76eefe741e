import { UserError } from './errors.js'
import type { Config } from './inputs.js'
import { loadLocalCa, type CaOrigin } from './pki/ca.js'
import { inspectCertificate, issuedBy, sameCertificate, type CertificateInfo } from './pki/inspect.js'
import { localCaIssuer, type Credential, type Issuer } from './pki/issue.js'
import { talosClientProfile } from './pki/profile.js'
import { verifyCredential } from './pki/verify.js'
import { plan } from './plan.js'
import { headline, outputsOf, summaryOf, type RunResult } from './report.js'
import type { SecretStore } from './github/secrets.js'
import { readSecretsBundle } from './sources/bundle.js'
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
  setOutput(name: string, value: string): void
  writeSummary(markdown: string): Promise<void>
  /** Writes a file only the runner's user can read (mode 0600) and returns its path. */
  saveFile(name: string, text: string): Promise<string>
  /** Opens the secret store for the configured scope; loads the GitHub client lazily. */
  openSecretStore(config: Config): Promise<SecretStore>
}

const BUNDLE_OS_CA: CaOrigin = { input: 'secrets-bundle', path: 'certs.os' }

/**
 * One pass: read, decide, and when due issue, verify, render and store; then report. The
 * secrets bundle is read only when a renewal is due: a check stays as cheap as the talosconfig.
 */
export async function main(config: Config, deps: Deps): Promise<RunResult> {
  const now = deps.now()
  const talosconfig = config.talosconfig ? readTalosconfig(config.talosconfig) : undefined
  if (talosconfig) sensitiveValues(talosconfig).forEach((value) => deps.mask(value))
  const contextName = selectContextName(config, talosconfig)
  const current = talosconfig ? readContext(talosconfig, contextName) : undefined
  const info = current && inspectCurrent(current)
  const decision = plan(info, config, now)
  const result: RunResult = {
    context: contextName,
    roles: info?.organizations ?? [],
    decision,
    expiresAt: info?.notAfter,
    secretName: config.secretName,
    secretUpdated: false
  }
  if (decision.renew) Object.assign(result, await renew(config, deps, { current, talosconfig, contextName, now }))
  await publish(result, deps)
  return result
}

function openIssuer(config: Config, deps: Deps, now: Date): Issuer {
  const bundle = readSecretsBundle(config.secretsBundle)
  bundle.sensitiveValues.forEach((value) => deps.mask(value))
  return localCaIssuer(loadLocalCa(bundle.os.crtPem, bundle.os.keyPem, BUNDLE_OS_CA, now))
}

function selectContextName(config: Config, talosconfig: Talosconfig | undefined): string {
  const name = config.context ?? talosconfig?.current
  if (!name) {
    throw new UserError("Input 'talosconfig' selects no context (its 'context' is empty); set the 'context' input.", 'context')
  }
  return name
}

function inspectCurrent(context: TalosContext): CertificateInfo | undefined {
  if (!context.crtPem) return undefined
  const info = inspectCertificate(context.crtPem)
  if (!info) {
    throw new UserError(`contexts.${context.name}.crt in input 'talosconfig' is not a PEM certificate.`, 'talosconfig')
  }
  return info
}

/** A talosconfig that does not belong to the bundle's cluster is worth saying plainly. */
function warnAboutCa(context: TalosContext, issuer: Issuer, deps: Deps): void {
  if (context.caPem && !sameCertificate(context.caPem, issuer.caPem)) {
    deps.warning(
      `The ca of talosconfig context '${context.name}' is not the secrets bundle's Talos API CA (certs.os.crt); a renewed talosconfig carries the bundle's CA.`
    )
  }
  if (context.crtPem && !issuedBy(context.crtPem, issuer.caPem)) {
    deps.warning(
      `The client certificate of talosconfig context '${context.name}' was not issued by the secrets bundle's CA: check that 'secrets-bundle' belongs to this cluster.`
    )
  }
}

interface RenewalInput {
  current: TalosContext | undefined
  talosconfig: Talosconfig | undefined
  contextName: string
  now: Date
}

async function renew(config: Config, deps: Deps, input: RenewalInput): Promise<Partial<RunResult>> {
  const { current, now } = input
  const issuer = openIssuer(config, deps, now)
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
  const newExpiresAt = inspectCertificate(credential.crtPem)?.notAfter
  return { roles: profile.organizations, newExpiresAt, talosconfigPath, scope: store.scope, secretUpdated }
}

/** The new certificate and key, base64 as the talosconfig holds them, and the key's PEM lines. */
function maskCredential(credential: Credential, deps: Deps): void {
  for (const pem of [credential.crtPem, credential.keyPem]) deps.mask(Buffer.from(pem).toString('base64'))
  pemBodyLines(credential.keyPem).forEach((line) => deps.mask(line))
}

async function publish(result: RunResult, deps: Deps): Promise<void> {
  for (const [name, value] of Object.entries(outputsOf(result))) deps.setOutput(name, value)
  deps.info(headline(result))
  await deps.writeSummary(summaryOf(result))
}

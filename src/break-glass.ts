// The break-glass drill: the CA key is the fallback for the day the Talos API cannot be used,
// and that is the day nobody can afford to find it broken. On the runs meant to act, the CA
// source is opened in full, its CAs are compared with what the credentials trust at the end of
// the run, and a throwaway certificate signed with them is shown to the live cluster, the way
// a renewal is proven. Nothing is written; the throwaway key never leaves the process.
import { issuedSecretForms } from './encoding.js'
import { joined, said, type Text } from './text.js'
import { describe, UserError } from './errors.js'
import type { Standing } from './credentials/pass.js'
import type { CredentialKind } from './issuers/issuer.js'
import type { LocalCaIssuer } from './issuers/local-ca.js'
import { distrusted } from './issuers/trust.js'
import { attempt, PROOF_BOUNDS } from './prove/index.js'
import { CLOCK_SKEW_ALLOWANCE_MS } from './pki/profile.js'

/** proven: the cluster accepted it; checked: offline checks passed, no endpoint answered; broken: a check failed. */
export type DrillStatus = 'proven' | 'checked' | 'broken'

/** break-glass-drill: auto drills scheduled and manual runs with a CA source; always every renewal run. */
export type DrillSetting = 'auto' | 'always' | 'never'

export interface DrillResult {
  kind: CredentialKind
  status: DrillStatus
  /** What happened, in words; for broken, what is wrong and what to do. */
  message: Text
}

export interface BreakGlass {
  status: DrillStatus | 'skipped'
  /** The CA source drilled: 'secrets-bundle' or 'machine-config'. */
  source?: string
  /** One line: why it was skipped, or what the drill found. */
  message: Text
  credentials: DrillResult[]
}

/** A throwaway certificate lives at most an hour, its backdated start included. */
const THROWAWAY_TTL_MS = 60 * 60_000 - CLOCK_SKEW_ALLOWANCE_MS

/** How to bring a CA source up to date with the cluster. */
const refresh = (input: string): Text =>
  input === 'secrets-bundle'
    ? said`Re-export the bundle from the cluster's current controlplane configuration `.concat(
        said`('talosctl gen secrets --from-controlplane-config controlplane.yaml'), encrypt it as before and store it again.`
      )
    : said`Store the cluster's current controlplane configuration (the controlplane.yaml you apply) in the secret again.`

export interface DrillDeps {
  mask(value: string): void
}

export interface DrillOptions {
  /** Whether the throwaway certificate is shown to the cluster: 'verify-connection: never' keeps the drill off the network. */
  dial: boolean
  /** This run renewed through the Talos API: advice may say to act while it still works. */
  apiWorked: boolean
}

/**
 * Drills every credential that stands at the end of the run against the source's CAs. A source
 * that cannot be opened (a wrong age key, a tampered file, a key that is not its CA's) breaks
 * them all at once.
 */
export async function drill(
  standing: Array<{ kind: CredentialKind; standing: Standing }>,
  local: LocalCaIssuer,
  deps: DrillDeps,
  now: Date,
  options: DrillOptions
): Promise<BreakGlass> {
  const credentials: DrillResult[] = []
  let kind: CredentialKind = 'talosconfig'
  try {
    // With nothing standing to prove, the source is still opened and its Talos API CA checked.
    if (standing.length === 0) await local.ca(kind, now)
    for (const item of standing) {
      kind = item.kind
      credentials.push(await drillOne(item.kind, item.standing, local, deps, now, options))
    }
  } catch (error) {
    if (!(error instanceof UserError)) throw error
    return summed(local.input, [{ kind, status: 'broken', message: unopened(local.input, error, options) }])
  }
  return summed(local.input, credentials)
}

/** Why the source cannot be used, and the fix that fits: the age key, or the file itself. */
function unopened(input: string, error: UserError, options: DrillOptions): Text {
  const fix =
    error.input === 'age-key'
      ? said`Fix the age key the workflow passes ('age-key' or SOPS_AGE_KEY): it must be one the file is encrypted to.`
      : said`Fix the file itself. `.concat(refresh(input))
  const now = options.apiWorked ? said` Do it now, while the Talos API still works.` : undefined
  return said`input '${input}' cannot be used: ${describe(error)} `.concat(fix, now)
}

async function drillOne(
  kind: CredentialKind,
  standing: Standing,
  local: LocalCaIssuer,
  deps: DrillDeps,
  now: Date,
  options: DrillOptions
): Promise<DrillResult> {
  const ca = await local.ca(kind, now)
  const theirs = distrusted(standing.current, ca.loaded.certificate)
  if (theirs) {
    const message = said`${ca.signer} is not a CA that ${standing.current.name} trusts (${theirs}). `.concat(
      said`Likely the CA was rotated and the ${local.input === 'secrets-bundle' ? 'bundle' : 'machine configuration'} `,
      said`was not updated (talosctl rotate-ca leaves secrets.yaml as it was), or it is another cluster's. `,
      refresh(local.input)
    )
    return { kind, status: 'broken', message }
  }
  // The throwaway proves the CA, not a role: the least the cluster lets in (drillProfile).
  const issued = await local.issue({
    kind,
    profile: standing.drillProfile,
    ttlMs: THROWAWAY_TTL_MS,
    ttlInput: 'break-glass-drill',
    ttlGiven: false,
    now,
    current: standing.current,
    allowCaChange: false
  })
  // Never printed, never written; masked all the same, as every key this action makes.
  issuedSecretForms(issued.credential).forEach((value) => deps.mask(value))
  if (!options.dial) {
    const message = said`the offline checks passed; 'verify-connection: never' keeps the drill off the network`
    return { kind, status: 'checked', message }
  }
  const verdict = await attempt(standing.proofTarget, issued.credential, PROOF_BOUNDS, 'drill')
  const signed = said`a throwaway ${kind} certificate signed with ${ca.signer}`
  if (verdict.outcome === 'accepted') return { kind, status: 'proven', message: said`${signed}: ${verdict.message}` }
  if (verdict.outcome === 'unreachable') {
    return {
      kind,
      status: 'checked',
      message: said`no endpoint answered (${verdict.message}); the offline checks passed`
    }
  }
  return {
    kind,
    status: 'broken',
    message: said`the cluster refused ${signed}: ${verdict.message}. The cluster no longer trusts that CA. `.concat(
      refresh(local.input)
    )
  }
}

/** broken when any credential is; proven when every one was; checked otherwise. */
function summed(source: string, credentials: DrillResult[]): BreakGlass {
  const status: DrillStatus = credentials.some(({ status }) => status === 'broken')
    ? 'broken'
    : credentials.length > 0 && credentials.every(({ status }) => status === 'proven')
      ? 'proven'
      : 'checked'
  const message =
    credentials.length === 0
      ? said`the source opened and its CA checked; no credential with a client certificate to prove it against`
      : joined(
          credentials.map(({ kind, message }) => said`${kind}: ${message}`),
          '; '
        )
  return { status, source, message, credentials }
}

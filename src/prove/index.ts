// Proof against the live cluster that a new credential works, before it replaces the old one:
// Talos's Version for a talosconfig, Kubernetes's SelfSubjectReview for a kubeconfig. Loaded
// only when there is something to prove; the network clients load only on their own path.
import { UserError } from '../errors.js'
import type { Credential } from '../pki/issue.js'
import { NoAnswer, Rejected } from './errors.js'

/** auto: prove when the cluster can be reached; always: never write unproven; never: do not try. */
export type VerifyConnection = 'auto' | 'always' | 'never'

/** Where a new credential is proven: a talosconfig context's endpoints, or a kubeconfig's server. */
export type ProofTarget =
  | { kind: 'talosconfig'; context: string; endpoints: string[] }
  | { kind: 'kubeconfig'; context: string; server: string }

/** 5 s an endpoint, 20 s in all: a proof must not hold up a run that cannot have one. */
export const PROOF_BOUNDS = { attemptMs: 5_000, totalMs: 20_000 }

/** What a proof found: accepted, or the cluster could not be reached (a rejection throws). */
export interface Proof {
  verified: boolean
  /** For the log: who answered, or why none did (the caller says what that means for the write). */
  message: string
}

/** How much a proof is wanted: verify-connection's mode, or always, with why, when a CA changed. */
export interface ProofDemand {
  mode: VerifyConnection
  /** Why the proof cannot be skipped, when it is not verify-connection that says so. */
  requiredBecause?: string
}

/** What the cluster made of a credential: it accepted it, refused it, or did not answer. */
export type Verdict =
  { outcome: 'accepted'; message: string } | { outcome: 'rejected' | 'unreachable'; message: string }

/**
 * One try of a credential against the live cluster, within the bounds, whatever it is for: a
 * renewal's proof, or the break-glass drill's throwaway certificate.
 */
export async function attempt(target: ProofTarget, credential: Credential, bounds = PROOF_BOUNDS): Promise<Verdict> {
  try {
    const message =
      target.kind === 'talosconfig'
        ? await proveTalos(target, credential, bounds)
        : await proveKubernetes(target, credential, bounds)
    return { outcome: 'accepted', message }
  } catch (error) {
    if (error instanceof Rejected) return { outcome: 'rejected', message: error.message }
    if (error instanceof NoAnswer) return { outcome: 'unreachable', message: error.message }
    throw error
  }
}

export async function prove(
  target: ProofTarget,
  credential: Credential,
  { mode, requiredBecause }: ProofDemand,
  bounds = PROOF_BOUNDS
): Promise<Proof | undefined> {
  if (mode === 'never' && !requiredBecause) return undefined
  const what = `the new ${target.kind} of context '${target.context}'`
  const verdict = await attempt(target, credential, bounds)
  if (verdict.outcome === 'accepted') {
    return { verified: true, message: `Proved ${what} against the cluster: ${verdict.message}.` }
  }
  if (verdict.outcome === 'rejected') {
    throw new UserError(`The cluster refused ${what}, so nothing was written: ${verdict.message}`, 'verify-connection')
  }
  if (requiredBecause) {
    throw new UserError(
      `Could not prove ${what} against the cluster, and ${requiredBecause}, so nothing was written: ` +
        `${verdict.message}. Let the runner reach the cluster (a self-hosted runner or a VPN), then run it again.`,
      'allow-ca-change'
    )
  }
  if (mode === 'always') {
    throw new UserError(
      `Could not prove ${what} against the cluster, and 'verify-connection' is always, so nothing was written: ` +
        `${verdict.message}. Let the runner reach the cluster, or set 'verify-connection' to auto.`,
      'verify-connection'
    )
  }
  return { verified: false, message: `Could not prove ${what} against the cluster (${verdict.message})` }
}

async function proveTalos(
  target: Extract<ProofTarget, { kind: 'talosconfig' }>,
  credential: Credential,
  bounds: typeof PROOF_BOUNDS
): Promise<string> {
  const { version } = await import('../talos-api/client.js')
  const { Unreachable } = await import('../talos-api/errors.js')
  try {
    const answer = await version({ context: target.context, endpoints: target.endpoints, ...credential }, bounds)
    return `${answer.target}${answer.hostname ? ` (${answer.hostname})` : ''} answered Version${answer.tag ? `, Talos ${answer.tag}` : ''}`
  } catch (error) {
    if (error instanceof Unreachable)
      throw new NoAnswer(`no endpoint answered: ${error.failures.join('; ') || 'none within the time limit'}`)
    if (error instanceof UserError) throw new Rejected(error.message)
    throw error
  }
}

async function proveKubernetes(
  target: Extract<ProofTarget, { kind: 'kubeconfig' }>,
  credential: Credential,
  bounds: typeof PROOF_BOUNDS
): Promise<string> {
  const { whoAmI } = await import('./kubernetes.js')
  return whoAmI(target.server, credential, bounds)
}

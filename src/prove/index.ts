// Proof against the live cluster that a new credential works, before it replaces the old one:
// Talos's Version for a talosconfig, Kubernetes's SelfSubjectReview for a kubeconfig. Loaded
// only when there is something to prove; the network clients load only on their own path.
import { UserError } from '../errors.js'
import type { Credential } from '../pki/issue.js'
import { inspectCertificate } from '../pki/inspect.js'
import { NoAnswer, Rejected } from './errors.js'
import type { ProofTarget } from './targets.js'
import { joined, said, type Text } from '../text.js'

/** auto: prove when the cluster can be reached; always: never write unproven; never: do not try. */
export type VerifyConnection = 'auto' | 'always' | 'never'

export type { ProofTarget } from './targets.js'

/** 5 s an endpoint, 20 s in all: a proof must not hold up a run that cannot have one. */
export const PROOF_BOUNDS = { attemptMs: 5_000, totalMs: 20_000 }

/** What a proof found: accepted, or the cluster could not be reached (a rejection throws). */
export interface Proof {
  verified: boolean
  /** For the log: who answered, or why none did (the caller says what that means for the write). */
  message: Text
}

/** How much a proof is wanted: verify-connection's mode, or always, with why, when a CA changed. */
export interface ProofDemand {
  mode: VerifyConnection
  /** Why the proof cannot be skipped, when it is not verify-connection that says so. */
  requiredBecause?: string
}

/** What the cluster made of a credential: it accepted it, refused it, or did not answer. */
export type Verdict = { outcome: 'accepted'; message: Text } | { outcome: 'rejected' | 'unreachable'; message: Text }

/**
 * What a try is for. A renewal must be the identity it claims: an admin kubeconfig the API
 * server refuses (403) is not one. The drill's throwaway proves the CA only, so a server that
 * authenticated it and refused its least-privileged user has proven what was asked.
 */
export type Purpose = 'renewal' | 'drill'

/**
 * One try of a credential against the live cluster, within the bounds, whatever it is for: a
 * renewal's proof, or the break-glass drill's throwaway certificate.
 */
export async function attempt(
  target: ProofTarget,
  credential: Credential,
  bounds = PROOF_BOUNDS,
  purpose: Purpose = 'renewal'
): Promise<Verdict> {
  try {
    const message =
      target.kind === 'talosconfig'
        ? await proveTalos(target, credential, bounds)
        : await proveKubernetes(target, credential, bounds, purpose)
    return { outcome: 'accepted', message }
  } catch (error) {
    if (error instanceof Rejected) return { outcome: 'rejected', message: error.text }
    if (error instanceof NoAnswer) return { outcome: 'unreachable', message: error.text }
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
    return { verified: true, message: said`Proved ${what} against the cluster: ${verdict.message}.` }
  }
  if (verdict.outcome === 'rejected') {
    throw new UserError(
      said`The cluster refused ${what}, so nothing was written: ${verdict.message}`,
      'verify-connection'
    )
  }
  if (requiredBecause) {
    throw new UserError(
      said`Could not prove ${what} against the cluster, and ${requiredBecause}, so nothing was written: `.concat(
        said`${verdict.message}. Let the runner reach the cluster (a self-hosted runner or a VPN), then run it again.`
      ),
      'allow-ca-change'
    )
  }
  if (mode === 'always') {
    throw new UserError(
      said`Could not prove ${what} against the cluster, and 'verify-connection' is always, so nothing was written: `.concat(
        said`${verdict.message}. Let the runner reach the cluster, or set 'verify-connection' to auto.`
      ),
      'verify-connection'
    )
  }
  return { verified: false, message: said`Could not prove ${what} against the cluster (${verdict.message})` }
}

async function proveTalos(
  target: Extract<ProofTarget, { kind: 'talosconfig' }>,
  credential: Credential,
  bounds: typeof PROOF_BOUNDS
): Promise<Text> {
  const { version } = await import('../talos-api/client.js')
  const { Forbidden, Unreachable } = await import('../talos-api/errors.js')
  try {
    const answer = await version({ context: target.context, endpoints: target.endpoints, ...credential }, bounds)
    const hostname = answer.hostname ? said` (${answer.hostname})` : undefined
    const tag = answer.tag ? said`, Talos ${answer.tag}` : undefined
    return said`${answer.target}`.concat(hostname, said` answered Version`, tag)
  } catch (error) {
    // Any role may call Version but a few (os:etcd:backup): a refusal to the roles proves the certificate.
    if (error instanceof Forbidden)
      return said`${error.target} accepted the certificate and refused Version to its roles (permission denied)`
    if (error instanceof Unreachable) throw new NoAnswer(said`no endpoint answered: ${joined(error.failures, '; ')}`)
    if (error instanceof UserError) throw new Rejected(error.text)
    throw error
  }
}

async function proveKubernetes(
  target: Extract<ProofTarget, { kind: 'kubeconfig' }>,
  credential: Credential,
  bounds: typeof PROOF_BOUNDS,
  purpose: Purpose
): Promise<Text> {
  const { whoAmI } = await import('./kubernetes.js')
  const certificate = inspectCertificate(credential.crtPem)
  const expected = {
    username: certificate?.commonName ?? '',
    groups: certificate?.organizations ?? [],
    refusalProves: purpose === 'drill'
  }
  return whoAmI(target.server, credential, expected, bounds)
}

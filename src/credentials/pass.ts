// What every kind of credential file gives main: the file read and judged, and, when it is
// due, what to ask an issuer for and how to write the answer back. main runs the same pass for
// each kind and never asks which kind it holds; each kind lives in its own folder beside this.
import type { Decision, DueRule, Mode } from '../plan.js'
import type { CredentialKind, CurrentCredential, Issued, Note } from '../issuers/issuer.js'
import type { ApiContext } from '../issuers/talos-api.js'
import type { CertificateProfile } from '../pki/profile.js'
import type { ProofTarget } from '../prove/index.js'
import type { CheckedContext, ContextReport, ReportRule } from './judge.js'

/** What every kind is opened with: the run's mode and due rule, the clock, and the mask. */
export interface PassContext {
  mode: Mode
  rule: DueRule
  now: Date
  /** Registers a value the runner must mask in every later log line. */
  mask(value: string): void
}

/** The request an issuer gets for this credential, less what the run adds (now, allow-ca-change). */
export interface RenewalRequest {
  profile: CertificateProfile
  /** What the person running the workflow should know about this renewal (a change of roles). */
  notes: Note[]
  /** The lifetime, the input that set it (for messages), and whether the user set it at all. */
  ttl: { ms: number; input: string; given: boolean }
  current: CurrentCredential | undefined
}

/** A credential as it stands at the end of the run: what it trusts, where it is proven, its profile. */
export interface Standing {
  current: CurrentCredential
  proofTarget: ProofTarget
  /** The profile of the drill's throwaway certificate: the least privilege that proves the CA. */
  drillProfile: CertificateProfile
}

/** What a personal talosconfig copies from the pipeline's file: its context's name, endpoints, nodes and trust. */
export interface SharedContext {
  name: string
  endpoints: string[]
  nodes: string[]
  /** The pipeline's credential: what signs a person's certificate must be a CA it trusts, and its trust is copied. */
  trusted: CurrentCredential & { caPem: string }
}

/** The rendered file read back once: its context as the judge sees it, and where it can be proven. */
export interface ReadBack {
  context: CheckedContext
  proofTarget: ProofTarget
}

export interface CredentialPass {
  kind: CredentialKind
  /** The selected context: the one checked for the outputs and renewed when due. */
  context: string
  /** Every endpoint, node and server the inputs and the file name: never shown to people. */
  addresses: string[]
  /** Every context of the file, judged, the selected one first; empty when there is no file yet. */
  contexts: ContextReport[]
  /** The selected context's decision (a missing certificate's, when there is no file yet). */
  decision: Decision
  /** The secret a renewal is written to; undefined when the credential is only checked. */
  secretName: string | undefined
  /** The due rule with this kind's lifetime, for judging the CA after a renewal. */
  reportRule: ReportRule
  /** The public copy's variable: public-variable and this suffix. */
  publicSuffix: string
  /** The talosconfig context the Talos API can be called with, for the kind that holds one. */
  apiContext?: ApiContext
  /** What to ask an issuer for; throws a UserError when the credential cannot be renewed. */
  request(): RenewalRequest
  /** The new file: the current one with the issued credential in place, everything else kept. */
  render(issued: Issued): string
  readBack(text: string): ReadBack
  /** The file without private keys, for a public Actions variable: the renewed text, or the current file. */
  publicCopy(renewedText: string | undefined): string | undefined
  /**
   * The credential as it stands after the run (the renewed text, or the current file), for the
   * break-glass drill; undefined when there is none with a certificate, or the run only checks it.
   */
  standing(renewedText: string | undefined): Standing | undefined
  /** The context a personal talosconfig copies, as the file stands after the run; the talosconfig's only. */
  shared?(renewedText: string | undefined): SharedContext | undefined
}

/** Which step output carries which fact of a kind; the optional ones only some kinds have. */
export interface OutputNames {
  kind: CredentialKind
  status: string
  expiresAt: string
  renewed: string
  through: string
  path: string
  daysRemaining?: string
  newExpiresAt?: string
  secretUpdated?: string
  caExpiresAt?: string
}

// One interface for every way of getting a new client credential. main asks an Issuer and
// never knows which one it holds; each implementation lives in its own file beside this one.
import type { Credential } from '../pki/issue.js'
import type { Text } from '../text.js'
import type { CertificateProfile } from '../pki/profile.js'

/** The credential files this action keeps alive. */
export type CredentialKind = 'talosconfig' | 'kubeconfig'

/** How a credential was renewed, as the outputs and the summary say it. */
export type RenewedThrough = 'talos-api' | 'secrets-bundle' | 'machine-config'

export interface IssueRequest {
  kind: CredentialKind
  profile: CertificateProfile
  ttlMs: number
  /** The input that set the lifetime, for messages; and whether the user set it at all. */
  ttlInput: string
  ttlGiven: boolean
  now: Date
  /** The credential being replaced, when there is one. */
  current?: CurrentCredential
  /** Whether a CA other than the one the current credential trusts may sign (a CA rotation). */
  allowCaChange: boolean
}

/** What the credential being replaced trusts and carries, and where, for messages. */
export interface CurrentCredential {
  /** `talosconfig context 'prod'`, `kubeconfig context 'admin@lab'`. */
  name: Text
  caPem?: string
  crtPem?: string
  /** Where its CA sits: `contexts.prod.ca`. */
  caField: Text
}

/** Something the person running the workflow should read: why a way was taken, what changed. */
export interface Note {
  level: 'notice' | 'warning'
  message: Text
}

export interface Issued {
  /** The new certificate and key; caPem is what the new file trusts, the issuing CA first. */
  credential: Credential
  through: RenewedThrough
  /** notAfter of the CA that signed it. */
  caNotAfter: Date
  /** The notAfter asked for; undefined when the cluster decides the lifetime. */
  expectedNotAfter: Date | undefined
  /** How far the issuer's clock may be off the runner's (a node's clock, for the API). */
  clockToleranceMs: number
  /** The file now trusts a CA it did not (allow-ca-change): it must be proven before it is written. */
  caChanged?: boolean
  /** The cluster's name and API server, where the issuer knows them. */
  clusterName?: string
  server?: string
  notes: Note[]
}

export interface Issuer {
  issue(request: IssueRequest): Promise<Issued>
}

/** How far a node's clock may be off the runner's for a certificate it issued. */
export const NODE_CLOCK_TOLERANCE_MS = 5 * 60_000

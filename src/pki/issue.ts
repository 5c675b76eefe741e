import { createPublicKey } from 'node:crypto'
import type { CaOrigin, LocalCa } from './ca.js'
import { clientKeyAlgorithmFor, generatePrivateKey, writePrivateKeyPem } from './keys.js'
import { CLOCK_SKEW_ALLOWANCE_MS, type CertificateProfile } from './profile.js'

/** A client credential as a talosconfig or kubeconfig carries it: PEM text. */
export interface Credential {
  caPem: string
  crtPem: string
  keyPem: string
}

export interface IssueRequest {
  profile: CertificateProfile
  ttlMs: number
  now: Date
}

/**
 * A CA whose key is at hand, as X.509 sees it. (The strategies that choose between this and
 * the cluster's API are the Issuers of src/issuers/.)
 */
export interface CaSigner {
  /** Where the CA comes from, for messages. */
  origin: CaOrigin
  caPem: string
  caNotAfter: Date
  issue(request: IssueRequest): Promise<Credential>
}

/**
 * A signer over a CA whose key is at hand (from the secrets bundle): it makes a fresh key
 * of the algorithm Talos would pick and signs the certificate itself.
 */
export function caSigner(ca: LocalCa, origin: CaOrigin): CaSigner {
  return {
    origin,
    caPem: ca.crtPem,
    caNotAfter: new Date(ca.certificate.validTo),
    async issue({ profile, ttlMs, now }) {
      const key = await generatePrivateKey(profile.keyAlgorithm ?? clientKeyAlgorithmFor(ca.algorithm))
      const { signCertificate } = await import('./sign.js')
      const crtPem = await signCertificate({
        ca,
        profile,
        publicKey: createPublicKey(key),
        notBefore: new Date(now.getTime() - CLOCK_SKEW_ALLOWANCE_MS),
        notAfter: new Date(now.getTime() + ttlMs)
      })
      return { caPem: ca.crtPem, crtPem, keyPem: writePrivateKeyPem(key) }
    }
  }
}

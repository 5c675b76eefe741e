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

/** Anything that can issue a client credential: a local CA now, the cluster's API later. */
export interface Issuer {
  /** Where the CA comes from, for messages. */
  origin: CaOrigin
  caPem: string
  caNotAfter: Date
  issue(request: IssueRequest): Promise<Credential>
}

/**
 * An issuer over a CA whose key is at hand (from the secrets bundle): it makes a fresh key
 * of the algorithm Talos would pick and signs the certificate itself.
 */
export function localCaIssuer(ca: LocalCa, origin: CaOrigin): Issuer {
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

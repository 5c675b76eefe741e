/**
 * What a client certificate looks like, as plain values: the subject and usages a CA puts
 * into it. Talos and Kubernetes each have their own profile.
 */
export interface CertificateProfile {
  /** One O per entry, in this order (Talos puts roles here, sorted). */
  organizations: string[]
  commonName?: string
  keyUsages: Array<'digitalSignature' | 'keyEncipherment'>
  /** Talos 1.12+ refuses a client certificate whose EKU is anything but exactly clientAuth. */
  extendedKeyUsages: Array<'clientAuth'>
}

/** Talos's NewAdminCertificateAndKey: O per role (sorted), no CN, digitalSignature, clientAuth. */
export function talosClientProfile(roles: readonly string[]): CertificateProfile {
  return {
    organizations: [...roles].sort(),
    keyUsages: ['digitalSignature'],
    extendedKeyUsages: ['clientAuth']
  }
}

/**
 * Talos does not backdate notBefore; a node whose clock runs a little behind the runner would
 * then call a brand-new certificate "not yet valid". Five minutes covers ordinary skew.
 */
export const CLOCK_SKEW_ALLOWANCE_MS = 5 * 60_000

import type { KeyAlgorithm } from './keys.js'

/** The roles Talos knows; apid reads them from a client certificate's O. */
export const TALOS_ROLES = [
  'os:admin',
  'os:operator',
  'os:reader',
  'os:etcd:backup',
  'os:image:verifier',
  'os:meta:writer',
  'os:impersonator'
] as const

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
  /** A fixed key algorithm; without one the key follows the CA, as for talosconfigs. */
  keyAlgorithm?: KeyAlgorithm
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
 * Talos's GenerateAdmin for the admin kubeconfig: CN=admin, O=system:masters,
 * digitalSignature and keyEncipherment, clientAuth; always an ECDSA P-256 key.
 */
export function kubernetesAdminProfile(): CertificateProfile {
  return {
    organizations: ['system:masters'],
    commonName: 'admin',
    keyUsages: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsages: ['clientAuth'],
    keyAlgorithm: { kind: 'ecdsa', curve: 'P-256' }
  }
}

/**
 * The break-glass drill's throwaway certificates prove a CA, not a role: the least each API
 * lets in. Talos lets os:reader call Version; the Kubernetes API server lets any authenticated
 * user create a SelfSubjectReview, so that certificate has a name of its own and no group.
 */
export const talosProbeProfile = (): CertificateProfile => talosClientProfile(['os:reader'])

export const KUBERNETES_PROBE_USER = 'talos-client-cert-renewal:break-glass-drill'

export function kubernetesProbeProfile(): CertificateProfile {
  return { ...kubernetesAdminProfile(), organizations: [], commonName: KUBERNETES_PROBE_USER }
}

/**
 * Talos does not backdate notBefore; a node whose clock runs a little behind the runner would
 * then call a brand-new certificate "not yet valid". Five minutes covers ordinary skew.
 */
export const CLOCK_SKEW_ALLOWANCE_MS = 5 * 60_000

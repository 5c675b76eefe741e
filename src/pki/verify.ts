import { X509Certificate } from 'node:crypto'
import { inspectCertificate, issuerAmong, OID_CLIENT_AUTH } from './inspect.js'
import { readPrivateKeyPem } from './keys.js'
import type { Credential } from './issue.js'
import type { CertificateProfile } from './profile.js'

export interface Expectation {
  profile: CertificateProfile
  /** The notAfter asked for; undefined when the issuer chose it (it must then lie ahead). */
  notAfter: Date | undefined
  now: Date
  /** How far the issuer's clock may be off (a node issuing through the Talos API); 1 s by default. */
  skewToleranceMs?: number
}

/**
 * Checks a new credential before it leaves the process: it chains to a CA its file trusts, the key is its
 * key, it is valid now until the asked-for time, and its subject and usages are the profile's.
 * Returns the problems found, in words; an empty list means it is sound.
 */
export function verifyCredential(credential: Credential, expected: Expectation): string[] {
  const problems: string[] = []
  const info = inspectCertificate(credential.crtPem)
  if (!info) return ['the new certificate does not parse']
  const certificate = new X509Certificate(credential.crtPem)
  // The file's own trust list (one CA, or several during a rotation) must hold its issuer.
  const ca = issuerAmong(credential.crtPem, credential.caPem)
  if (!ca) problems.push('it does not chain to a CA its file trusts')
  const key = readPrivateKeyPem(credential.keyPem)
  if (!key || !certificate.checkPrivateKey(key)) {
    problems.push('its private key does not match it')
  }
  // X.509 times have whole seconds.
  const tolerance = expected.skewToleranceMs ?? 1000
  if (info.notBefore.getTime() > expected.now.getTime() + tolerance)
    problems.push(`it is not valid before ${info.notBefore.toISOString()}`)
  if (expected.notAfter && Math.abs(info.notAfter.getTime() - expected.notAfter.getTime()) >= tolerance) {
    problems.push(`it expires at ${info.notAfter.toISOString()}, not ${expected.notAfter.toISOString()}`)
  }
  if (!expected.notAfter && info.notAfter <= expected.now) problems.push(`it expired at ${info.notAfter.toISOString()}`)
  if (ca && info.notAfter > new Date(ca.validTo)) problems.push('it outlives its CA')
  if (info.extendedKeyUsages.join() !== OID_CLIENT_AUTH)
    problems.push('its extended key usage is not exactly clientAuth')
  if (info.organizations.join() !== expected.profile.organizations.join())
    problems.push('its roles are not the ones asked for')
  if (info.commonName !== expected.profile.commonName) problems.push('its common name is not the one asked for')
  return problems
}

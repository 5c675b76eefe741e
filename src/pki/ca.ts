import { X509Certificate, type KeyObject } from 'node:crypto'
import { UserError } from '../errors.js'
import { describeAlgorithm, keyAlgorithmOf, readPrivateKeyPem, type KeyAlgorithm } from './keys.js'

/** A CA certificate with its private key, checked to belong together and to be usable. */
export interface LocalCa {
  crtPem: string
  certificate: X509Certificate
  key: KeyObject
  algorithm: KeyAlgorithm
}

/** Where CA material came from, for messages: `certs.os` of input `secrets-bundle`. */
export interface CaOrigin {
  input: string
  path: string
}

/**
 * Loads and checks a CA: the certificate parses, is a CA, is valid now, and the key belongs
 * to it. Each failure says which field of which input is wrong; none quotes key material.
 */
export function loadLocalCa(crtPem: string, keyPem: string, origin: CaOrigin, now: Date): LocalCa {
  const where = `${origin.path} in input '${origin.input}'`
  let certificate: X509Certificate
  try {
    certificate = new X509Certificate(crtPem)
  } catch {
    throw new UserError(`${where}.crt is not a PEM certificate.`, origin.input)
  }
  if (!certificate.ca) {
    throw new UserError(
      `${where}.crt is not a CA certificate (it lacks the CA basic constraint); it cannot sign client certificates.`,
      origin.input
    )
  }
  const key = readPrivateKeyPem(keyPem)
  const algorithm = key && keyAlgorithmOf(key)
  if (!key || !algorithm) {
    throw new UserError(
      `${where}.key is not a private key Talos writes (ED25519, EC, RSA or PKCS#8 PRIVATE KEY in PEM).`,
      origin.input
    )
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new UserError(
      `${where}.key does not belong to ${origin.path}.crt (${describeAlgorithm(algorithm)} key); check that both come from the same bundle.`,
      origin.input
    )
  }
  checkValidNow(certificate, where, origin.input, now)
  return { crtPem, certificate, key, algorithm }
}

function checkValidNow(certificate: X509Certificate, where: string, input: string, now: Date): void {
  const notBefore = new Date(certificate.validFrom)
  const notAfter = new Date(certificate.validTo)
  if (now < notBefore) {
    throw new UserError(`${where}.crt is not valid before ${notBefore.toISOString()}; check the runner's clock.`, input)
  }
  if (now > notAfter) {
    throw new UserError(
      `${where}.crt expired on ${notAfter.toISOString()}; a new client certificate cannot be issued from an expired CA. Rotate the CA (see Talos's CA rotation guide).`,
      input
    )
  }
}

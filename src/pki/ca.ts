import { own, said, type Text } from '../text.js'
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
  const crt = describeField(origin, 'crt')
  let certificate: X509Certificate
  try {
    certificate = new X509Certificate(crtPem)
  } catch {
    throw new UserError(said`${crt} is not a PEM certificate.`, origin.input)
  }
  // OpenSSL's CA check, behind Node's `ca`, wants the CA basic constraint and, where key
  // usages are listed, certSign among them: as Go's x509 does when signing.
  if (!certificate.ca) {
    throw new UserError(
      said`${crt} is not a CA certificate (it lacks the CA basic constraint `.concat(
        said`or the certSign key usage); it cannot sign client certificates.`
      ),
      origin.input
    )
  }
  const key = readPrivateKeyPem(keyPem)
  const algorithm = key && keyAlgorithmOf(key)
  if (!key || !algorithm) {
    throw new UserError(
      said`${describeField(origin, 'key')} is not a private key Talos writes (ED25519, EC, RSA or PKCS#8 PRIVATE KEY in PEM).`,
      origin.input
    )
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new UserError(
      said`${describeField(origin, 'key')} does not belong to ${own(origin.path)}.crt (${describeAlgorithm(algorithm)} key); `.concat(
        said`check that both come from the same bundle.`
      ),
      origin.input
    )
  }
  checkValidNow(certificate, crt, origin.input, now)
  return { crtPem, certificate, key, algorithm }
}

/** `certs.os.crt in input 'secrets-bundle'`: where a field is, for messages. */
function describeField(origin: CaOrigin, leaf: 'crt' | 'key'): Text {
  return said`${own(`${origin.path}.${leaf}`)} in input '${origin.input}'`
}

function checkValidNow(certificate: X509Certificate, crt: Text, input: string, now: Date): void {
  const notBefore = new Date(certificate.validFrom)
  const notAfter = new Date(certificate.validTo)
  if (now < notBefore) {
    throw new UserError(said`${crt} is not valid before ${notBefore.toISOString()}; check the runner's clock.`, input)
  }
  if (now > notAfter) {
    throw new UserError(
      said`${crt} expired on ${notAfter.toISOString()}; a new client certificate cannot be issued from an expired CA. `.concat(
        said`Rotate the CA (see Talos's CA rotation guide).`
      ),
      input
    )
  }
}

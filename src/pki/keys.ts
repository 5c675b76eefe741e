import { createPrivateKey, generateKeyPair, type KeyObject } from 'node:crypto'
import { encodePem, parsePem } from '../encoding.js'

/** The key algorithms Talos has used for its CAs and client certificates. */
export type KeyAlgorithm =
  { kind: 'ed25519' } | { kind: 'ecdsa'; curve: 'P-256' | 'P-384' | 'P-521' } | { kind: 'rsa'; bits: number }

/**
 * Reads a private key under any label Talos writes or accepts: `ED25519 PRIVATE KEY` (PKCS#8
 * under Talos's own non-standard label), `EC PRIVATE KEY` (SEC1), `RSA PRIVATE KEY` (PKCS#1)
 * and `PRIVATE KEY` (PKCS#8). Returns undefined for anything else; never echoes the text.
 */
export function readPrivateKeyPem(pem: string): KeyObject | undefined {
  const [block] = parsePem(pem)
  if (!block) return undefined
  const type = {
    'ED25519 PRIVATE KEY': 'pkcs8',
    'PRIVATE KEY': 'pkcs8',
    'EC PRIVATE KEY': 'sec1',
    'RSA PRIVATE KEY': 'pkcs1'
  }[block.label] as 'pkcs8' | 'sec1' | 'pkcs1' | undefined
  // Stryker disable next-line ConditionalExpression: without a type, createPrivateKey throws and the catch says the same.
  if (!type) return undefined
  try {
    return createPrivateKey({ key: block.der, format: 'der', type })
    // Stryker disable next-line BlockStatement: an empty catch falls out of the function, returning undefined too.
  } catch {
    return undefined
  }
}

export function keyAlgorithmOf(key: KeyObject): KeyAlgorithm | undefined {
  const details = key.asymmetricKeyDetails ?? {}
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return { kind: 'ed25519' }
    case 'rsa':
      return { kind: 'rsa', bits: details.modulusLength ?? 0 }
    case 'ec': {
      const curve = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }[details.namedCurve ?? ''] as
        'P-256' | 'P-384' | 'P-521' | undefined
      return curve ? { kind: 'ecdsa', curve } : undefined
    }
    default:
      return undefined
  }
}

export function describeAlgorithm(algorithm: KeyAlgorithm): string {
  switch (algorithm.kind) {
    case 'ed25519':
      return 'Ed25519'
    case 'ecdsa':
      return `ECDSA ${algorithm.curve}`
    case 'rsa':
      return `RSA-${algorithm.bits}`
  }
}

/**
 * The client key algorithm Talos picks for a CA (NewAdminCertificateAndKey): Ed25519 for an
 * Ed25519 CA, P-256 for any ECDSA CA, RSA-4096 for an RSA CA.
 */
export function clientKeyAlgorithmFor(ca: KeyAlgorithm): KeyAlgorithm {
  switch (ca.kind) {
    case 'ed25519':
      return ca
    case 'ecdsa':
      return { kind: 'ecdsa', curve: 'P-256' }
    case 'rsa':
      return { kind: 'rsa', bits: 4096 }
  }
}

export function generatePrivateKey(algorithm: KeyAlgorithm): Promise<KeyObject> {
  // Callbacks rather than util.promisify: node:util costs milliseconds at every start.
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, _publicKey: KeyObject, privateKey: KeyObject): void =>
      error ? reject(error) : resolve(privateKey)
    switch (algorithm.kind) {
      case 'ed25519':
        return generateKeyPair('ed25519', {}, done)
      case 'ecdsa':
        return generateKeyPair('ec', { namedCurve: algorithm.curve }, done)
      case 'rsa':
        return generateKeyPair('rsa', { modulusLength: algorithm.bits }, done)
    }
  })
}

/** PEM of a private key under the label Talos writes for it (older Talos signs only with these). */
export function writePrivateKeyPem(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return encodePem('ED25519 PRIVATE KEY', key.export({ format: 'der', type: 'pkcs8' }))
    case 'ec':
      return key.export({ format: 'pem', type: 'sec1' }).toString()
    case 'rsa':
      return key.export({ format: 'pem', type: 'pkcs1' }).toString()
    default:
      throw new Error(`unsupported key type ${key.asymmetricKeyType ?? 'none'}`)
  }
}

// Certificate signing with @peculiar/x509. This module is heavy to load, so it is imported
// only when a certificate is actually issued; checking expiry never loads it.
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import { randomBytes, webcrypto, type KeyObject } from 'node:crypto'
import type { LocalCa } from './ca.js'
import type { KeyAlgorithm } from './keys.js'
import type { CertificateProfile } from './profile.js'

// Node's WebCrypto is the provider; its types differ from the DOM ones the library names.
// Stryker disable next-line all: the library falls back to globalThis.crypto, the same object on Node 20 and later.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0])

export interface SignRequest {
  ca: LocalCa
  profile: CertificateProfile
  publicKey: KeyObject
  notBefore: Date
  notAfter: Date
}

/** WebCrypto parameters for signing with a CA key, choosing the hash as Go's x509 does. */
type ImportParams = webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams | webcrypto.Algorithm
type SignParams = webcrypto.Algorithm | webcrypto.EcdsaParams

function signingAlgorithm(algorithm: KeyAlgorithm): { importAs: ImportParams; sign: SignParams } {
  switch (algorithm.kind) {
    case 'ed25519':
      return { importAs: { name: 'Ed25519' }, sign: { name: 'Ed25519' } }
    case 'ecdsa': {
      const hash = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' }[algorithm.curve]
      return {
        importAs: { name: 'ECDSA', namedCurve: algorithm.curve },
        sign: { name: 'ECDSA', hash } as webcrypto.EcdsaParams
      }
    }
    case 'rsa':
      // Talos signs with SHA-512 under an RSA CA.
      return {
        importAs: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
        sign: { name: 'RSASSA-PKCS1-v1_5' }
      }
  }
}

/** Random positive serial below 2^128, as Talos draws it. */
function randomSerialHex(): string {
  return randomBytes(16).toString('hex')
}

/** Signs a certificate for `publicKey` with the CA, following the profile. Returns PEM. */
export async function signCertificate(request: SignRequest): Promise<string> {
  const { ca, profile } = request
  const caCertificate = new x509.X509Certificate(ca.crtPem)
  const { importAs, sign } = signingAlgorithm(ca.algorithm)
  const signingKey = await webcrypto.subtle.importKey(
    'pkcs8',
    ca.key.export({ format: 'der', type: 'pkcs8' }),
    importAs,
    // Stryker disable next-line BooleanLiteral: never exported either way; not extractable is the safer default.
    false,
    ['sign']
  )
  const subject: x509.JsonName = [{ O: profile.organizations }]
  if (profile.commonName) subject.push({ CN: [profile.commonName] })
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    subject,
    issuer: caCertificate.subjectName,
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    publicKey: request.publicKey.export({ format: 'der', type: 'spki' }),
    signingKey: signingKey as unknown as x509.X509CertificateCreateWithKeyParams['signingKey'],
    signingAlgorithm: sign as x509.X509CertificateCreateWithKeyParams['signingAlgorithm'],
    extensions: [
      new x509.KeyUsagesExtension(keyUsageFlags(profile.keyUsages), true),
      new x509.ExtendedKeyUsageExtension(profile.extendedKeyUsages.map((usage) => x509.ExtendedKeyUsage[usage])),
      ...authorityKeyId(caCertificate)
    ]
  })
  return certificate.toString('pem') + '\n'
}

function keyUsageFlags(usages: CertificateProfile['keyUsages']): x509.KeyUsageFlags {
  return usages.reduce<number>((flags, usage) => flags | x509.KeyUsageFlags[usage], 0)
}

/** Go's x509 copies the parent's subject key id into the child's authority key id. */
function authorityKeyId(caCertificate: x509.X509Certificate): x509.Extension[] {
  const ski = caCertificate.getExtension(x509.SubjectKeyIdentifierExtension)
  return ski ? [new x509.AuthorityKeyIdentifierExtension(ski.keyId)] : []
}

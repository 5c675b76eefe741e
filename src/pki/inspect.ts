import { X509Certificate } from 'node:crypto'

/** What matters about a client certificate for deciding and reporting; no key material. */
export interface CertificateInfo {
  /** The subject's O values: Talos reads the roles from them. */
  organizations: string[]
  commonName: string | undefined
  notBefore: Date
  notAfter: Date
  /** Extended key usage OIDs. */
  extendedKeyUsages: string[]
}

export const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2'

/**
 * Reads a certificate with Node's own X.509 parser, which is cheap to load: checking expiry
 * must not pay for the full ASN.1 toolkit that issuing needs. Returns undefined when the PEM
 * is not a certificate.
 */
export function inspectCertificate(crtPem: string): CertificateInfo | undefined {
  let certificate: X509Certificate
  try {
    certificate = new X509Certificate(crtPem)
  } catch {
    return undefined
  }
  const attributes = subjectAttributes(certificate.subject)
  return {
    organizations: attributes.filter(([type]) => type === 'O').map(([, value]) => value),
    commonName: attributes.find(([type]) => type === 'CN')?.[1],
    notBefore: new Date(certificate.validFrom),
    notAfter: new Date(certificate.validTo),
    extendedKeyUsages: certificate.keyUsage ?? []
  }
}

/** Whether `caPem` issued `crtPem`: names chain and the signature verifies. */
export function issuedBy(crtPem: string, caPem: string): boolean {
  try {
    const certificate = new X509Certificate(crtPem)
    const ca = new X509Certificate(caPem)
    return certificate.checkIssued(ca) && certificate.verify(ca.publicKey)
  } catch {
    return false
  }
}

/**
 * Node prints a subject one RDN a line, with the values of a multi-valued RDN (Go puts all
 * roles into one) joined by ' + '. Talos role names contain neither separator.
 */
function subjectAttributes(subject: string): Array<[string, string]> {
  return subject
    .split('\n')
    .flatMap((rdn) => rdn.split(' + '))
    .map((attribute): [string, string] => {
      const equals = attribute.indexOf('=')
      return [attribute.slice(0, equals), attribute.slice(equals + 1)]
    })
}

/** Whether two PEM texts hold the same certificate, whatever their line layout. */
export function sameCertificate(a: string, b: string): boolean {
  try {
    return new X509Certificate(a).raw.equals(new X509Certificate(b).raw)
  } catch {
    return false
  }
}

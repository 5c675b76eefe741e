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
  const attributes = subjectAttributes(certificate.subject ?? '')
  return {
    organizations: attributes.filter(([type]) => type === 'O').map(([, value]) => value),
    commonName: attributes.find(([type]) => type === 'CN')?.[1],
    notBefore: new Date(certificate.validFrom),
    notAfter: new Date(certificate.validTo),
    extendedKeyUsages: certificate.keyUsage ?? []
  }
}

/**
 * Every certificate in a PEM text: a talosconfig's `ca` or a kubeconfig's
 * certificate-authority-data may hold several (the issuing CA and the accepted ones, during a
 * CA rotation). Blocks that do not parse are left out.
 */
export function certificatesIn(pem: string): X509Certificate[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].flatMap((match) => {
    try {
      return [new X509Certificate(match[0])]
    } catch {
      return []
    }
  })
}

/** The certificate among `caPem`'s that issued `crtPem` (names chain, signature verifies). */
export function issuerAmong(crtPem: string, caPem: string): X509Certificate | undefined {
  try {
    const certificate = new X509Certificate(crtPem)
    return certificatesIn(caPem).find((ca) => certificate.checkIssued(ca) && certificate.verify(ca.publicKey))
    // Stryker disable next-line BlockStatement: an empty catch falls out of the function, returning undefined too.
  } catch {
    return undefined
  }
}

/** Whether any certificate of `caPem` issued `crtPem`. */
export function issuedBy(crtPem: string, caPem: string): boolean {
  return issuerAmong(crtPem, caPem) !== undefined
}

/** Whether the certificate is among those of a PEM text. */
export function trusts(caPem: string, certificate: X509Certificate): boolean {
  return certificatesIn(caPem).some((ca) => ca.raw.equals(certificate.raw))
}

/** A CA as a person can tell it apart: subject, expiry and SHA-256 fingerprint. */
export function describeCa(ca: X509Certificate): string {
  // Node gives no subject at all for an empty one (Talos's aggregator CA has one).
  const subject = (ca.subject ?? '').split('\n').join(', ') || '(empty subject)'
  return `${subject}, expires ${new Date(ca.validTo).toISOString().slice(0, 10)}, SHA-256 ${ca.fingerprint256}`
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

/** Whether two PEM texts hold the same certificates in the same order, whatever their layout. */
export function sameCertificates(a: string, b: string): boolean {
  const ders = (pem: string) => certificatesIn(pem).map((certificate) => certificate.raw.toString('base64'))
  const [first, second] = [ders(a), ders(b)]
  return first.length > 0 && first.join() === second.join()
}

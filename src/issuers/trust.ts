// What a new credential's file trusts, by one rule for every issuer: the CA that signed it must
// be one the current file trusts, and then the file's trust list is kept as it is; a new CA
// (another cluster's source, a CA rotation, or a node answering with a CA of its own) is
// refused unless allow-ca-change lets it replace the list once, with a warning.
import { said, type Text } from '../text.js'
import { X509Certificate } from 'node:crypto'
import { UserError } from '../errors.js'
import { certificatesIn, describeCa, issuedBy, trusts } from '../pki/inspect.js'
import type { CurrentCredential, IssueRequest, Note } from './issuer.js'

/** The CA that signed, and what its issuer offers the new file to trust in its place. */
export interface Offered {
  signing: X509Certificate
  /** Every CA the issuer offers (the signing one first, then those accepted beside it). */
  caPem: string
  /** Names the signing CA and where it came from: `certs.os of input 'secrets-bundle' (O=talos, …)`. */
  signer: Text
  /** Why a CA might differ, and what to check, in the issuer's own words. */
  causes: Text
}

export interface Trust {
  caPem: string
  notes: Note[]
  /** The file now trusts a CA it did not: the new credential must be proven before it is written. */
  changed: boolean
}

/**
 * The current credential trusts the signing CA when its `ca` or certificate-authority-data
 * holds it, or, with none there, when that CA issued its certificate. Without a current
 * credential (a first one), the offered CAs are taken as they are.
 */
export function trustFor(request: IssueRequest, offered: Offered): Trust {
  const { current } = request
  const theirs = current && distrusted(current, offered.signing)
  if (!current || !theirs) return { caPem: current?.caPem ?? offered.caPem, notes: [], changed: false }
  if (!request.allowCaChange) {
    throw new UserError(
      said`The CA that would sign the new ${request.kind} certificate, ${offered.signer}, is not a CA that `.concat(
        said`${current.name} trusts or was issued by (${theirs}). ${offered.causes} Nothing was written. `,
        said`Check which CA the cluster uses now; if the rotation is yours, set 'allow-ca-change: true' to renew once `,
        said`with the new CA.`
      ),
      'allow-ca-change'
    )
  }
  const message =
    said`allow-ca-change: the new ${request.kind} of ${current.name} trusts ${offered.signer}, in place of ${theirs}. `.concat(
      said`It is written only once the cluster accepts it; clients that keep `.concat(
        said`the old file work only while the cluster still accepts the old CA.`
      )
    )
  return { caPem: offered.caPem, notes: [{ level: 'warning', message }], changed: true }
}

/**
 * What the current credential trusts, in words (its CAs by subject, expiry and fingerprint),
 * when that does not include `signing`; undefined when it does, or when it trusts nothing yet.
 */
export function distrusted(current: CurrentCredential, signing: X509Certificate): Text | undefined {
  if (!current.caPem && !current.crtPem) return undefined
  const trusted = current.caPem ? certificatesIn(current.caPem) : []
  const matches =
    trusted.length > 0 ? trusts(current.caPem ?? '', signing) : issuedBy(current.crtPem ?? '', signing.toString())
  if (matches) return undefined
  return trusted.length > 0
    ? said`${current.caField}: ${trusted.map(describeCa).join('; ')}`
    : said`its certificate's issuer: ${issuerName(current.crtPem)}`
}

function issuerName(crtPem: string | undefined): string {
  try {
    return new X509Certificate(crtPem ?? '').issuer.split('\n').join(', ')
  } catch {
    return 'unreadable'
  }
}

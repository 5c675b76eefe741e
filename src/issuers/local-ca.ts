// The CA key at hand, from secrets-bundle or machine-config: signs exactly as Talos does. The
// source is read and decrypted only when this issuer is first asked for a credential.
import { X509Certificate } from 'node:crypto'
import { UserError } from '../errors.js'
import { loadLocalCa } from '../pki/ca.js'
import { certificatesIn, describeCa, issuedBy, trusts } from '../pki/inspect.js'
import { caSigner } from '../pki/issue.js'
import type { OpenedSource } from '../sources/index.js'
import type { Issued, Issuer, IssueRequest, Note } from './issuer.js'
import { plannedNotAfter } from './lifetime.js'

export class LocalCaIssuer implements Issuer {
  private opened: Promise<OpenedSource> | undefined

  constructor(
    /** The input the CA comes from, for messages: 'secrets-bundle' or 'machine-config'. */
    readonly input: 'secrets-bundle' | 'machine-config',
    private readonly open: () => Promise<OpenedSource>
  ) {}

  async issue(request: IssueRequest): Promise<Issued> {
    this.opened ??= this.open()
    const source = await this.opened
    const { ca, origin, acceptedPems } = request.kind === 'talosconfig' ? source.os : source.k8s()
    const loaded = loadLocalCa(ca.crtPem, ca.keyPem, origin, request.now)
    // Before anything is signed: the CA must be the one the current credential's cluster uses.
    const trust = trustFor(request, loaded.certificate, {
      input: this.input,
      path: origin.path,
      caPem: [ca.crtPem, ...acceptedPems].join('')
    })
    const signer = caSigner(loaded, origin)
    const notAfter = plannedNotAfter(request, signer.caNotAfter)
    const credential = await signer.issue({ profile: request.profile, ttlMs: request.ttlMs, now: request.now })
    return {
      credential: { ...credential, caPem: trust.caPem },
      through: this.input,
      caNotAfter: signer.caNotAfter,
      expectedNotAfter: notAfter,
      clockToleranceMs: 1000,
      clusterName: source.clusterName,
      server: source.kubernetesEndpoint,
      notes: trust.notes
    }
  }
}

/**
 * What the new file trusts. When the current credential trusts the signing CA (any of the CAs
 * in its `ca` or certificate-authority-data; or, with none there, the CA that issued its
 * certificate), its trust list is kept as it is. A different CA is a bundle of another cluster
 * or a CA rotation: refused, unless allow-ca-change lets the signing CA (and the CAs the source
 * accepts) replace it once.
 */
function trustFor(
  request: IssueRequest,
  signing: X509Certificate,
  source: { input: string; path: string; caPem: string }
): { caPem: string; notes: Note[] } {
  const { current } = request
  if (!current || (!current.caPem && !current.crtPem)) return { caPem: source.caPem, notes: [] }
  const trusted = current.caPem ? certificatesIn(current.caPem) : []
  const matches =
    trusted.length > 0 ? trusts(current.caPem ?? '', signing) : issuedBy(current.crtPem ?? '', signing.toString())
  if (matches) return { caPem: current.caPem ?? source.caPem, notes: [] }
  const theirs =
    trusted.length > 0
      ? `${current.caField}: ${trusted.map(describeCa).join('; ')}`
      : `its certificate's issuer: ${issuerName(current.crtPem)}`
  const signer = `${source.path} of input '${source.input}' (${describeCa(signing)})`
  if (!request.allowCaChange) {
    throw new UserError(
      `The CA that would sign the new ${request.kind} certificate, ${signer}, ` +
        `is not a CA that ${current.name} trusts or was issued by (${theirs}). ` +
        `Either '${source.input}' belongs to another cluster, ` +
        `or the CA was rotated (talosctl rotate-ca) and the new CA has not reached '${source.input}' yet, ` +
        `or it has and this ${request.kind} is older. Nothing was written. Check which CA the cluster uses now; ` +
        `if the rotation is yours, set 'allow-ca-change: true' to renew once with the new CA.`,
      'allow-ca-change'
    )
  }
  const message =
    `allow-ca-change: the new ${request.kind} of ${current.name} trusts ${signer}, in place of ${theirs}. ` +
    'Clients that keep the old file work only while the cluster still accepts the old CA.'
  return { caPem: source.caPem, notes: [{ level: 'warning', message }] }
}

function issuerName(crtPem: string | undefined): string {
  try {
    return new X509Certificate(crtPem ?? '').issuer.split('\n').join(', ')
  } catch {
    return 'unreadable'
  }
}

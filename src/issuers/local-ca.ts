// The CA key at hand, from secrets-bundle or machine-config: signs exactly as Talos does. The
// source is read and decrypted only when this issuer is first asked for a credential.
import { loadLocalCa, type CaOrigin, type LocalCa } from '../pki/ca.js'
import { describeCa } from '../pki/inspect.js'
import { caSigner } from '../pki/issue.js'
import type { OpenedSource } from '../sources/index.js'
import type { CredentialKind, Issued, Issuer, IssueRequest } from './issuer.js'
import { plannedNotAfter } from './lifetime.js'
import { own, said, type Text } from '../text.js'
import { trustFor } from './trust.js'

/** A CA of the source, ready to sign: what it is, where it came from, and what it offers to be trusted. */
export interface SourceCaAtHand {
  loaded: LocalCa
  origin: CaOrigin
  source: OpenedSource
  /** The signing CA, then the CAs the source accepts beside it. */
  caPem: string
  /** `certs.os of input 'secrets-bundle' (O=talos, expires …, SHA-256 …)`. */
  signer: Text
}

export class LocalCaIssuer implements Issuer {
  private opened: Promise<OpenedSource> | undefined

  constructor(
    /** The input the CA comes from, for messages: 'secrets-bundle' or 'machine-config'. */
    readonly input: 'secrets-bundle' | 'machine-config',
    private readonly open: () => Promise<OpenedSource>
  ) {}

  /**
   * The CA this source signs a kind with: the source opened (decrypted, verified, parsed) on
   * first use, and the CA checked to be usable now with its key belonging to it.
   */
  async ca(kind: CredentialKind, now: Date): Promise<SourceCaAtHand> {
    this.opened ??= this.open()
    const source = await this.opened
    const { ca, origin, acceptedPems } = kind === 'talosconfig' ? source.os : source.k8s()
    const loaded = loadLocalCa(ca.crtPem, ca.keyPem, origin, now)
    return {
      loaded,
      origin,
      source,
      caPem: [ca.crtPem, ...acceptedPems].join(''),
      signer: said`${own(origin.path)} of input '${this.input}' (${describeCa(loaded.certificate)})`
    }
  }

  async issue(request: IssueRequest): Promise<Issued> {
    const { loaded, origin, source, caPem, signer: described } = await this.ca(request.kind, request.now)
    // Before anything is signed: the CA must be the one the current credential's cluster uses.
    const trust = trustFor(request, {
      signing: loaded.certificate,
      caPem,
      signer: described,
      causes:
        said`Either '${this.input}' belongs to another cluster, or the CA was rotated (talosctl rotate-ca) and the `.concat(
          said`new CA has not reached '${this.input}' yet, or it has and this ${request.kind} is older.`
        )
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
      notes: trust.notes,
      caChanged: trust.changed
    }
  }
}

// The CA key at hand, from secrets-bundle or machine-config: signs exactly as Talos does. The
// source is read and decrypted only when this issuer is first asked for a credential.
import { loadLocalCa } from '../pki/ca.js'
import { issuedBy, sameCertificate } from '../pki/inspect.js'
import { localCaIssuer } from '../pki/issue.js'
import type { OpenedSource, SourceCa } from '../sources/index.js'
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
    const issuer = localCaIssuer(loadLocalCa(ca.crtPem, ca.keyPem, origin, request.now), origin)
    const notAfter = plannedNotAfter(request, issuer.caNotAfter)
    const credential = await issuer.issue({ profile: request.profile, ttlMs: request.ttlMs, now: request.now })
    return {
      // What Talos writes: the issuing CA, then every CA the cluster still accepts.
      credential: { ...credential, caPem: [credential.caPem, ...acceptedPems].join('') },
      through: this.input,
      caNotAfter: issuer.caNotAfter,
      expectedNotAfter: notAfter,
      clockToleranceMs: 1000,
      clusterName: source.clusterName,
      server: source.kubernetesEndpoint,
      notes: request.kind === 'talosconfig' ? caWarnings(request, source.os) : []
    }
  }
}

/** A talosconfig that does not belong to the source's cluster is worth saying plainly. */
function caWarnings({ current }: IssueRequest, os: SourceCa): Note[] {
  if (!current) return []
  const { input, path } = os.origin
  const notes: Note[] = []
  if (current.caPem && !sameCertificate(current.caPem, os.ca.crtPem)) {
    notes.push({
      level: 'warning',
      message: `The ca of talosconfig context '${current.name}' is not the Talos API CA of input '${input}' (${path}.crt); a renewed talosconfig carries the CA of '${input}'.`
    })
  }
  if (current.crtPem && !issuedBy(current.crtPem, os.ca.crtPem)) {
    notes.push({
      level: 'warning',
      message: `The client certificate of talosconfig context '${current.name}' was not issued by the CA of input '${input}': check that '${input}' belongs to this cluster.`
    })
  }
  return notes
}

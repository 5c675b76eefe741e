// The cluster's own Talos API, called with the current talosconfig's certificate as talosctl
// does: GenerateClientConfiguration for a talosconfig, Kubeconfig for the admin kubeconfig.
// The CA keys never leave the cluster. The gRPC client is loaded only when a call is made.
import { said, type Text } from '../text.js'
import { X509Certificate } from 'node:crypto'
import { UserError } from '../errors.js'
import { describeCa, inspectCertificate, issuerAmong } from '../pki/inspect.js'
import { readKubeconfig, readKubeContext } from '../credentials/kubeconfig/file.js'
import type { ApiCredentials } from '../talos-api/client.js'
import { NODE_CLOCK_TOLERANCE_MS, type Issued, type Issuer, type IssueRequest, type Note } from './issuer.js'
import { plannedNotAfter } from './lifetime.js'
import { trustFor, type Offered } from './trust.js'

/** The talosconfig context the API is called with. */
export interface ApiContext {
  name: string
  endpoints: string[]
  caPem?: string
  crtPem?: string
  keyPem?: string
}

export class TalosApiIssuer implements Issuer {
  private constructor(
    private readonly credentials: ApiCredentials | undefined,
    /** Why the API cannot be called with this talosconfig; undefined when it can. */
    readonly unusable: Text | undefined,
    private readonly info: (message: Text) => void
  ) {}

  /** An issuer over the context, or one that says why the context cannot call the API. */
  static for(context: ApiContext | undefined, now: Date, info: (message: Text) => void): TalosApiIssuer {
    if (!context) return new TalosApiIssuer(undefined, said`there is no talosconfig to call the Talos API with`, info)
    const { name, endpoints, caPem, crtPem, keyPem } = context
    const why = (reason: Text) => new TalosApiIssuer(undefined, said`talosconfig context '${name}' ${reason}`, info)
    if (!crtPem || !keyPem || !caPem) return why(said`has no client certificate, key and ca to call the Talos API with`)
    const certificate = inspectCertificate(crtPem)
    if (certificate && certificate.notAfter <= now)
      return why(
        said`has a client certificate that expired on ${certificate.notAfter.toISOString().slice(0, 10)}: `.concat(
          said`it cannot authenticate to the Talos API any more`
        )
      )
    if (certificate && !certificate.organizations.includes('os:admin'))
      return why(
        said`has a client certificate for ${certificate.organizations.join(', ') || 'no role'}, and the Talos API issues only to os:admin`
      )
    if (endpoints.length === 0) return why(said`has no endpoints to call; set 'endpoints' to controlplane addresses`)
    return new TalosApiIssuer({ context: name, endpoints, caPem, crtPem, keyPem }, undefined, info)
  }

  async issue(request: IssueRequest): Promise<Issued> {
    if (!this.credentials)
      throw new UserError(
        said`Cannot renew through the Talos API: ${this.unusable}. Give `.concat(
          said`'secrets-bundle' or 'machine-config' to sign with the CA key instead.`
        ),
        'renew-through'
      )
    return request.kind === 'talosconfig'
      ? this.talosconfig(request, this.credentials)
      : this.kubeconfig(request, this.credentials)
  }

  /** `talosctl config new`: the node signs with its issuing CA and says which CA that is. */
  private async talosconfig(request: IssueRequest, credentials: ApiCredentials): Promise<Issued> {
    const notAfter = plannedNotAfter(request, caExpiry(credentials.caPem))
    const { generateClientConfiguration } = await import('../talos-api/client.js')
    this.info(said`Asking the Talos API at ${credentials.endpoints.join(', ')} for a new client certificate.`)
    const answer = await generateClientConfiguration(credentials, {
      roles: request.profile.organizations,
      crtTtlSeconds: Math.round(request.ttlMs / 1000)
    })
    const offered = answer.caPem.includes('-----BEGIN CERTIFICATE-----') ? answer.caPem : credentials.caPem
    const offer = nodeOffer(request, answer.crtPem, offered)
    const trust = trustFor(request, offer)
    return {
      credential: { ...answer, caPem: trust.caPem },
      through: 'talos-api',
      caNotAfter: new Date(offer.signing.validTo),
      expectedNotAfter: notAfter,
      clockToleranceMs: NODE_CLOCK_TOLERANCE_MS,
      notes: trust.notes,
      caChanged: trust.changed
    }
  }

  /** `talosctl kubeconfig`: the node signs with its Kubernetes CA, for the cluster's lifetime. */
  private async kubeconfig(request: IssueRequest, credentials: ApiCredentials): Promise<Issued> {
    const { kubeconfig } = await import('../talos-api/client.js')
    this.info(said`Asking the Talos API at ${credentials.endpoints.join(', ')} for the admin kubeconfig.`)
    const made = readNodeKubeconfig(await kubeconfig(credentials))
    const offer = nodeOffer(request, made.credential.crtPem, made.credential.caPem)
    const trust = trustFor(request, offer)
    const notes: Note[] = [...trust.notes]
    if (request.ttlGiven) {
      notes.push({
        level: 'notice',
        message:
          said`Input '${request.ttlInput}' is not honoured through the Talos API: the cluster's machine configuration `.concat(
            said`(cluster.adminKubeconfig.certLifetime) sets the lifetime of the admin kubeconfig.`
          )
      })
    }
    return {
      credential: { ...made.credential, caPem: trust.caPem },
      through: 'talos-api',
      caNotAfter: new Date(offer.signing.validTo),
      expectedNotAfter: undefined,
      clockToleranceMs: NODE_CLOCK_TOLERANCE_MS,
      clusterName: made.clusterName,
      server: made.server,
      notes,
      caChanged: trust.changed
    }
  }
}

/**
 * What a node offers the new file to trust: the CA among those it answered with that signed
 * the new certificate. A node that sends a certificate none of its CAs signed is refused.
 */
function nodeOffer(request: IssueRequest, crtPem: string, caPem: string): Offered {
  const signing = issuerAmong(crtPem, caPem)
  if (!signing) {
    throw new UserError(
      said`The Talos API answered with a ${request.kind} certificate that none of the CAs it sent beside it signed; `.concat(
        said`nothing was written. Check that every endpoint is a node of this cluster.`
      ),
      'endpoints'
    )
  }
  return {
    signing,
    caPem,
    signer: said`the CA the Talos API signed with (${describeCa(signing)})`,
    causes:
      said`Either the cluster is in the middle of a CA rotation (talosctl rotate-ca) and this node issues with the `.concat(
        said`new CA, or the node that answered is not one of this cluster.`
      )
  }
}

/** The certificate, key and CAs of the kubeconfig a node made (GenerateAdmin). */
function readNodeKubeconfig(text: string) {
  const refuse = () =>
    new UserError(
      said`The Talos API answered Kubeconfig with a file that is not the admin kubeconfig Talos makes `.concat(
        said`(no current context with a client certificate, key and CA).`
      ),
      'kubeconfig-secret-name'
    )
  let config
  try {
    config = readKubeconfig(text)
  } catch {
    throw refuse()
  }
  if (!config.currentContext) throw refuse()
  const context = readKubeContext(config, config.currentContext)
  if (!context.crtPem || !context.keyPem || !context.caPem) throw refuse()
  return {
    credential: { caPem: context.caPem, crtPem: context.crtPem, keyPem: context.keyPem },
    clusterName: context.clusterName,
    server: context.server
  }
}

const caExpiry = (caPem: string): Date => new Date(new X509Certificate(caPem).validTo)

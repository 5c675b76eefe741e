// The cluster's own Talos API, called with the current talosconfig's certificate as talosctl
// does: GenerateClientConfiguration for a talosconfig, Kubeconfig for the admin kubeconfig.
// The CA keys never leave the cluster. The gRPC client is loaded only when a call is made.
import { X509Certificate } from 'node:crypto'
import { UserError } from '../errors.js'
import { inspectCertificate, sameCertificates } from '../pki/inspect.js'
import { readKubeconfig, readKubeContext } from '../credentials/kubeconfig/file.js'
import type { ApiCredentials } from '../talos-api/client.js'
import { NODE_CLOCK_TOLERANCE_MS, type Issued, type Issuer, type IssueRequest, type Note } from './issuer.js'
import { plannedNotAfter } from './lifetime.js'

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
    readonly unusable: string | undefined,
    private readonly info: (message: string) => void
  ) {}

  /** An issuer over the context, or one that says why the context cannot call the API. */
  static for(context: ApiContext | undefined, now: Date, info: (message: string) => void): TalosApiIssuer {
    if (!context) return new TalosApiIssuer(undefined, 'there is no talosconfig to call the Talos API with', info)
    const { name, endpoints, caPem, crtPem, keyPem } = context
    const why = (reason: string) => new TalosApiIssuer(undefined, `talosconfig context '${name}' ${reason}`, info)
    if (!crtPem || !keyPem || !caPem) return why('has no client certificate, key and ca to call the Talos API with')
    const certificate = inspectCertificate(crtPem)
    if (certificate && certificate.notAfter <= now)
      return why(
        `has a client certificate that expired on ${certificate.notAfter.toISOString()}: it cannot authenticate to the Talos API any more`
      )
    if (certificate && !certificate.organizations.includes('os:admin'))
      return why(
        `has a client certificate for ${certificate.organizations.join(', ') || 'no role'}, and the Talos API issues only to os:admin`
      )
    if (endpoints.length === 0) return why("has no endpoints to call; set 'endpoints' to controlplane addresses")
    return new TalosApiIssuer({ context: name, endpoints, caPem, crtPem, keyPem }, undefined, info)
  }

  async issue(request: IssueRequest): Promise<Issued> {
    if (!this.credentials)
      throw new UserError(
        `Cannot renew through the Talos API: ${this.unusable}. Give 'secrets-bundle' or 'machine-config' to sign with the CA key instead.`,
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
    this.info(`Asking the Talos API at ${credentials.endpoints.join(', ')} for a new client certificate.`)
    const answer = await generateClientConfiguration(credentials, {
      roles: request.profile.organizations,
      crtTtlSeconds: Math.round(request.ttlMs / 1000)
    })
    const notes: Note[] = []
    // After a CA rotation the node's CA is the cluster's current one: carry it, or the new
    // talosconfig could not verify its nodes.
    const caPem = answer.caPem.includes('-----BEGIN CERTIFICATE-----') ? answer.caPem : credentials.caPem
    if (!sameCertificates(caPem, credentials.caPem)) {
      notes.push({
        level: 'notice',
        message:
          `The Talos API answered with a ca other than talosconfig context '${credentials.context}' holds ` +
          "(a CA rotation); the renewed talosconfig carries the node's."
      })
    }
    return {
      credential: { ...answer, caPem },
      through: 'talos-api',
      caNotAfter: caExpiry(caPem),
      expectedNotAfter: notAfter,
      clockToleranceMs: NODE_CLOCK_TOLERANCE_MS,
      notes
    }
  }

  /** `talosctl kubeconfig`: the node signs with its Kubernetes CA, for the cluster's lifetime. */
  private async kubeconfig(request: IssueRequest, credentials: ApiCredentials): Promise<Issued> {
    const { kubeconfig } = await import('../talos-api/client.js')
    this.info(`Asking the Talos API at ${credentials.endpoints.join(', ')} for the admin kubeconfig.`)
    const document = await kubeconfig(credentials)
    const made = readNodeKubeconfig(document)
    const notes: Note[] = []
    if (request.ttlGiven) {
      notes.push({
        level: 'notice',
        message:
          `Input '${request.ttlInput}' is not honoured through the Talos API: the cluster's machine configuration ` +
          '(cluster.adminKubeconfig.certLifetime) sets the lifetime of the admin kubeconfig.'
      })
    }
    return {
      credential: made.credential,
      through: 'talos-api',
      caNotAfter: caExpiry(made.credential.caPem),
      expectedNotAfter: undefined,
      clockToleranceMs: NODE_CLOCK_TOLERANCE_MS,
      document,
      clusterName: made.clusterName,
      server: made.server,
      notes
    }
  }
}

/** The certificate, key and CAs of the kubeconfig a node made (GenerateAdmin). */
function readNodeKubeconfig(text: string) {
  const refuse = () =>
    new UserError(
      'The Talos API answered Kubeconfig with a file that is not the admin kubeconfig Talos makes ' +
        '(no current context with a client certificate, key and CA).',
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

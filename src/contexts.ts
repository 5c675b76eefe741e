import { X509Certificate } from 'node:crypto'
import { inspectCertificate, issuedBy, OID_CLIENT_AUTH, type CertificateInfo } from './pki/inspect.js'
import { plan, renewalWindowMs, type Decision, type DueRule } from './plan.js'
import type { KubeContext } from './kubeconfig.js'
import { readContext, type TalosContext, type Talosconfig } from './talosconfig.js'
import { UserError } from './errors.js'

/** A problem worth knowing before Talos refuses the config. */
export interface Problem {
  /** 'certificate' problems go away with a renewal; 'ca' problems do not. */
  about: 'certificate' | 'ca'
  message: string
}

/** The credential a context is for. */
export type Kind = 'talosconfig' | 'kubeconfig'

/** A context as the report needs it, from a talosconfig or a kubeconfig. */
export interface CheckedContext {
  kind: Kind
  name: string
  caPem?: string
  crtPem?: string
  /** Where its certificate and CA sit in the input, for messages. */
  crtField: string
  caField: string
}

export const talosChecked = (context: TalosContext): CheckedContext => ({
  kind: 'talosconfig',
  name: context.name,
  caPem: context.caPem,
  crtPem: context.crtPem,
  crtField: `contexts.${context.name}.crt`,
  caField: `contexts.${context.name}.ca`
})

export const kubeChecked = (context: KubeContext): CheckedContext => ({
  kind: 'kubeconfig',
  name: context.name,
  caPem: context.caPem,
  crtPem: context.crtPem,
  crtField: `users.${context.userName}.user.client-certificate-data`,
  caField: `clusters.${context.clusterName}.cluster.certificate-authority-data`
})

/** What one context of a talosconfig or kubeconfig holds, judged against the due rule. */
export interface ContextReport {
  kind: Kind
  name: string
  /** The context this run checks and renews. */
  selected: boolean
  /** Undefined when the context has no client certificate (Omni's auth.siderov1 contexts). */
  certificate: CertificateInfo | undefined
  /** notAfter of the context's `ca`, when it has one. */
  caNotAfter: Date | undefined
  decision: Decision
  problems: Problem[]
}

export interface ReportRule extends DueRule {
  ttlMs: number
}

/** One report per context of the talosconfig, the selected one first. */
export function reportContexts(
  talosconfig: Talosconfig,
  selected: string,
  rule: ReportRule,
  now: Date
): ContextReport[] {
  const names = [selected, ...talosconfig.contextNames.filter((name) => name !== selected)]
  return names.map((name) => reportContext(talosChecked(readContext(talosconfig, name)), name === selected, rule, now))
}

export function reportContext(context: CheckedContext, selected: boolean, rule: ReportRule, now: Date): ContextReport {
  const certificate = context.crtPem ? inspectOrRefuse(context) : undefined
  const caNotAfter = context.caPem ? caExpiry(context) : undefined
  const decision = plan(certificate, rule, now)
  const problems = certificate ? findProblems(context, certificate, caNotAfter, rule, now) : []
  return { kind: context.kind, name: context.name, selected, certificate, caNotAfter, decision, problems }
}

function inspectOrRefuse(context: CheckedContext): CertificateInfo {
  const info = inspectCertificate(context.crtPem ?? '')
  if (!info)
    throw new UserError(`${context.crtField} in input '${context.kind}' is not a PEM certificate.`, context.kind)
  return info
}

function caExpiry(context: CheckedContext): Date {
  try {
    return new Date(new X509Certificate(context.caPem ?? '').validTo)
  } catch {
    throw new UserError(`${context.caField} in input '${context.kind}' is not a PEM certificate.`, context.kind)
  }
}

const day = (date: Date): string => date.toISOString().slice(0, 10)

function findProblems(
  context: CheckedContext,
  certificate: CertificateInfo,
  caNotAfter: Date | undefined,
  rule: ReportRule,
  now: Date
): Problem[] {
  const problems: Problem[] = []
  const name = context.kind === 'talosconfig' ? `context '${context.name}'` : `kubeconfig context '${context.name}'`
  // Talos's own rules for its client certificates; Kubernetes has its own.
  if (context.kind === 'talosconfig' && certificate.extendedKeyUsages.join() !== OID_CLIENT_AUTH) {
    problems.push({
      about: 'certificate',
      message: `The client certificate of ${name} has extended key usages other than exactly clientAuth (${certificate.extendedKeyUsages.join(', ') || 'none'}); Talos 1.12 and later refuse it. Renew it with force.`
    })
  }
  if (context.kind === 'talosconfig' && certificate.organizations.length === 0) {
    problems.push({
      about: 'certificate',
      message: `The client certificate of ${name} carries no roles (no O in its subject); Talos grants it nothing.`
    })
  }
  if (context.caPem && context.crtPem && !issuedBy(context.crtPem, context.caPem)) {
    problems.push({
      about: 'ca',
      message: `The ca of ${name} did not issue its client certificate; check that both belong to the same cluster.`
    })
  }
  if (caNotAfter) {
    // The next renewal happens when the window opens, or now when it is open already.
    const renewalAt = new Date(
      Math.max(now.getTime(), certificate.notAfter.getTime() - renewalWindowMs(certificate, rule.renewBefore))
    )
    const ca = context.kind === 'talosconfig' ? 'Talos API CA' : 'Kubernetes CA'
    if (caNotAfter <= renewalAt) {
      problems.push({
        about: 'ca',
        message: `The ${ca} of ${name} expires on ${day(caNotAfter)}, before the next renewal (due ${day(renewalAt)}); rotate the CA.`
      })
    } else if (caNotAfter.getTime() < renewalAt.getTime() + rule.ttlMs) {
      problems.push({
        about: 'ca',
        message: `The ${ca} of ${name} expires on ${day(caNotAfter)}, before a certificate renewed on ${day(renewalAt)} for the configured ttl would; rotate the CA or shorten ttl.`
      })
    }
  }
  return problems
}

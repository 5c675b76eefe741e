// Judging one context of a credential file: its certificate's validity against the due rule,
// and the problems worth knowing before the cluster refuses it. Every kind of credential is
// judged here, by the rules its CheckedContext says apply to it.
import { isoDay } from '../duration.js'
import { said, type Text } from '../text.js'
import { X509Certificate } from 'node:crypto'
import { UserError } from '../errors.js'
import type { CredentialKind } from '../issuers/issuer.js'
import { inspectCertificate, issuedBy, OID_CLIENT_AUTH, type CertificateInfo } from '../pki/inspect.js'
import { plan, renewalWindowMs, type Decision, type DueRule } from '../plan.js'

/** A problem worth knowing before the cluster refuses the credential. */
export interface Problem {
  /** 'certificate' problems go away with a renewal; 'ca' problems do not. */
  about: 'certificate' | 'ca'
  message: Text
}

/** A context as the judge needs it, from any kind of credential file. */
export interface CheckedContext {
  kind: CredentialKind
  name: string
  /** How messages name it: `context 'prod'`, `kubeconfig context 'admin@lab'`. */
  label: Text
  /** How messages name its CA: `Talos API CA`. */
  caName: Text
  caPem?: string
  crtPem?: string
  /** Where its certificate and CA sit in the input, for messages. */
  crtField: Text
  caField: Text
  /** Talos's own rules: a client certificate's EKU is exactly clientAuth, and O holds its roles. */
  talosClientRules: boolean
}

/** What one context of a credential file holds, judged against the due rule. */
export interface ContextReport {
  kind: CredentialKind
  name: string
  /** The context this run checks and renews. */
  selected: boolean
  /** Undefined when the context has no client certificate (Omni's auth.siderov1 contexts). */
  certificate: CertificateInfo | undefined
  /** notAfter of the context's CA, when it has one. */
  caNotAfter: Date | undefined
  /** When renew-before opens the renewal window of its certificate, when it has one. */
  renewalOpens: Date | undefined
  decision: Decision
  problems: Problem[]
}

export interface ReportRule extends DueRule {
  /** The lifetime a renewal would give, to tell whether the CA outlives it. */
  ttlMs: number
}

export function reportContext(context: CheckedContext, selected: boolean, rule: ReportRule, now: Date): ContextReport {
  const certificate = context.crtPem ? inspectOrRefuse(context.crtPem, context) : undefined
  const caNotAfter = context.caPem ? caExpiry(context.caPem, context) : undefined
  const decision = plan(certificate, rule, now)
  const problems = certificate ? findProblems(context, certificate, caNotAfter, rule, now) : []
  const renewalOpens =
    certificate && new Date(certificate.notAfter.getTime() - renewalWindowMs(certificate, rule.renewBefore))
  return { kind: context.kind, name: context.name, selected, certificate, caNotAfter, renewalOpens, decision, problems }
}

/**
 * After a renewal, the CA is judged against the new certificate, not the one it replaced:
 * whether the CA outlives the next renewal depends on the new certificate's dates.
 */
export function rejudgeCa(report: ContextReport, renewed: CheckedContext, rule: ReportRule, now: Date): void {
  const certificate = inspectOrRefuse(renewed.crtPem ?? '', renewed)
  const caNotAfter = renewed.caPem ? caExpiry(renewed.caPem, renewed) : undefined
  const caProblems = findProblems(renewed, certificate, caNotAfter, rule, now).filter(({ about }) => about === 'ca')
  report.problems = [...report.problems.filter(({ about }) => about !== 'ca'), ...caProblems]
  report.caNotAfter = caNotAfter
}

function inspectOrRefuse(crtPem: string, context: CheckedContext): CertificateInfo {
  const info = inspectCertificate(crtPem)
  if (!info)
    throw new UserError(said`${context.crtField} in input '${context.kind}' is not a PEM certificate.`, context.kind)
  return info
}

function caExpiry(caPem: string, context: CheckedContext): Date {
  try {
    return new Date(new X509Certificate(caPem).validTo)
  } catch {
    throw new UserError(said`${context.caField} in input '${context.kind}' is not a PEM certificate.`, context.kind)
  }
}

function findProblems(
  context: CheckedContext,
  certificate: CertificateInfo,
  caNotAfter: Date | undefined,
  rule: ReportRule,
  now: Date
): Problem[] {
  const problems = context.talosClientRules ? talosClientProblems(context, certificate) : []
  if (context.caPem && context.crtPem && !issuedBy(context.crtPem, context.caPem)) {
    problems.push({
      about: 'ca',
      message: said`The ca of ${context.label} did not issue its client certificate; check that both belong to the same cluster.`
    })
  }
  if (caNotAfter) problems.push(...caLifetimeProblems(context, certificate, caNotAfter, rule, now))
  return problems
}

/** Talos 1.12 and later refuse a client certificate whose EKU is not exactly clientAuth. */
function talosClientProblems(context: CheckedContext, certificate: CertificateInfo): Problem[] {
  const problems: Problem[] = []
  if (certificate.extendedKeyUsages.join() !== OID_CLIENT_AUTH) {
    const usages = certificate.extendedKeyUsages.join(', ') || 'none'
    problems.push({
      about: 'certificate',
      message:
        said`The client certificate of ${context.label} has extended key usages other than exactly clientAuth `.concat(
          said`(${usages}); Talos 1.12 and later refuse it. Renew it with force.`
        )
    })
  }
  if (certificate.organizations.length === 0) {
    problems.push({
      about: 'certificate',
      message: said`The client certificate of ${context.label} carries no roles (no O in its subject); Talos grants it nothing.`
    })
  }
  return problems
}

/** Whether the CA outlives the next renewal, and the certificate that renewal would make. */
function caLifetimeProblems(
  context: CheckedContext,
  certificate: CertificateInfo,
  caNotAfter: Date,
  rule: ReportRule,
  now: Date
): Problem[] {
  // The next renewal happens when the window opens, or now when it is open already.
  const windowOpens = certificate.notAfter.getTime() - renewalWindowMs(certificate, rule.renewBefore)
  const renewalAt = new Date(Math.max(now.getTime(), windowOpens))
  const expires = said`The ${context.caName} of ${context.label} expires on ${isoDay(caNotAfter)}`
  if (caNotAfter <= renewalAt) {
    return [
      { about: 'ca', message: said`${expires}, before the next renewal (due ${isoDay(renewalAt)}); rotate the CA.` }
    ]
  }
  if (caNotAfter.getTime() < renewalAt.getTime() + rule.ttlMs) {
    return [
      {
        about: 'ca',
        message:
          said`${expires}, before a certificate renewed on ${isoDay(renewalAt)} for the configured ttl would; `.concat(
            said`rotate the CA or shorten ttl.`
          )
      }
    ]
  }
  return []
}

// One due credential, from request to file: the issuer answers, the answer is masked and
// verified offline, and the kind renders it into its file, saved for later steps. Proof and
// writing come after, in main, once every due credential has got this far.
import type { ReadBack, RenewalRequest, CredentialPass } from './credentials/pass.js'
import { issuedSecretForms } from './encoding.js'
import type { Issued, Issuer } from './issuers/issuer.js'
import { inspectCertificate } from './pki/inspect.js'
import { verifyCredential } from './pki/verify.js'
import type { RenewBefore } from './duration.js'
import { renewalWindowMs } from './plan.js'
import type { CredentialResult } from './result.js'
import { said, type Text } from './text.js'

/** One credential of the run: what was read (the pass) and what the report says of it (the entry). */
export interface RunCredential {
  pass: CredentialPass
  entry: CredentialResult
}

/** A due credential, with what its kind asks an issuer for. */
export interface Due extends RunCredential {
  request: RenewalRequest
}

/** A credential issued, verified and rendered, waiting to be proven and written. */
export interface Prepared extends Due, ReadBack {
  text: string
  issued: Issued
}

export interface PrepareDeps {
  mask(value: string): void
  notice(message: Text): void
  warning(message: Text): void
  saveFile(name: string, text: string): Promise<string>
}

export interface PrepareRun {
  deps: PrepareDeps
  now: Date
  renewBefore: RenewBefore
  /** Whether a CA other than the one the current credential trusts may sign, once. */
  allowCaChange: boolean
}

/** Issue, verify and render one credential, and leave the file for later steps. */
export async function prepare(item: Due, issuer: Issuer, run: PrepareRun): Promise<Prepared> {
  const { deps, now } = run
  const { pass, entry, request } = item
  const { profile, ttl, current } = request
  for (const note of request.notes) deps[note.level](note.message)
  const issued = await issuer.issue({
    kind: pass.kind,
    profile,
    ttlMs: ttl.ms,
    ttlInput: ttl.input,
    ttlGiven: ttl.given,
    now,
    current,
    allowCaChange: run.allowCaChange
  })
  issuedSecretForms(issued.credential).forEach((value) => deps.mask(value))
  for (const note of issued.notes) deps[note.level](note.message)
  const expected = { profile, notAfter: issued.expectedNotAfter, now, skewToleranceMs: issued.clockToleranceMs }
  const problems = verifyCredential(issued.credential, expected)
  if (problems.length > 0)
    throw new Error(`the new ${pass.kind} certificate failed verification: ${problems.join('; ')}`)
  const certificate = inspectCertificate(issued.credential.crtPem)
  if (!certificate) throw new Error(`the new ${pass.kind} certificate does not parse`)
  // A lifetime the issuer chose (the cluster's, through its API) may be shorter than the window.
  const renewalOpens = new Date(certificate.notAfter.getTime() - renewalWindowMs(certificate, run.renewBefore))
  if (renewalOpens.getTime() <= now.getTime()) {
    deps.warning(
      said`The new ${pass.kind} certificate expires on ${certificate.notAfter.toISOString()}, already inside `.concat(
        said`'renew-before'; the next run will find it due again. Lengthen its lifetime or shorten 'renew-before'.`
      )
    )
  }
  const text = pass.render(issued)
  const path = await deps.saveFile(pass.kind, text)
  const { through, caNotAfter } = issued
  const roles = profile.organizations
  const { notBefore, notAfter } = certificate
  entry.renewal = {
    through,
    roles,
    notBefore,
    notAfter,
    renewalOpens,
    caNotAfter,
    path,
    scope: '',
    secretUpdated: false
  }
  return { ...item, text, issued, ...pass.readBack(text) }
}

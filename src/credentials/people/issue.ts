// One person's talosconfig, from request to sealed value: issued by the run's issuer (the
// Talos API first, the CA key as fallback, exactly as the pipeline's), masked the moment it
// exists, verified offline, rendered with the pipeline's context, proven against the cluster
// as verify-connection says, and encrypted to their age recipient, armored.
import { issuedSecretForms } from '../../encoding.js'
import type { Issuers } from '../../issuers/index.js'
import type { RenewedThrough } from '../../issuers/issuer.js'
import { inspectCertificate } from '../../pki/inspect.js'
import { talosClientProfile } from '../../pki/profile.js'
import { verifyCredential } from '../../pki/verify.js'
import { said, type Text } from '../../text.js'
import type { SharedContext } from '../pass.js'
import { renderTalosconfig } from '../talosconfig/file.js'
import type { Person, PeopleOptions } from './list.js'
import { fingerprint, type StateEntry } from './state.js'

/** What issuing asks of the run. */
export interface IssueRun {
  now: Date
  issuers(): Promise<Issuers>
  mask(value: string): void
  info(message: Text): void
  notice(message: Text): void
  warning(message: Text): void
}

/** A person's new talosconfig, sealed: the variable's value and the record's entry. */
export interface IssuedPerson {
  /** The armored age file: what their variable holds, and nothing before it. */
  value: string
  entry: StateEntry
  through: RenewedThrough
  notAfter: Date
  proven: boolean | undefined
}

export async function issueFor(
  person: Person,
  shared: SharedContext,
  cluster: string,
  options: Pick<PeopleOptions, 'ttlMs' | 'verifyConnection'>,
  run: IssueRun
): Promise<IssuedPerson> {
  const { now } = run
  const profile = talosClientProfile(person.roles)
  const { issuer } = await run.issuers()
  // As the pipeline's: the signing CA must be one the pipeline's talosconfig trusts, and its trust is copied.
  const issued = await issuer.issue({
    kind: 'talosconfig',
    profile,
    ttlMs: options.ttlMs,
    ttlInput: 'people-ttl',
    ttlGiven: true,
    now,
    current: shared.trusted,
    allowCaChange: false
  })
  issuedSecretForms(issued.credential).forEach((value) => run.mask(value))
  const about = said`For ${person.login}: `
  for (const note of issued.notes) run[note.level](about.concat(note.message))
  const expected = { profile, notAfter: issued.expectedNotAfter, now, skewToleranceMs: issued.clockToleranceMs }
  const problems = verifyCredential(issued.credential, expected)
  const certificate = inspectCertificate(issued.credential.crtPem)
  if (problems.length > 0 || !certificate)
    throw new Error(`the new certificate failed verification: ${problems.join('; ') || 'it does not parse'}`)
  const text = renderTalosconfig(undefined, {
    name: shared.name,
    endpoints: shared.endpoints,
    nodes: shared.nodes,
    credential: issued.credential
  })
  const proven = await proveFor(about, shared, issued.credential, options, run)
  return {
    value: await encryptTo(person.recipient, text),
    entry: {
      login: person.login,
      variable: person.variable,
      roles: person.roles,
      recipient: fingerprint(person.recipient),
      cluster,
      notBefore: certificate.notBefore.toISOString(),
      notAfter: certificate.notAfter.toISOString()
    },
    through: issued.through,
    notAfter: certificate.notAfter,
    proven
  }
}

/** Proof as the pipeline's: a refusal throws, an unreachable cluster is a notice under auto. */
async function proveFor(
  about: Text,
  shared: SharedContext,
  credential: { caPem: string; crtPem: string; keyPem: string },
  options: Pick<PeopleOptions, 'verifyConnection'>,
  run: IssueRun
): Promise<boolean | undefined> {
  if (options.verifyConnection === 'never') return undefined
  const { prove } = await import('../../prove/index.js')
  const target = { kind: 'talosconfig' as const, context: shared.name, endpoints: shared.endpoints }
  const proof = await prove(target, credential, { mode: options.verifyConnection })
  if (!proof) return undefined
  if (proof.verified) run.info(about.concat(proof.message))
  else run.notice(about.concat(proof.message, said`; written unproven, as 'verify-connection' is auto.`))
  return proof.verified
}

/** Encrypted to one native age recipient and armored, as `age -r RECIPIENT -a` writes it. */
export async function encryptTo(recipient: string, text: string): Promise<string> {
  const { Encrypter, armor } = await import('age-encryption')
  const encrypter = new Encrypter()
  encrypter.addRecipient(recipient)
  return armor.encode(await encrypter.encrypt(text))
}

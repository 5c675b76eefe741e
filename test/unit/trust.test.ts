// The one trust rule every issuer follows, and the lifetime check before anything is signed:
// their words exactly, and the lines they draw.
import { said } from '../../src/text.js'
import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { describe, it } from 'node:test'
import { UserError } from '../../src/errors.js'
import { NODE_CLOCK_TOLERANCE_MS, type IssueRequest } from '../../src/issuers/issuer.js'
import { plannedNotAfter } from '../../src/issuers/lifetime.js'
import { distrusted, trustFor, type Offered } from '../../src/issuers/trust.js'
import { describeCa } from '../../src/pki/inspect.js'
import { talosClientProfile } from '../../src/pki/profile.js'
import { daysFromNow, makeCluster } from '../support/cluster.js'

const cluster = makeCluster()
const other = makeCluster()
const now = new Date('2026-11-30T12:00:00Z')
const client = cluster.clientCertificate({ notBefore: daysFromNow(-10), notAfter: daysFromNow(100) })
const request = (overrides: Partial<IssueRequest> = {}): IssueRequest => ({
  kind: 'talosconfig',
  profile: talosClientProfile(['os:admin']),
  ttlMs: 86_400_000,
  ttlInput: 'ttl',
  ttlGiven: true,
  now,
  allowCaChange: false,
  ...overrides
})
const signing = new X509Certificate(other.caCrtPem)
const offered: Offered = { signing, caPem: other.caCrtPem, signer: said`the signer`, causes: said`The causes.` }
const current = {
  name: said`talosconfig context 'prod'`,
  caPem: cluster.caCrtPem,
  crtPem: client.crtPem,
  caField: said`contexts.prod.ca`
}

describe('trustFor', () => {
  it('takes the offered CAs for a first credential, and keeps the trust list of one that trusts the signer', () => {
    assert.deepEqual(trustFor(request(), offered), { caPem: other.caCrtPem, notes: [], changed: false })
    assert.deepEqual(trustFor(request({ current: { name: said`x`, caField: said`f` } }), offered), {
      caPem: other.caCrtPem,
      notes: [],
      changed: false
    })
    const both = { ...current, caPem: cluster.caCrtPem + other.caCrtPem }
    assert.deepEqual(trustFor(request({ current: both }), offered), { caPem: both.caPem, notes: [], changed: false })
  })

  it('refuses a CA the current file does not trust, in words that name both, unless allow-ca-change', () => {
    assert.throws(
      () => trustFor(request({ current }), offered),
      (error: UserError) => {
        assert.equal(error.input, 'allow-ca-change')
        assert.equal(
          error.message,
          `The CA that would sign the new talosconfig certificate, the signer, is not a CA that talosconfig context 'prod' ` +
            `trusts or was issued by (contexts.prod.ca: ${describeCa(new X509Certificate(cluster.caCrtPem))}). The causes. ` +
            "Nothing was written. Check which CA the cluster uses now; if the rotation is yours, set 'allow-ca-change: true' " +
            'to renew once with the new CA.'
        )
        return true
      }
    )
    const allowed = trustFor(request({ current, allowCaChange: true }), offered)
    assert.deepEqual(
      { ...allowed, notes: allowed.notes.map(({ level, message }) => ({ level, message: message.raw })) },
      {
        caPem: other.caCrtPem,
        changed: true,
        notes: [
          {
            level: 'warning',
            message:
              `allow-ca-change: the new talosconfig of talosconfig context 'prod' trusts the signer, in place of contexts.prod.ca: ` +
              `${describeCa(new X509Certificate(cluster.caCrtPem))}. It is written only once the cluster accepts it; clients ` +
              'that keep the old file work only while the cluster still accepts the old CA.'
          }
        ]
      }
    )
  })

  it("with no CA in the file, judges by the certificate's issuer", () => {
    const bare = { name: said`x`, crtPem: client.crtPem, caField: said`f` }
    assert.equal(distrusted(bare, new X509Certificate(cluster.caCrtPem)), undefined)
    assert.equal(distrusted(bare, signing)?.raw, "its certificate's issuer: O=talos")
    assert.equal(
      distrusted({ ...bare, crtPem: 'unreadable pem' }, signing)?.raw,
      "its certificate's issuer: unreadable"
    )
    assert.equal(
      distrusted({ name: said`x`, caField: said`f` }, signing),
      undefined,
      'a first credential trusts nothing yet'
    )
    assert.equal(
      distrusted({ ...bare, caPem: 'no certificates here' }, new X509Certificate(cluster.caCrtPem)),
      undefined
    )
  })
})

describe('plannedNotAfter', () => {
  const caNotAfter = new Date('2027-01-01T00:00:00Z')
  it('plans now + ttl, up to the CA expiry itself', () => {
    const exact = request({ ttlMs: caNotAfter.getTime() - now.getTime() })
    assert.equal(plannedNotAfter(exact, caNotAfter).getTime(), caNotAfter.getTime())
  })
  it('refuses a certificate that would outlive its CA, naming the input and the CA', () => {
    const over = request({
      ttlMs: caNotAfter.getTime() - now.getTime() + 1,
      kind: 'kubeconfig',
      ttlInput: 'kubeconfig-ttl'
    })
    assert.throws(
      () => plannedNotAfter(over, caNotAfter),
      (error: UserError) =>
        error.input === 'kubeconfig-ttl' &&
        error.message ===
          `Input 'kubeconfig-ttl' asks for a certificate valid until 2027-01-01T00:00:00.001Z, but the Kubernetes CA ` +
            "expires on 2027-01-01T00:00:00.000Z; a certificate that outlives its CA is not issued. Shorten 'kubeconfig-ttl' or rotate the CA."
    )
    assert.throws(
      () => plannedNotAfter(request({ ttlMs: 86_400_000 * 400 }), caNotAfter),
      /the Talos API CA expires on/
    )
  })
  it("allows a node's clock five minutes off the runner's", () => {
    assert.equal(NODE_CLOCK_TOLERANCE_MS, 300_000)
  })
})

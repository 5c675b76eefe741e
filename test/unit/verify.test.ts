// verifyCredential is the last check before a new credential leaves the process: each of its
// guards, one bad certificate at a time, at the level where the guard lives.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { kubernetesAdminProfile, talosClientProfile } from '../../src/pki/profile.js'
import { verifyCredential, type Expectation } from '../../src/pki/verify.js'
import { makeCluster } from '../support/cluster.js'

const cluster = makeCluster()
const other = makeCluster()
const notBefore = new Date('2026-01-01T00:00:00Z')
const notAfter = new Date('2027-01-01T00:00:00Z')
const good = { caPem: cluster.caCrtPem, ...cluster.clientCertificate({ notBefore, notAfter }) }
const admin = talosClientProfile(['os:admin'])
const expect = (overrides: Partial<Expectation> = {}): Expectation => ({
  profile: admin,
  notAfter,
  now: new Date(notBefore.getTime() + 60_000),
  ...overrides
})

describe('verifyCredential', () => {
  it('finds nothing wrong with a sound credential', () => {
    assert.deepEqual(verifyCredential(good, expect()), [])
  })

  it('refuses a certificate that does not parse', () => {
    assert.deepEqual(verifyCredential({ ...good, crtPem: good.keyPem }, expect()), [
      'the new certificate does not parse'
    ])
    assert.deepEqual(verifyCredential({ ...good, crtPem: '' }, expect()), ['the new certificate does not parse'])
  })

  it('refuses a certificate that does not chain to a CA its file trusts', () => {
    assert.deepEqual(verifyCredential({ ...good, caPem: other.caCrtPem }, expect()), [
      'it does not chain to a CA its file trusts'
    ])
    // One CA of several is enough (a rotation's two-CA list).
    assert.deepEqual(verifyCredential({ ...good, caPem: other.caCrtPem + cluster.caCrtPem }, expect()), [])
  })

  it("refuses a key that is not the certificate's, or not a key", () => {
    const stranger = cluster.clientCertificate({ notBefore, notAfter })
    for (const keyPem of [stranger.keyPem, 'not a key']) {
      assert.deepEqual(verifyCredential({ ...good, keyPem }, expect()), ['its private key does not match it'])
    }
  })

  it('refuses a certificate not yet valid, beyond the clock tolerance', () => {
    const early = new Date(notBefore.getTime() - 1001)
    assert.deepEqual(verifyCredential(good, expect({ now: early })), [
      `it is not valid before ${notBefore.toISOString()}`
    ])
    assert.deepEqual(verifyCredential(good, expect({ now: new Date(notBefore.getTime() - 1000) })), [])
    const skewed = expect({ now: new Date(notBefore.getTime() - 60_000), skewToleranceMs: 300_000 })
    assert.deepEqual(verifyCredential(good, skewed), [], 'a node clock five minutes off is tolerated')
  })

  it('refuses a lifetime other than the one asked for, to the second', () => {
    const asked = new Date(notAfter.getTime() + 1000)
    assert.deepEqual(verifyCredential(good, expect({ notAfter: asked })), [
      `it expires at ${notAfter.toISOString()}, not ${asked.toISOString()}`
    ])
    assert.deepEqual(verifyCredential(good, expect({ notAfter: new Date(notAfter.getTime() - 999) })), [])
  })

  it('refuses an already expired certificate when the issuer chose its lifetime', () => {
    assert.deepEqual(verifyCredential(good, expect({ notAfter: undefined, now: notAfter })), [
      `it expired at ${notAfter.toISOString()}`
    ])
    const justBefore = new Date(notAfter.getTime() - 1)
    assert.deepEqual(verifyCredential(good, expect({ notAfter: undefined, now: justBefore })), [])
  })

  it('refuses a certificate that outlives its CA', () => {
    const shortCa = makeCluster({ caValidity: { notBefore, notAfter: new Date('2026-06-01T00:00:00Z') } })
    const outliving = { caPem: shortCa.caCrtPem, ...shortCa.clientCertificate({ notBefore, notAfter }) }
    assert.deepEqual(verifyCredential(outliving, expect()), ['it outlives its CA'])
    const within = shortCa.clientCertificate({ notBefore, notAfter: new Date('2026-06-01T00:00:00Z') })
    const atTheEdge = { caPem: shortCa.caCrtPem, ...within }
    assert.deepEqual(verifyCredential(atTheEdge, expect({ notAfter: new Date('2026-06-01T00:00:00Z') })), [])
  })

  it('refuses extended key usages other than exactly clientAuth', () => {
    const legacy = {
      caPem: cluster.caCrtPem,
      ...cluster.clientCertificate({ notBefore, notAfter, usages: 'legacy' })
    }
    assert.deepEqual(verifyCredential(legacy, expect()), ['its extended key usage is not exactly clientAuth'])
  })

  it('refuses roles or a common name other than the profile asks for', () => {
    assert.deepEqual(verifyCredential(good, expect({ profile: talosClientProfile(['os:reader']) })), [
      'its roles are not the ones asked for'
    ])
    assert.deepEqual(verifyCredential(good, expect({ profile: talosClientProfile(['os:admin', 'os:reader']) })), [
      'its roles are not the ones asked for'
    ])
    const kube = { ...kubernetesAdminProfile(), organizations: ['os:admin'] }
    assert.deepEqual(verifyCredential(good, expect({ profile: kube })), ['its common name is not the one asked for'])
  })
})

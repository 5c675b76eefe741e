// The certificate the local CA issues must be the one Talos's NewAdminCertificateAndKey
// makes; openssl is the judge.
import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { describe, it } from 'node:test'
import { loadLocalCa } from '../../src/pki/ca.js'
import { caSigner } from '../../src/pki/issue.js'
import { talosClientProfile } from '../../src/pki/profile.js'
import { verifyCredential } from '../../src/pki/verify.js'
import { makeCluster, type CaAlgorithm } from '../support/cluster.js'
import { mutualTlsHandshake, opensslText, opensslVerifyClient } from '../support/judge.js'

const origin = { input: 'secrets-bundle', path: 'certs.os' }
const expectations: Record<CaAlgorithm, { signature: RegExp; key: RegExp; label: string }> = {
  ed25519: {
    signature: /Signature Algorithm: ED25519/,
    key: /Public Key Algorithm: ED25519/,
    label: 'ED25519 PRIVATE KEY'
  },
  ecdsa: {
    signature: /Signature Algorithm: ecdsa-with-SHA256/,
    key: /Public-Key: \(256 bit\)\n.*\n(.*\n)*\s+ASN1 OID: prime256v1/,
    label: 'EC PRIVATE KEY'
  },
  rsa: {
    signature: /Signature Algorithm: sha512WithRSAEncryption/,
    key: /Public-Key: \(4096 bit\)/,
    label: 'RSA PRIVATE KEY'
  }
}

for (const algorithm of ['ed25519', 'ecdsa', 'rsa'] as const) {
  describe(`issuing under an ${algorithm} CA`, () => {
    const cluster = makeCluster({ algorithm })
    const now = new Date()
    const ttlMs = 8760 * 3_600_000
    const profile = talosClientProfile(['os:reader', 'os:admin'])

    it('makes the certificate Talos makes, and openssl and TLS accept it', async () => {
      const ca = loadLocalCa(cluster.caCrtPem, cluster.caKeyPem, origin, now)
      const credential = await caSigner(ca, origin).issue({ profile, ttlMs, now })
      const want = expectations[algorithm]
      assert.equal(credential.caPem, cluster.caCrtPem)
      assert.match(credential.keyPem, new RegExp(`^-----BEGIN ${want.label}-----\\n`))

      const verdict = opensslVerifyClient(cluster.caCrtPem, credential.crtPem)
      assert.ok(verdict.ok, verdict.output)
      const text = opensslText(credential.crtPem)
      assert.match(text, want.signature)
      assert.match(text, want.key)
      assert.match(text, /Issuer: O = talos\n/)
      // Go puts all roles into one multi-valued RDN, sorted.
      assert.match(text, /Subject: O = os:admin \+ O = os:reader\n/)
      assert.match(text, /X509v3 Key Usage: critical\n\s+Digital Signature\n/)
      assert.match(text, /X509v3 Extended Key Usage: \n\s+TLS Web Client Authentication\n/)
      assert.doesNotMatch(text, /Basic Constraints|Subject Alternative Name|Subject Key Identifier/)
      const caSki = /Subject Key Identifier: \n\s+([0-9A-F:]+)/.exec(opensslText(cluster.caCrtPem))?.[1]
      assert.ok(caSki)
      assert.match(text, new RegExp(`Authority Key Identifier: \\n\\s+(keyid:)?${caSki}\\n`))
      const extensions = text.match(/X509v3 [A-Z][A-Za-z ]+:/g)
      assert.deepEqual(extensions, [
        'X509v3 Key Usage:',
        'X509v3 Extended Key Usage:',
        'X509v3 Authority Key Identifier:'
      ])

      const certificate = new X509Certificate(credential.crtPem)
      const serial = BigInt(`0x${certificate.serialNumber}`)
      assert.ok(serial > 0n && serial < 2n ** 128n)
      assert.equal(new Date(certificate.validFrom).getTime(), Math.floor((now.getTime() - 5 * 60_000) / 1000) * 1000)
      assert.equal(new Date(certificate.validTo).getTime(), Math.floor((now.getTime() + ttlMs) / 1000) * 1000)
      assert.deepEqual(verifyCredential(credential, { profile, notAfter: new Date(now.getTime() + ttlMs), now }), [])

      const handshake = await mutualTlsHandshake(cluster.caCrtPem, cluster.serverCertificate(), credential)
      assert.equal(handshake.authorized, true, handshake.error)
    })
  })
}

describe('issuing', () => {
  const cluster = makeCluster()
  const other = makeCluster()
  const now = new Date()
  const ca = loadLocalCa(cluster.caCrtPem, cluster.caKeyPem, origin, now)

  it('draws a fresh serial and key each time', async () => {
    const issue = () => caSigner(ca, origin).issue({ profile: talosClientProfile(['os:admin']), ttlMs: 3_600_000, now })
    const [a, b] = await Promise.all([issue(), issue()])
    assert.notEqual(new X509Certificate(a.crtPem).serialNumber, new X509Certificate(b.crtPem).serialNumber)
    assert.notEqual(a.keyPem, b.keyPem)
  })

  it('verification catches a certificate from another CA and a key that is not its own', async () => {
    const otherCa = loadLocalCa(other.caCrtPem, other.caKeyPem, origin, now)
    const profile = talosClientProfile(['os:admin'])
    const notAfter = new Date(now.getTime() + 3_600_000)
    const good = await caSigner(ca, origin).issue({ profile, ttlMs: 3_600_000, now })
    const foreign = await caSigner(otherCa, origin).issue({ profile, ttlMs: 3_600_000, now })
    assert.deepEqual(verifyCredential({ ...foreign, caPem: cluster.caCrtPem }, { profile, notAfter, now }), [
      'it does not chain to a CA its file trusts'
    ])
    assert.deepEqual(verifyCredential({ ...good, keyPem: foreign.keyPem }, { profile, notAfter, now }), [
      'its private key does not match it'
    ])
    assert.deepEqual(verifyCredential(good, { profile: talosClientProfile(['os:reader']), notAfter, now }), [
      'its roles are not the ones asked for'
    ])
    assert.deepEqual(verifyCredential(good, { profile, notAfter: new Date(notAfter.getTime() + 60_000), now }), [
      `it expires at ${new Date(Math.floor(notAfter.getTime() / 1000) * 1000).toISOString()}, not ${new Date(notAfter.getTime() + 60_000).toISOString()}`
    ])
  })
})

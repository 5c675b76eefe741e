import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { X509Certificate } from 'node:crypto'
import { encodePem } from '../../src/encoding.js'
import { loadLocalCa } from '../../src/pki/ca.js'
import { caSigner } from '../../src/pki/issue.js'
import {
  certificatesIn,
  describeCa,
  inspectCertificate,
  issuedBy,
  issuerAmong,
  OID_CLIENT_AUTH,
  sameCertificates,
  trusts
} from '../../src/pki/inspect.js'
import { daysFromNow, makeCluster } from '../support/cluster.js'

describe('inspectCertificate', () => {
  const cluster = makeCluster()
  const notBefore = new Date('2026-01-01T00:00:00Z')
  const notAfter = new Date('2027-01-01T00:00:00Z')
  const client = cluster.clientCertificate({ roles: ['os:reader', 'os:etcd:backup'], notBefore, notAfter })

  it('reads roles, validity and usages made by openssl', () => {
    assert.deepEqual(inspectCertificate(client.crtPem), {
      organizations: ['os:reader', 'os:etcd:backup'],
      commonName: undefined,
      notBefore,
      notAfter,
      extendedKeyUsages: [OID_CLIENT_AUTH]
    })
  })

  it('returns undefined for what is not a certificate', () => {
    assert.equal(inspectCertificate(client.keyPem), undefined)
    assert.equal(inspectCertificate('garbage'), undefined)
  })

  it('tells which CA issued a certificate', () => {
    const other = makeCluster()
    assert.equal(issuedBy(client.crtPem, cluster.caCrtPem), true)
    assert.equal(issuedBy(client.crtPem, other.caCrtPem), false)
    assert.equal(
      issuedBy(other.clientCertificate({ notBefore, notAfter: daysFromNow(1) }).crtPem, cluster.caCrtPem),
      false
    )
  })

  it('refuses a certificate whose names chain but whose signature does not verify', () => {
    const der = new X509Certificate(client.crtPem).raw
    const tampered = Buffer.from(der)
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] as number) ^ 0xff
    const pem = encodePem('CERTIFICATE', tampered)
    assert.ok(new X509Certificate(pem).checkIssued(new X509Certificate(cluster.caCrtPem)), 'the names still chain')
    assert.equal(issuedBy(pem, cluster.caCrtPem), false)
    assert.equal(issuerAmong(pem, cluster.caCrtPem), undefined)
    assert.equal(
      issuerAmong(client.crtPem, cluster.caCrtPem)?.fingerprint256,
      new X509Certificate(cluster.caCrtPem).fingerprint256
    )
    assert.equal(issuedBy('not a certificate', cluster.caCrtPem), false)
  })

  it('compares certificates by content, not layout', () => {
    assert.equal(sameCertificates(cluster.caCrtPem, cluster.caCrtPem.replace(/\n/g, '\r\n')), true)
    assert.equal(sameCertificates(cluster.caCrtPem, client.crtPem), false)
    assert.equal(sameCertificates('', ''), false, 'nothing is not the same as nothing')
    assert.equal(sameCertificates('garbage', 'garbage'), false)
  })

  it('lists the certificates of a PEM text, leaving out blocks that do not parse', () => {
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'
    const found = certificatesIn(broken + cluster.caCrtPem + 'text between\n' + client.crtPem)
    assert.deepEqual(
      found.map((certificate) => certificate.fingerprint256),
      [cluster.caCrtPem, client.crtPem].map((pem) => new X509Certificate(pem).fingerprint256)
    )
    assert.deepEqual(certificatesIn(''), [])
  })

  it('trusts a certificate that is any of the list, not only when all are', () => {
    const other = makeCluster()
    const ca = new X509Certificate(cluster.caCrtPem)
    assert.equal(trusts(other.caCrtPem + cluster.caCrtPem, ca), true)
    assert.equal(trusts(other.caCrtPem, ca), false)
  })

  it('describes a CA by subject, expiry day and SHA-256 fingerprint, an empty subject too', async () => {
    const ca = new X509Certificate(cluster.caCrtPem)
    assert.equal(
      describeCa(ca),
      `O=talos, expires ${new Date(ca.validTo).toISOString().slice(0, 10)}, SHA-256 ${ca.fingerprint256}`
    )
    // Signed here with no O and no CN: an empty subject, as Talos's k8saggregator CA has.
    const origin = { input: 'test', path: 'ca' }
    const signer = caSigner(loadLocalCa(cluster.caCrtPem, cluster.caKeyPem, origin, new Date()), origin)
    const profile = {
      organizations: [],
      keyUsages: ['digitalSignature' as const],
      extendedKeyUsages: ['clientAuth' as const]
    }
    const { crtPem } = await signer.issue({ profile, ttlMs: 86_400_000, now: new Date() })
    assert.match(
      describeCa(new X509Certificate(crtPem)),
      /^\(empty subject\), expires \d{4}-\d\d-\d\d, SHA-256 [0-9A-F:]{95}$/
    )
    assert.deepEqual(
      [inspectCertificate(crtPem)?.organizations, inspectCertificate(crtPem)?.commonName],
      [[], undefined]
    )
  })

  it('reads no extended key usage as none', () => {
    const bare = cluster.clientCertificate({ notBefore, notAfter, usages: 'none' })
    assert.deepEqual(inspectCertificate(bare.crtPem)?.extendedKeyUsages, [])
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { X509Certificate } from 'node:crypto'
import { encodePem } from '../../src/encoding.js'
import { inspectCertificate, issuedBy, issuerAmong, OID_CLIENT_AUTH, sameCertificates } from '../../src/pki/inspect.js'
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
  })
})

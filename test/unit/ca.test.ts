import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { userErrorOf } from '../support/refusals.js'
import { loadLocalCa } from '../../src/pki/ca.js'
import { makeCluster, openssl } from '../support/cluster.js'

const origin = { input: 'secrets-bundle', path: 'certs.os' }
const cluster = makeCluster()
const other = makeCluster({ algorithm: 'ecdsa' })
const now = new Date(Date.now() + 5_000)

function refusal(fn: () => unknown): string {
  const error = userErrorOf(fn)
  assert.equal(error.input, 'secrets-bundle')
  return error.message
}

/** A self-signed certificate made by openssl with the given extensions. */
function selfSigned(extensions: string, days = 10): { crtPem: string; keyPem: string } {
  writeFileSync(
    join(cluster.dir, 'custom.cnf'),
    `[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nO = talos\n[ext]\n${extensions}\n`
  )
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ed25519',
      '-nodes',
      '-keyout',
      'custom.key',
      '-config',
      'custom.cnf',
      '-extensions',
      'ext',
      '-days',
      String(days),
      '-out',
      'custom.crt'
    ],
    cluster.dir
  )
  return {
    crtPem: openssl(['x509', '-in', 'custom.crt'], cluster.dir),
    keyPem: openssl(['pkey', '-in', 'custom.key'], cluster.dir)
  }
}

describe('loadLocalCa', () => {
  it('loads a Talos OS CA', () => {
    const ca = loadLocalCa(cluster.caCrtPem, cluster.caKeyPem, origin, now)
    assert.deepEqual(ca.algorithm, { kind: 'ed25519' })
  })

  it('refuses a key that does not belong to the certificate', () => {
    assert.equal(
      refusal(() => loadLocalCa(cluster.caCrtPem, other.caKeyPem, origin, now)),
      "certs.os.key in input 'secrets-bundle' does not belong to certs.os.crt (ECDSA P-256 key); check that both come from the same bundle."
    )
  })

  it('refuses what is not a certificate or not a key, without quoting it', () => {
    assert.equal(
      refusal(() => loadLocalCa(cluster.caKeyPem, cluster.caKeyPem, origin, now)),
      "certs.os.crt in input 'secrets-bundle' is not a PEM certificate."
    )
    const message = refusal(() => loadLocalCa(cluster.caCrtPem, cluster.caCrtPem, origin, now))
    assert.match(message, /^certs\.os\.key in input 'secrets-bundle' is not a private key Talos writes/)
  })

  it('refuses a certificate that is not a CA', () => {
    const leaf = selfSigned('basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature')
    assert.match(
      refusal(() => loadLocalCa(leaf.crtPem, leaf.keyPem, origin, now)),
      /is not a CA certificate \(it lacks the CA basic constraint or the certSign key usage\)/
    )
  })

  it('refuses a CA outside its validity', () => {
    assert.match(
      refusal(() => loadLocalCa(cluster.caCrtPem, cluster.caKeyPem, origin, new Date(Date.now() + 3651 * 86_400_000))),
      /^certs\.os\.crt in input 'secrets-bundle' expired on .+ Rotate the CA/
    )
    assert.match(
      refusal(() => loadLocalCa(cluster.caCrtPem, cluster.caKeyPem, origin, new Date(Date.now() - 86_400_000))),
      /is not valid before .+; check the runner's clock\.$/
    )
  })

  it('accepts a CA at the first and the last second of its validity', () => {
    const { validFrom, validTo } = new X509Certificate(cluster.caCrtPem)
    assert.doesNotThrow(() => loadLocalCa(cluster.caCrtPem, cluster.caKeyPem, origin, new Date(validFrom)))
    assert.doesNotThrow(() => loadLocalCa(cluster.caCrtPem, cluster.caKeyPem, origin, new Date(validTo)))
    assert.throws(
      () => loadLocalCa(cluster.caCrtPem, cluster.caKeyPem, origin, new Date(new Date(validTo).getTime() + 1)),
      /expired on/
    )
  })

  it('refuses a key of an algorithm Talos never uses, naming the field', () => {
    const x25519 = openssl(['genpkey', '-algorithm', 'x25519'])
    assert.equal(
      refusal(() => loadLocalCa(cluster.caCrtPem, x25519, origin, now)),
      "certs.os.key in input 'secrets-bundle' is not a private key Talos writes (ED25519, EC, RSA or PKCS#8 PRIVATE KEY in PEM)."
    )
  })

  it('refuses a CA whose key usage lacks certSign', () => {
    const noSign = selfSigned('basicConstraints = critical, CA:TRUE\nkeyUsage = critical, digitalSignature')
    assert.equal(
      refusal(() => loadLocalCa(noSign.crtPem, noSign.keyPem, origin, now)),
      "certs.os.crt in input 'secrets-bundle' is not a CA certificate (it lacks the CA basic constraint or the certSign key usage); it cannot sign client certificates."
    )
  })
})

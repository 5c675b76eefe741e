import assert from 'node:assert/strict'
import { generateKeyPairSync, X509Certificate } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { loadLocalCa, type LocalCa } from '../../src/pki/ca.js'
import { kubernetesAdminProfile, talosClientProfile } from '../../src/pki/profile.js'
import { signCertificate } from '../../src/pki/sign.js'
import { openssl } from '../support/cluster.js'

const now = new Date()
const origin = { input: 'secrets-bundle', path: 'certs.os' }
const day = 86_400_000

/** A CA made by openssl: `genpkey` options for the key, and whether it carries a subject key id. */
function opensslCa(keyOptions: string[], withKeyId = true): { ca: LocalCa; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sign-'))
  openssl(['genpkey', ...keyOptions, '-out', 'ca.key'], dir)
  const keyId = withKeyId ? 'subjectKeyIdentifier = hash\n' : 'subjectKeyIdentifier = none\n'
  writeFileSync(
    join(dir, 'ca.cnf'),
    `[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nO = talos\n[ext]\nbasicConstraints = critical,CA:true\n` +
      `keyUsage = critical,keyCertSign,digitalSignature\n${keyId}authorityKeyIdentifier = none\n`
  )
  const args = [
    'req',
    '-x509',
    '-key',
    'ca.key',
    '-config',
    'ca.cnf',
    '-extensions',
    'ext',
    '-days',
    '30',
    '-out',
    'ca.crt'
  ]
  openssl(args, dir)
  const read = (file: string) => openssl([file.endsWith('.crt') ? 'x509' : 'pkey', '-in', file], dir)
  // A second ahead: openssl's notBefore is this second, which `now` may be a little before.
  return { ca: loadLocalCa(read('ca.crt'), read('ca.key'), origin, new Date(Date.now() + 1_000)), dir }
}

async function signWith(
  ca: LocalCa,
  dir: string,
  profile = talosClientProfile(['os:admin'])
): Promise<{ pem: string; text: string }> {
  const { publicKey } = generateKeyPairSync('ed25519')
  const pem = await signCertificate({
    ca,
    profile,
    publicKey,
    notBefore: now,
    notAfter: new Date(now.getTime() + day)
  })
  writeFileSync(join(dir, 'client.crt'), pem)
  openssl(['verify', '-CAfile', 'ca.crt', '-partial_chain', 'client.crt'], dir)
  return { pem, text: openssl(['x509', '-in', 'client.crt', '-noout', '-text'], dir) }
}

describe('signCertificate under each CA algorithm', () => {
  const cases: [string, string[], RegExp][] = [
    ['Ed25519', ['-algorithm', 'ed25519'], /Signature Algorithm: ED25519/],
    ['ECDSA P-256', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], /ecdsa-with-SHA256/],
    ['ECDSA P-384', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], /ecdsa-with-SHA384/],
    ['ECDSA P-521', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'], /ecdsa-with-SHA512/],
    ['RSA', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], /sha512WithRSAEncryption/]
  ]
  for (const [name, keyOptions, signature] of cases) {
    it(`signs under an ${name} CA with the hash Go's x509 picks, and openssl verifies it`, async () => {
      const { ca, dir } = opensslCa(keyOptions)
      const { text } = await signWith(ca, dir)
      assert.match(text, signature)
    })
  }
})

describe('signCertificate as Talos writes certificates', () => {
  const { ca, dir } = opensslCa(['-algorithm', 'ed25519'])

  it('writes one PEM block ending in a single newline, issued by the CA, keyed to it', async () => {
    const { pem, text } = await signWith(ca, dir)
    assert.match(pem, /^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/)
    const certificate = new X509Certificate(pem)
    assert.equal(certificate.issuer, ca.certificate.subject)
    const caKeyId = /Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(
      openssl(['x509', '-in', 'ca.crt', '-noout', '-text'], dir)
    )
    assert.ok(caKeyId?.[1])
    assert.match(text, new RegExp(`Authority Key Identifier:\\s*\\n\\s*(?:keyid:)?${caKeyId[1]}`))
  })

  it('draws a fresh positive serial of at most 128 bits for each certificate', async () => {
    const serials = new Set<string>()
    for (let i = 0; i < 8; i++) serials.add(new X509Certificate((await signWith(ca, dir)).pem).serialNumber)
    assert.equal(serials.size, 8)
    for (const serial of serials) assert.ok(BigInt(`0x${serial}`) < 2n ** 128n && BigInt(`0x${serial}`) > 0n)
  })

  it('adds no authority key id when the CA has no subject key id, as Go does', async () => {
    const bare = opensslCa(['-algorithm', 'ed25519'], false)
    const { text } = await signWith(bare.ca, bare.dir)
    assert.doesNotMatch(text, /Authority Key Identifier/)
  })

  it('marks key usage critical and lists the extended usage, per profile', async () => {
    const { text } = await signWith(ca, dir)
    assert.match(text, /X509v3 Key Usage: critical\n\s+Digital Signature\n/)
    assert.match(text, /Subject: O ?= ?os:admin\n/)
    const admin = await signWith(ca, dir, kubernetesAdminProfile())
    assert.match(admin.text, /X509v3 Key Usage: critical\n\s+Digital Signature, Key Encipherment\n/)
    assert.match(admin.text, /Subject: O ?= ?system:masters, CN ?= ?admin\n/)
    assert.match(text, /X509v3 Extended Key Usage: \n\s+TLS Web Client Authentication\n/)
  })
})

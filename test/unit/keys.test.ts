import assert from 'node:assert/strict'
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { describe, it } from 'node:test'
import type { KeyObject } from 'node:crypto'
import {
  clientKeyAlgorithmFor,
  describeAlgorithm,
  generatePrivateKey,
  keyAlgorithmOf,
  readPrivateKeyPem,
  writePrivateKeyPem
} from '../../src/pki/keys.js'
import { openssl } from '../support/cluster.js'

/** The key, or a failed assertion: the PEM must be readable. */
function readable(pem: string): KeyObject {
  const key = readPrivateKeyPem(pem)
  assert.ok(key, 'the key is read')
  return key
}

describe('readPrivateKeyPem', () => {
  it('reads every label Talos writes or accepts, as made by openssl', () => {
    const ed = openssl(['genpkey', '-algorithm', 'ed25519'])
    const ec = openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout'])
    const rsa = openssl(['genrsa', '-traditional', '2048'])
    assert.match(ec, /BEGIN EC PRIVATE KEY/)
    assert.match(rsa, /BEGIN RSA PRIVATE KEY/)
    const talosEd = ed.replace(/(BEGIN|END) PRIVATE KEY/g, '$1 ED25519 PRIVATE KEY')
    assert.deepEqual(keyAlgorithmOf(readable(talosEd)), { kind: 'ed25519' })
    assert.deepEqual(keyAlgorithmOf(readable(ed)), { kind: 'ed25519' })
    assert.deepEqual(keyAlgorithmOf(readable(ec)), { kind: 'ecdsa', curve: 'P-256' })
    assert.deepEqual(keyAlgorithmOf(readable(rsa)), { kind: 'rsa', bits: 2048 })
  })
  it('refuses other PEM and garbage', () => {
    const cert = openssl(['req', '-x509', '-newkey', 'ed25519', '-nodes', '-keyout', '/dev/null', '-subj', '/O=x'])
    assert.equal(readPrivateKeyPem(cert), undefined)
    assert.equal(readPrivateKeyPem('-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n'), undefined)
    assert.equal(readPrivateKeyPem('not a key'), undefined)
    const dsaLabel = openssl(['genpkey', '-algorithm', 'ed25519']).replace(
      /(BEGIN|END) PRIVATE KEY/g,
      '$1 DSA PRIVATE KEY'
    )
    assert.equal(readPrivateKeyPem(dsaLabel), undefined, 'a label Talos never writes')
  })
  it('reads keys of algorithms Talos never uses, and names them unsupported', () => {
    const x25519 = readable(openssl(['genpkey', '-algorithm', 'x25519']))
    const secp256k1 = readable(openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1']))
    assert.equal(keyAlgorithmOf(x25519), undefined)
    assert.equal(keyAlgorithmOf(secp256k1), undefined)
  })
})

describe('describeAlgorithm', () => {
  it('names each algorithm as messages show it', () => {
    assert.deepEqual(
      [
        describeAlgorithm({ kind: 'ed25519' }),
        describeAlgorithm({ kind: 'ecdsa', curve: 'P-384' }),
        describeAlgorithm({ kind: 'rsa', bits: 4096 })
      ],
      ['Ed25519', 'ECDSA P-384', 'RSA-4096']
    )
  })
})

describe('client keys', () => {
  it('follow the CA as Talos picks them', () => {
    assert.deepEqual(clientKeyAlgorithmFor({ kind: 'ed25519' }), { kind: 'ed25519' })
    assert.deepEqual(clientKeyAlgorithmFor({ kind: 'ecdsa', curve: 'P-521' }), { kind: 'ecdsa', curve: 'P-256' })
    assert.deepEqual(clientKeyAlgorithmFor({ kind: 'rsa', bits: 2048 }), { kind: 'rsa', bits: 4096 })
  })
  it('are written under Talos labels that openssl reads back (after relabelling Ed25519)', async () => {
    const ed = writePrivateKeyPem(await generatePrivateKey({ kind: 'ed25519' }))
    assert.match(ed, /^-----BEGIN ED25519 PRIVATE KEY-----\n[A-Za-z0-9+/=]{64}\n-----END ED25519 PRIVATE KEY-----\n$/)
    assert.match(
      openssl(['pkey', '-noout', '-text'], undefined, ed.replace(/ED25519 PRIVATE KEY/g, 'PRIVATE KEY')),
      /ED25519 Private-Key/
    )
    const ec = writePrivateKeyPem(await generatePrivateKey({ kind: 'ecdsa', curve: 'P-256' }))
    assert.match(ec, /^-----BEGIN EC PRIVATE KEY-----\n/)
    assert.match(openssl(['ec', '-noout', '-text'], undefined, ec), /ASN1 OID: prime256v1/)
    const rsa = writePrivateKeyPem(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey)
    assert.match(rsa, /^-----BEGIN RSA PRIVATE KEY-----\n/)
  })
  it('round-trip through readPrivateKeyPem to the same public key', async () => {
    const key = await generatePrivateKey({ kind: 'ed25519' })
    const back = readable(writePrivateKeyPem(key))
    assert.ok(createPublicKey(back).equals(createPublicKey(key)))
  })
})

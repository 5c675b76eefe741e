// age files made by the real age CLI: armored, binary wrapped in base64, and passphrase.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { readIdentities, type AgeKeys } from '../../src/sources/age.js'
import { openInput } from '../../src/sources/open.js'
import { ageEncrypt, ageEncryptWithPassphrase, ageKeygen } from '../support/age-cli.js'

const plain = 'cluster:\n    id: abc\ncerts:\n    os:\n        crt: x\n'
const identity = ageKeygen()
const keys = (overrides: Partial<AgeKeys> = {}): AgeKeys => ({
  identities: readIdentities(identity.keyFile),
  passphrase: undefined,
  identitiesFrom: "input 'age-key'",
  ...overrides
})

describe('age files', () => {
  it('opens an armored file', async () => {
    const armored = ageEncrypt(plain, identity.recipient, true).toString('utf8')
    assert.match(armored, /^-----BEGIN AGE ENCRYPTED FILE-----\n/)
    const opened = await openInput(armored, 'secrets-bundle', keys())
    assert.equal(opened.form, 'age')
    // Everything in an age file was encrypted, so everything is listed for masking.
    assert.deepEqual(opened.plaintexts, ['abc', 'x'])
    assert.deepEqual(opened.docs[0]?.toJS(), { cluster: { id: 'abc' }, certs: { os: { crt: 'x' } } })
  })

  it('opens a binary file wrapped in base64', async () => {
    const binary = ageEncrypt(plain, identity.recipient, false)
    const opened = await openInput(binary.toString('base64'), 'secrets-bundle', keys())
    assert.equal(opened.docs[0]?.getIn(['cluster', 'id']), 'abc')
  })

  it('opens a passphrase file, with the key file identities tried too', async () => {
    const file = ageEncryptWithPassphrase(plain, 'correct horse battery').toString('utf8')
    const opened = await openInput(
      file,
      'machine-config',
      keys({ identities: [], passphrase: 'correct horse battery' })
    )
    assert.equal(opened.docs[0]?.getIn(['cluster', 'id']), 'abc')
    await assert.rejects(
      openInput(file, 'machine-config', keys({ identities: [], passphrase: 'wrong' })),
      (error: Error) =>
        error.message ===
        "Input 'machine-config' could not be decrypted: none of 'age-passphrase' opens it; check that it was encrypted to your key."
    )
  })

  it('says a passphrase file needs age-passphrase when only identities are given', async () => {
    const file = ageEncryptWithPassphrase(plain, 'correct horse battery').toString('utf8')
    await assert.rejects(
      openInput(file, 'secrets-bundle', keys()),
      (error: Error) =>
        error.message ===
        "Input 'secrets-bundle' could not be decrypted: it is encrypted with a passphrase, not to an identity: set 'age-passphrase'."
    )
  })

  it('says what an age file decrypted to when it is not a bundle', async () => {
    const { openCaSource } = await import('../../src/sources/index.js')
    const cases: Array<[string, string]> = [
      ['just a string\n', 'a bare value, not a YAML mapping'],
      ['kind: Deployment\n', "YAML without a 'certs' section"]
    ]
    for (const [text, what] of cases) {
      const armored = ageEncrypt(text, identity.recipient, true).toString('utf8')
      await assert.rejects(
        openCaSource('secrets-bundle', armored, keys(), () => undefined),
        (error: Error) =>
          error.message ===
          `Input 'secrets-bundle' decrypted (age) to ${what}, not a Talos secrets bundle. Pass the secrets.yaml made by 'talosctl gen secrets'.`
      )
    }
  })

  it('names what to set when no key or the wrong key is given', async () => {
    const armored = ageEncrypt(plain, identity.recipient, true).toString('utf8')
    await assert.rejects(
      openInput(armored, 'secrets-bundle', keys({ identities: [] })),
      (error: Error) =>
        error.message ===
        "Input 'secrets-bundle' is age-encrypted, but no key was given: set the 'age-key' input (or the SOPS_AGE_KEY environment variable) to an age identity, or 'age-passphrase'."
    )
    const other = ageKeygen()
    await assert.rejects(
      openInput(
        armored,
        'secrets-bundle',
        keys({ identities: readIdentities(other.keyFile), identitiesFrom: 'SOPS_AGE_KEY' })
      ),
      (error: Error) =>
        error.message ===
        "Input 'secrets-bundle' could not be decrypted: none of the identities in SOPS_AGE_KEY opens it; check that it was encrypted to your key."
    )
  })

  it('refuses a damaged file without quoting it', async () => {
    const armored = ageEncrypt(plain, identity.recipient, true).toString('utf8')
    const lines = armored.split('\n')
    lines[2] = (lines[2] as string).replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))
    await assert.rejects(
      openInput(lines.join('\n'), 'secrets-bundle', keys()),
      /^UserError: Input 'secrets-bundle' (could not be decrypted: the file is damaged or was altered|is not a well-formed armored age file)\.$/
    )
  })

  it('reads identities from a key file with comments and blank lines', () => {
    assert.deepEqual(readIdentities(`# created: today\n\n${identity.keyFile}\n`).length, 1)
  })
})

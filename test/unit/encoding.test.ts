import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  decodeBase64,
  encodePem,
  MAX_INPUT_BYTES,
  parsePem,
  parseYaml,
  pemBodyLines,
  readTextInput
} from '../../src/encoding.js'

describe('readTextInput', () => {
  const yaml = 'context: prod\ncontexts:\n    prod: {}\n'
  it('passes YAML through and decodes base64 of it, wrapped or not', () => {
    assert.equal(readTextInput(yaml, 'talosconfig'), yaml)
    const b64 = Buffer.from(yaml).toString('base64')
    assert.equal(readTextInput(b64, 'talosconfig'), yaml)
    assert.equal(readTextInput(b64.replace(/(.{20})/g, '$1\n'), 'talosconfig'), yaml)
  })
  it('refuses something that is neither', () => {
    assert.throws(
      () => readTextInput('abc', 'talosconfig'),
      /^UserError: Input 'talosconfig' is neither YAML nor valid base64 of YAML\.$/
    )
  })
  it('refuses input larger than any secret before parsing it', () => {
    assert.throws(
      () => readTextInput('a: b\n'.repeat(MAX_INPUT_BYTES), 'secrets-bundle'),
      /^UserError: Input 'secrets-bundle' is \d+ bytes, more than any GitHub secret can hold \(48 KB, or 73728 bytes as base64\)/
    )
  })
})

describe('parseYaml', () => {
  it('reports where the YAML breaks without quoting the line', () => {
    const secret = 'key: LS0tLS1CRUdJTiBFRDI1NTE5IFBSSVZBVEUgS0VZLS0tLS0K'
    assert.throws(
      () => parseYaml(`certs:\n  os:\n    ${secret}\n   bad: [\n`, 'secrets-bundle'),
      (error: Error) => {
        assert.match(error.message, /^Input 'secrets-bundle' is not valid YAML at line \d+, column \d+ \(.+\)\.$/)
        assert.ok(!error.message.includes('LS0t'))
        return true
      }
    )
  })
  it('refuses duplicate keys', () => {
    assert.throws(() => parseYaml('a: 1\na: 2\n', 'talosconfig'), /not valid YAML .*duplicate key/)
  })
})

describe('PEM', () => {
  it('round-trips with 64-character lines as Go writes them', () => {
    const der = Buffer.alloc(100, 7)
    const pem = encodePem('CERTIFICATE', der)
    assert.match(
      pem,
      /^-----BEGIN CERTIFICATE-----\n(?:[A-Za-z0-9+/]{64}\n){2}[A-Za-z0-9+/=]{8}\n-----END CERTIFICATE-----\n$/
    )
    assert.deepEqual(parsePem(pem), [{ label: 'CERTIFICATE', der }])
    assert.deepEqual(
      pemBodyLines(pem).map((line) => line.length),
      [64, 64, 8]
    )
  })
  it('finds nothing in broken PEM', () => {
    assert.deepEqual(parsePem('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n'), [])
    assert.deepEqual(parsePem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n'), [])
  })
  it('decodes only strict base64', () => {
    assert.equal(decodeBase64('aGVsbG8=')?.toString(), 'hello')
    assert.equal(decodeBase64('aGVsbG8'), undefined)
    assert.equal(decodeBase64('aGV*bG8='), undefined)
  })
})

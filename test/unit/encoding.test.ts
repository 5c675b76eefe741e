import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  base64Pem,
  decodeBase64,
  encodePem,
  issuedSecretForms,
  MAX_INPUT_BYTES,
  parsePem,
  parseYaml,
  parseYamlDocuments,
  pemBodyLines,
  readInputBytes,
  readTextInput,
  secretForms
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

describe('parseYamlDocuments', () => {
  it('reads every document of a stream, up to 64 of them', () => {
    const docs = parseYamlDocuments(
      Array.from({ length: 64 }, (_, i) => `kind: K${i}\n`).join('---\n'),
      'machine-config'
    )
    assert.equal(docs.length, 64)
    assert.equal(docs[63]?.get('kind'), 'K63')
    assert.throws(
      () => parseYamlDocuments(Array.from({ length: 65 }, () => 'a: b\n').join('---\n'), 'machine-config'),
      /^UserError: Input 'machine-config' holds 65 YAML documents; a Talos file has far fewer\.$/
    )
  })

  it('refuses a syntax error in any document, naming its line', () => {
    assert.throws(
      () => parseYamlDocuments('a: b\n---\nc: [d\n', 'machine-config'),
      /^UserError: Input 'machine-config' is not valid YAML at line 4, column 1 \(bad indent\)\.$/
    )
    assert.throws(() => parseYamlDocuments('a: 1\n---\nb: &x 1\nc: *x\n', 'machine-config'), /uses YAML aliases/)
  })
})

describe('secretForms', () => {
  const key = encodePem('ED25519 PRIVATE KEY', Buffer.alloc(48, 9))
  const lines = pemBodyLines(key)

  it('masks PEM text line by line, never the multi-line whole', () => {
    assert.deepEqual(secretForms(key), lines)
    assert.ok(!secretForms(key).some((form) => form.includes('\n')))
  })

  it('masks base64 of PEM as itself and each line of the PEM it holds', () => {
    const b64 = Buffer.from(key).toString('base64')
    assert.deepEqual(secretForms(b64), [b64, ...lines])
    assert.deepEqual(secretForms('plain-token-value'), ['plain-token-value'])
  })

  it('masks a new certificate and key as the configs hold them, and the key by line', () => {
    const crtPem = encodePem('CERTIFICATE', Buffer.alloc(40, 3))
    assert.deepEqual(issuedSecretForms({ crtPem, keyPem: key }), [
      Buffer.from(crtPem).toString('base64'),
      Buffer.from(key).toString('base64'),
      ...lines
    ])
  })
})

describe('parsePem strictly', () => {
  it('refuses an empty block, or a body that is not strict base64', () => {
    assert.deepEqual(parsePem('-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n'), [])
    assert.deepEqual(parsePem('-----BEGIN CERTIFICATE-----\nAAA*\n-----END CERTIFICATE-----\n'), [])
    assert.deepEqual(parsePem('-----BEGIN A-----\nAAAA\n-----END B-----\n'), [], 'the END label must match')
    assert.deepEqual(parsePem('no pem here'), [])
  })
  it('reads base64 of PEM only when it holds PEM', () => {
    assert.equal(base64Pem(Buffer.from('-----BEGIN X-----\n').toString('base64')), '-----BEGIN X-----\n')
    assert.equal(base64Pem(Buffer.from('just text').toString('base64')), undefined)
    assert.equal(base64Pem(42), undefined)
  })
})

describe('encoding at its edges', () => {
  it('reads an input of exactly the largest size and refuses one byte more', () => {
    const atLimit = 'a: b\n#' + 'x'.repeat(MAX_INPUT_BYTES - 7) + '\n'
    assert.equal(Buffer.byteLength(atLimit), MAX_INPUT_BYTES)
    assert.equal(readTextInput(atLimit, 'talosconfig'), atLimit)
    assert.throws(() => readTextInput(atLimit + 'x', 'talosconfig'), /is 73729 bytes, more than/)
  })

  it('passes armored text through even when it looks like base64 after its first line', () => {
    const armored = '  -----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n'
    assert.equal(readTextInput(armored, 'secrets-bundle'), armored)
  })

  it('decodes base64url as well as standard base64', () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xbf, 0x61, 0x3a, 0x20, 0x62, 0x0a, 0x63])
    assert.equal(bytes.toString('base64url'), '-_-_YTogYgpj')
    assert.deepEqual(readInputBytes(bytes.toString('base64url'), 'talosconfig'), bytes)
  })

  it('names the line and column of a duplicate key and of a too-deep document', () => {
    assert.throws(
      () => parseYaml('a: 1\nb:\n  c: 1\n  c: 2\n', 'talosconfig'),
      /^UserError: Input 'talosconfig' is not valid YAML at line 4, column 3 \(duplicate key\)\.$/
    )
  })

  it('reads 32 levels of nesting and refuses 33', () => {
    const nested = (depth: number) => '{a: '.repeat(depth) + '1' + '}'.repeat(depth)
    assert.doesNotThrow(() => parseYaml(nested(32), 'machine-config'))
    assert.throws(
      () => parseYaml(nested(33), 'machine-config'),
      /^UserError: Input 'machine-config' is nested more than 32 levels deep; it is not read\.$/
    )
  })

  it('refuses an alias in a single document before anything expands it', () => {
    assert.throws(
      () => parseYaml('a: &x [1]\nb: *x\n', 'secrets-bundle'),
      /^UserError: Input 'secrets-bundle' uses YAML aliases, which Talos files never do; it is not read\.$/
    )
  })

  it('reads PEM with header lines and CRLF line ends, as older tools write it', () => {
    const der = Buffer.alloc(48, 5)
    const crlf = encodePem('RSA PRIVATE KEY', der)
      .replace('-----\n', '-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n')
      .replace(/\n/g, '\r\n')
    assert.deepEqual(parsePem(crlf), [{ label: 'RSA PRIVATE KEY', der }])
    assert.deepEqual(pemBodyLines(crlf), [
      'Proc-Type: 4,ENCRYPTED',
      'DEK-Info: AES-128-CBC,00',
      ...pemBodyLines(encodePem('RSA PRIVATE KEY', der))
    ])
  })

  it('reads every block of a chain, and none when any one is broken', () => {
    const one = encodePem('CERTIFICATE', Buffer.alloc(10, 1))
    const two = encodePem('CERTIFICATE', Buffer.alloc(10, 2))
    assert.equal(parsePem(one + two).length, 2)
    assert.deepEqual(parsePem(one + '-----BEGIN CERTIFICATE-----\n#\n-----END CERTIFICATE-----\n'), [])
  })
})

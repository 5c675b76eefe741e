// SOPS decryption against files made by sops itself, and tampered copies of them: every
// alteration must be refused, with a plain message and no key material.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseDocument } from 'yaml'
import { UserError } from '../../src/errors.js'
import { readIdentities } from '../../src/sources/age.js'
import { openInput } from '../../src/sources/open.js'
import { sopsAgeSecret, talhelperBundle } from '../support/fixtures.js'
import { ageKeygen } from '../support/age-cli.js'
import { sopsEncrypt, type SopsRules, type TypedValue } from '../support/sops-writer.js'

const keysOf = (keyFile: string) => ({
  identities: readIdentities(keyFile),
  passphrase: undefined,
  identitiesFrom: "input 'age-key'"
})
const secret = sopsAgeSecret()
const talhelper = talhelperBundle()

/** The words of a refusal; it concerns the file, or the age key when no key given opens it. */
async function refusal(text: string, keyFile = secret.ageKey, concerns = 'secrets-bundle'): Promise<string> {
  try {
    await openInput(text, 'secrets-bundle', keysOf(keyFile))
  } catch (error) {
    assert.ok(error instanceof UserError, String(error))
    assert.equal(error.input, concerns)
    assert.doesNotMatch(error.message, /AGE-SECRET-KEY|ENC\[/)
    return error.message
  }
  assert.fail('the tampered file was accepted')
}
const PREFIX = "Input 'secrets-bundle' is a SOPS file that "
const SUFFIX = '; nothing from it is used.'

describe('SOPS files made by sops', () => {
  it('decrypts sops 3.8.1 values of every type to the published plaintext', async () => {
    const opened = await openInput(secret.text, 'secrets-bundle', keysOf(secret.ageKey))
    assert.equal(opened.form, 'SOPS')
    // The published plaintext also lists "0word", which the published encrypted file lacks.
    const { '0word': _absent, ...expected } = secret.plain
    assert.deepEqual(opened.docs[0]?.toJS(), expected)
    assert.deepEqual(opened.plaintexts.sort(), [
      'one',
      'string',
      'this is a secret',
      'this is a secret',
      'three',
      'two'
    ])
  })

  it('decrypts the talhelper Talos bundle made by sops 3.8.0', async () => {
    const opened = await openInput(talhelper.text, 'secrets-bundle', keysOf(talhelper.ageKey))
    const bundle = opened.docs[0]?.toJS()
    assert.deepEqual(Object.keys(bundle), ['cluster', 'secrets', 'trustdinfo', 'certs'])
    assert.match(Buffer.from(bundle.certs.os.crt, 'base64').toString(), /^-----BEGIN CERTIFICATE-----\n/)
    assert.match(Buffer.from(bundle.certs.os.key, 'base64').toString(), /^-----BEGIN ED25519 PRIVATE KEY-----\n/)
    assert.ok(opened.plaintexts.includes(bundle.certs.os.key))
  })

  it('also reads the file given as base64', async () => {
    const opened = await openInput(Buffer.from(secret.text).toString('base64'), 'secrets-bundle', keysOf(secret.ageKey))
    assert.equal(opened.docs[0]?.toJS().int, 7)
  })

  it('names the key source when no identity opens the data key', async () => {
    const other = ageKeygen().keyFile
    assert.equal(
      await refusal(secret.text, other, 'age-key'),
      "The SOPS data key in input 'secrets-bundle' could not be decrypted: none of the identities in input 'age-key' opens it; check that it was encrypted to your key."
    )
    await assert.rejects(
      openInput(secret.text, 'secrets-bundle', {
        identities: [],
        passphrase: undefined,
        identitiesFrom: 'SOPS_AGE_KEY'
      }),
      /set the 'age-key' input \(or the SOPS_AGE_KEY environment variable\)/
    )
  })
})

describe('tampered SOPS files are refused', () => {
  const line = (text: string, start: string): string =>
    text.split('\n').find((l) => l.startsWith(start)) ?? assert.fail(start)
  const valueOf = (l: string) => l.slice(l.indexOf(': ') + 2)

  it('a key deleted', async () => {
    const tampered = secret.text.replace(`${line(secret.text, 'string: ')}\n`, '')
    assert.equal(
      await refusal(tampered),
      `${PREFIX}does not match its MAC: it was altered after sops wrote it${SUFFIX}`
    )
  })

  it('a value replaced by another encrypted value', async () => {
    const tampered = secret.text.replace(valueOf(line(secret.text, 'string: ')), valueOf(line(secret.text, 'secret: ')))
    assert.equal(
      await refusal(tampered),
      `${PREFIX}has a value at string that does not decrypt under its path (altered or moved)${SUFFIX}`
    )
  })

  it('a value replaced by plaintext', async () => {
    const tampered = secret.text.replace(line(secret.text, 'int: '), 'int: 8')
    assert.equal(await refusal(tampered), `${PREFIX}has a value that should be encrypted but is not, at int${SUFFIX}`)
  })

  it("names the path by the file's own keys, read as outside words the gate can judge", async () => {
    const tampered = secret.text.replace(line(secret.text, 'int: '), 'int: 8')
    const error = await openInput(tampered, 'secrets-bundle', keysOf(secret.ageKey)).then(
      () => assert.fail('the tampered file was accepted'),
      (refused: unknown) => refused
    )
    assert.ok(error instanceof UserError)
    const { parts } = error.text
    assert.ok(
      parts.some((part) => 'outside' in part && part.outside === 'int'),
      JSON.stringify(parts)
    )
    assert.ok(!parts.some((part) => 'own' in part && /\bint\b/.test(part.own)), JSON.stringify(parts))
  })

  it('two values swapped: keys, and list items under the same path', async () => {
    const a = line(secret.text, 'secret: ')
    const b = line(secret.text, 'string: ')
    const swapped = secret.text.replace(a, '@@A').replace(b, a).replace('@@A', b)
    assert.match(await refusal(swapped), /does not match its MAC|does not decrypt under its path/)
    const items = secret.text.split('\n').filter((l) => l.startsWith('    - ENC['))
    const [first = '', second = ''] = items
    const reordered = secret.text.replace(first, '@@A').replace(second, first).replace('@@A', second)
    assert.equal(
      await refusal(reordered),
      `${PREFIX}does not match its MAC: it was altered after sops wrote it${SUFFIX}`
    )
  })

  it('the MAC removed or altered', async () => {
    const mac = line(secret.text, '  mac: ')
    assert.equal(await refusal(secret.text.replace(`${mac}\n`, '')), `${PREFIX}has no MAC${SUFFIX}`)
    const altered = mac.replace(/data:(.)/, (_, c: string) => `data:${c === 'A' ? 'B' : 'A'}`)
    assert.equal(
      await refusal(secret.text.replace(mac, altered)),
      `${PREFIX}has a MAC that does not open with its lastmodified date (altered)${SUFFIX}`
    )
  })

  it('a tag cut short (GCM would accept its first 4 bytes)', async () => {
    const tag = /tag:([^,]+),type:int\]/.exec(secret.text)?.[1] as string
    const tampered = secret.text.replace(
      `tag:${tag},type:int]`,
      `tag:${Buffer.from(tag, 'base64').subarray(0, 4).toString('base64')},type:int]`
    )
    assert.notEqual(tampered, secret.text)
    assert.equal(
      await refusal(tampered),
      `${PREFIX}has a value at int whose authentication tag is 4 bytes, not the 16 sops writes (altered)${SUFFIX}`
    )
  })

  it('lastmodified changed', async () => {
    const tampered = secret.text.replace('lastmodified: "2024-03-25T22:08:10Z"', 'lastmodified: "2024-03-25T22:08:11Z"')
    assert.notEqual(tampered, secret.text)
    assert.equal(
      await refusal(tampered),
      `${PREFIX}has a MAC that does not open with its lastmodified date (altered)${SUFFIX}`
    )
  })

  it('lastmodified removed', async () => {
    const tampered = secret.text.replace(/^ +lastmodified: .*\n/m, '')
    assert.notEqual(tampered, secret.text)
    assert.equal(await refusal(tampered), `${PREFIX}has no lastmodified date${SUFFIX}`)
  })

  it('a value moved in the real Talos bundle', async () => {
    const key = line(talhelper.text, '        key: ENC[')
    const tampered = talhelper.text.replace(line(talhelper.text, '    token: '), `    token: ${valueOf(key)}`)
    assert.equal(
      await refusal(tampered, talhelper.ageKey),
      `${PREFIX}has a value at trustdinfo.token that does not decrypt under its path (altered or moved)${SUFFIX}`
    )
  })

  it('several key groups, unknown types and comment rules', async () => {
    const groups = secret.text.replace(
      '  lastmodified:',
      '  key_groups:\n    - age: []\n    - age: []\n  lastmodified:'
    )
    assert.equal(
      await refusal(groups),
      `${PREFIX}splits its data key over several key groups (Shamir), which this action does not support${SUFFIX}`
    )
    const unknown = secret.text.replace(/(int: ENC\[[^\]]*type:)int\]/, '$1decimal]')
    assert.equal(await refusal(unknown), `${PREFIX}has a value of unknown type 'decimal' at int${SUFFIX}`)
    const comments = secret.text.replace('  unencrypted_suffix: _unencrypted', '  encrypted_comment_regex: sops:enc')
    assert.equal(
      await refusal(comments),
      `${PREFIX}selects values by comments, which this action does not support${SUFFIX}`
    )
    assert.ok(parseDocument(comments).has('sops'))
  })
})

describe('SOPS encryption rules', () => {
  const identity = ageKeygen()
  const plain =
    'name_unencrypted: cluster-a\npassword_secret: hunter22\ndata:\n    token: abc123\npublic: readme\nport: 6443\nenabled: true\n'
  const open = (text: string) =>
    openInput(text, 'secrets-bundle', keysOf(identity.keyFile)).then((opened) => opened.docs[0]?.toJS())
  const expected = {
    name_unencrypted: 'cluster-a',
    password_secret: 'hunter22',
    data: { token: 'abc123' },
    public: 'readme',
    port: 6443,
    enabled: true
  }
  const encryptedKeys = (text: string) =>
    Object.entries(parseDocument(text).toJS())
      .filter(([k, v]) => k !== 'sops' && JSON.stringify(v).includes('ENC['))
      .map(([k]) => k)

  const cases: Array<[string, SopsRules, string[]]> = [
    ['the default unencrypted suffix', {}, ['password_secret', 'data', 'public', 'port', 'enabled']],
    ['an encrypted suffix', { encrypted_suffix: '_secret' }, ['password_secret']],
    [
      'an unencrypted suffix of its own, which replaces the default',
      { unencrypted_suffix: 'lic' },
      ['name_unencrypted', 'password_secret', 'data', 'port', 'enabled']
    ],
    [
      'an unencrypted regex',
      { unencrypted_regex: '^(public|port)$' },
      ['name_unencrypted', 'password_secret', 'data', 'enabled']
    ],
    ['an encrypted regex', { encrypted_regex: '^(data|password_secret)$' }, ['password_secret', 'data']]
  ]
  for (const [name, rules, encrypted] of cases) {
    it(`follows ${name}, and the MAC covers the values left plain`, async () => {
      const text = sopsEncrypt(plain, identity.recipient, rules)
      assert.deepEqual(encryptedKeys(text), encrypted)
      assert.deepEqual(await open(text), expected)
      const plainKey = Object.keys(expected).find((key) => !encrypted.includes(key)) as string
      const line = text.split('\n').find((l) => l.startsWith(`${plainKey}: `)) as string
      await assert.rejects(open(text.replace(line, `${plainKey}: altered`)), /does not match its MAC/)
    })
  }

  it("reads the rules as Go's regexp does (RE2): its syntax, and linear time on a pattern that backtracks", async () => {
    // \z is RE2's end of text; a JavaScript RegExp would read it as the letter z.
    const goSyntax = sopsEncrypt('plain: visible\nsecret: hidden\n', identity.recipient, {
      unencrypted_regex: '^plain\\z'
    })
    assert.deepEqual(encryptedKeys(goSyntax), ['secret'])
    assert.deepEqual(await open(goSyntax), { plain: 'visible', secret: 'hidden' })
    // ^(a+)+$ against 32 a's and a '!' takes a backtracking engine seconds, doubling per character.
    const hostileKey = `${'a'.repeat(32)}!`
    const backtracking = sopsEncrypt(`${hostileKey}: value\nother: x\n`, identity.recipient, {
      unencrypted_regex: '^(a+)+$'
    })
    const started = Date.now()
    assert.deepEqual(await open(backtracking), { [hostileKey]: 'value', other: 'x' })
    assert.ok(Date.now() - started < 1000, `${Date.now() - started} ms`)
  })

  it('refuses a rule that is not a Go regular expression', async () => {
    const text = sopsEncrypt('a: 1\n', identity.recipient, { encrypted_regex: '^a$' }).replace(
      'encrypted_regex: ^a$',
      'encrypted_regex: (?<=x)a'
    )
    await assert.rejects(
      open(text),
      /^UserError: Input 'secrets-bundle' is a SOPS file that has an encrypted_regex that is not a regular expression sops reads; nothing from it is used\.$/
    )
  })

  it('with mac_only_encrypted, leaves plain values out of the MAC but not encrypted ones', async () => {
    const text = sopsEncrypt(plain, identity.recipient, { encrypted_suffix: '_secret', mac_only_encrypted: true })
    assert.deepEqual(await open(text), expected)
    assert.deepEqual((await open(text.replace('public: readme', 'public: altered'))).public, 'altered')
    const secretLine = text.split('\n').find((l) => l.startsWith('password_secret: ')) as string
    await assert.rejects(
      open(text.replace(secretLine, 'password_secret: plain')),
      /should be encrypted but is not, at password_secret/
    )
    // The same file without mac_only_encrypted has a different MAC: the setting is not a free switch.
    await assert.rejects(
      open(text.replace('mac_only_encrypted: true', 'mac_only_encrypted: false')),
      /does not match its MAC/
    )
  })
})

describe('SOPS values of every type sops writes', () => {
  const identity = ageKeygen()
  const open = (text: string) =>
    openInput(text, 'secrets-bundle', keysOf(identity.keyFile)).then((opened) => opened.docs[0]?.toJS())
  const typedFile = (typed: Record<string, TypedValue>) =>
    sopsEncrypt(
      Object.keys(typed)
        .map((key) => `${key}: x`)
        .join('\n'),
      identity.recipient,
      {},
      { typed }
    )

  it('reads bytes, int64 past the safe range, and floats with exponents, as their MAC bytes say', async () => {
    const text = typedFile({
      raw: { text: 'raw bytes', type: 'bytes' },
      big: { text: '9007199254740993', type: 'int64' },
      small: { text: '-42', type: 'int64' },
      huge: { text: '1e21', type: 'float', mac: '1000000000000000000000' },
      tiny: { text: '1.5e-7', type: 'float', mac: '0.00000015' },
      negative: { text: '-1.5e-7', type: 'float', mac: '-0.00000015' },
      negativeHuge: { text: '-2.5e+22', type: 'float', mac: '-25000000000000000000000' },
      plain: { text: '2.5', type: 'float' }
    })
    assert.deepEqual(await open(text), {
      raw: 'raw bytes',
      big: 9007199254740993n,
      small: -42,
      huge: 1e21,
      tiny: 1.5e-7,
      negative: -1.5e-7,
      negativeHuge: -2.5e22,
      plain: 2.5
    })
  })

  it("reads every bool spelling Go's strconv takes, as True or False for the MAC", async () => {
    const spellings = {
      '1': true,
      t: true,
      T: true,
      TRUE: true,
      true: true,
      True: true,
      '0': false,
      f: false,
      F: false,
      FALSE: false,
      false: false,
      False: false
    }
    const typed = Object.fromEntries(
      Object.entries(spellings).map(([text, value], index) => [
        `b${index}`,
        { text, type: 'bool', mac: value ? 'True' : 'False' }
      ])
    )
    assert.deepEqual(Object.values((await open(typedFile(typed))) ?? {}), Object.values(spellings))
    await assert.rejects(
      open(typedFile({ b: { text: 'yes', type: 'bool' } })),
      /^UserError: Input 'secrets-bundle' is a SOPS file that has a bool at b that is not true or false; nothing from it is used\.$/
    )
  })

  it('refuses an int or a float that is not a number', async () => {
    await assert.rejects(open(typedFile({ n: { text: '12a', type: 'int' } })), /has an int at n that is not a number/)
    await assert.rejects(open(typedFile({ n: { text: ' ', type: 'float' } })), /has a float at n that is not a number/)
    await assert.rejects(
      open(typedFile({ n: { text: 'Infinity', type: 'float' } })),
      /has a float at n that is not a number/
    )
  })

  it('leaves empty strings and nulls as sops does: an empty string as it is, a null outside the walk', async () => {
    const text = sopsEncrypt("empty: ''\nnothing: null\nkept: value\n", identity.recipient)
    assert.match(text, /^empty: ''$/m)
    assert.deepEqual(await open(text), { empty: '', nothing: null, kept: 'value' })
  })

  it('applies suffix and regex rules to every key on the path, nested ones too', async () => {
    const nested = 'outer_unencrypted:\n  inner: visible\nsealed:\n  inner: hidden\n'
    const bySuffix = sopsEncrypt(nested, identity.recipient)
    assert.match(bySuffix, /^ {2}inner: visible$/m)
    assert.deepEqual(await open(bySuffix), { outer_unencrypted: { inner: 'visible' }, sealed: { inner: 'hidden' } })
    const byRegex = sopsEncrypt('data:\n  a: secret\nother:\n  a: open\n', identity.recipient, {
      encrypted_regex: '^data$'
    })
    assert.match(byRegex, /^ {2}a: open$/m)
    assert.deepEqual(await open(byRegex), { data: { a: 'secret' }, other: { a: 'open' } })
  })

  it('reads the data key from a single key group, as newer sops writes it', async () => {
    const text = sopsEncrypt('a: secret\n', identity.recipient, {}, { keyGroup: true })
    assert.match(text, /key_groups:/)
    assert.deepEqual(await open(text), { a: 'secret' })
  })

  it('says so, in words, when the file has no age recipient at all', async () => {
    await assert.rejects(
      open(sopsEncrypt('a: secret\n', identity.recipient, {}, { noRecipients: true })),
      /^UserError: Input 'secrets-bundle' is a SOPS file that has no age recipients \(only age is supported\); nothing from it is used\.$/
    )
  })
})

// The gate every text for people passes: masked values out of everything; out of outside
// values also every address the run knows, as whole tokens in any case, and anything shaped like
// an address or a URL; outside values cut short. The action's own words and links pass whole.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ADDRESS, isAddress, withoutAddresses } from '../../src/story/addresses.js'
import { DOCUMENT_LIMIT, Gate, VALUE_LIMIT } from '../../src/story/gate.js'
import { joined, outside, own, said, Text } from '../../src/text.js'

const A = ADDRESS
const none: ReadonlySet<string> = new Set()

describe('withoutAddresses', () => {
  const cases: Array<[string, string]> = [
    // URLs, with any scheme, and www.
    ['see https://evil.example/login now', `see ${A} now`],
    ['(ftp://x.example/a).', `(${A}).`],
    ['go to www.evil.example', `go to ${A}`],
    ['file:///tmp/x', A],
    // IPv4, with a port, in any of the forms getaddrinfo reads, and at a sentence's end.
    ['dial 10.20.30.40:50000, then 10.20.30.41.', `dial ${A}, then ${A}.`],
    ['0177.0.0.1 and 0x7f.0.0.1', `${A} and ${A}`],
    // IPv6, bare, bracketed, with a port or a zone, percent-encoded too.
    ['fd00::1 and [fd00::1]:50000', `${A} and ${A}`],
    ['fe80::1%eth0 [fe80::1%25eth0]:5', `${A} ${A}`],
    ['::ffff:10.0.0.1', A],
    // host:port, user@host, host/path, host?query, a DNS name.
    ['cp1:50000 refused', `${A} refused`],
    ['alice@cp1.example.com wrote', `${A} wrote`],
    ['evil.example/login', A],
    ['k8s.internal?x=1', A],
    ['node.lab.internal. answered', `${A}. answered`],
    // Not addresses: versions, times, roles, file names, fingerprints, numbers, dates, words.
    ['Talos v1.14.0 at 12:34', 'Talos v1.14.0 at 12:34'],
    ['os:admin and os:etcd:backup', 'os:admin and os:etcd:backup'],
    [
      'secrets.yaml, talosconfig.json, key.pem, ca.crt, main.go',
      'secrets.yaml, talosconfig.json, key.pem, ca.crt, main.go'
    ],
    ['SHA-256 45:5D:8D:98:1B:49:7C:FB:A1:F0:48:AA:D6:62:82:D0:E6:75:7E:3D:2D:2E:64:A9:D4:F0:BE:34:50:4C:FE:FC', ''],
    ['1.2.3 and 2130706433 on 2026-12-05', '1.2.3 and 2130706433 on 2026-12-05'],
    ['e.g. a.b1 -x.y 1.2.3.4.5', 'e.g. a.b1 -x.y 1.2.3.4.5'],
    ['', '']
  ]
  for (const [text, expected] of cases) {
    it(`reads ${JSON.stringify(text)}`, () => {
      assert.equal(withoutAddresses(text, none), expected || text)
    })
  }

  it('removes the addresses the run knows as whole tokens, in any case, and nothing inside a word', () => {
    const known = new Set(['talos', 'cp1', 'cp1:50000', '10.5.0.2'])
    assert.equal(
      withoutAddresses('talos refused; TALOS too; talosconfig and talos-api stay', known),
      `${A} refused; ${A} too; talosconfig and talos-api stay`
    )
    assert.equal(withoutAddresses("cp1:50000 (refused) 'cp1' [10.5.0.2]", known), `${A} (refused) '${A}' ${A}`)
  })

  it('keeps every character around what it removes', () => {
    assert.equal(withoutAddresses('\t"10.0.0.1"\n<cp1:1>|{x.example}', none), `\t"${A}"\n<${A}>|{${A}}`)
  })

  it('takes linear time: a node answer of 4 MB that is all dots and digits, or all one token', () => {
    for (const hostile of ['1.'.repeat(2 * 1024 * 1024), 'a'.repeat(4 * 1024 * 1024), '1:'.repeat(2 * 1024 * 1024)]) {
      const started = process.hrtime.bigint()
      withoutAddresses(hostile, none)
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      // A bound far above the measured time (npm run bench), far below what quadratic work takes.
      assert.ok(ms < 5_000, `${ms} ms`)
    }
  })
})

describe('isAddress', () => {
  it('judges the pieces of a token: a host behind a user, a path, a query or an assignment', () => {
    const known = new Set(['cp1'])
    assert.equal(isAddress('x=cp1', known), true)
    assert.equal(isAddress('x=cp2', known), false)
    assert.equal(isAddress('[cp1]', known), true)
    assert.equal(isAddress('[nope]', known), false)
    assert.equal(isAddress('[::1', none), false)
    assert.equal(isAddress('a:b:c', none), false)
    assert.equal(isAddress(':80', none), false)
    assert.equal(isAddress('host:123456', none), false)
    assert.equal(isAddress('12:80', none), false)
    assert.equal(isAddress('a..b', none), false)
    assert.equal(isAddress(`${'a'.repeat(64)}.com`, none), false)
    assert.equal(isAddress(`${'a.'.repeat(130)}com`, none), false)
    assert.equal(isAddress('0x.1.2.3', none), false)
    assert.equal(isAddress('0x7fffffff1.0.0.1', none), false)
    assert.equal(isAddress('12345678901.0.0.1', none), false)
    assert.equal(isAddress('1234567890.0.0.1', none), true)
    assert.equal(isAddress('x.c', none), false, 'a one-letter top-level label is no domain')
    assert.equal(isAddress(`fd00::${'1:'.repeat(40)}1`, none), false, 'too long to be IPv6')
    // A port is one to five digits, and there is one.
    assert.equal(isAddress('cp1:/x', none), false)
    assert.equal(isAddress('cp1:5a', none), false)
    assert.equal(isAddress('cp1:12345', none), true)
    // Hex octets up to 0xffffffff, and only hex digits in them.
    assert.equal(isAddress('0xffffffff.0.0.1', none), true)
    assert.equal(isAddress('0xfg.0.0.1', none), false)
    // A name's trailing dot, before a port or a path.
    assert.equal(isAddress('node.example.:50000', none), true)
    assert.equal(isAddress('a.example./x', none), true)
    // Labels: none empty, at most 63 characters, letters, digits, '-' and '_' only; two-letter domains.
    assert.equal(isAddress('a..example', none), false)
    assert.equal(isAddress(`${'a'.repeat(63)}.com`, none), true)
    assert.equal(isAddress('a%b.example', none), false)
    assert.equal(isAddress('cp-1.example', none), true)
    assert.equal(isAddress('a_b.example', none), true)
    assert.equal(isAddress('evil.io', none), true)
    assert.equal(isAddress('www.example', none), true)
  })

  it('reads a host:port up to the longest a name can be, and not beyond', () => {
    // Four labels make a name of 253 characters; with a port, 259.
    const name = [63, 63, 63, 61].map((length) => 'a'.repeat(length)).join('.')
    assert.equal(name.length, 253)
    assert.equal(isAddress(`${name}:50000`, none), true)
    assert.equal(isAddress(`x${name}:50000`, none), false)
    assert.equal(isAddress(`${name.slice(0, -3)}com`, none), true, 'a bare name of 253')
    assert.equal(isAddress(`x${name.slice(0, -3)}com`, none), false, 'a bare name of 254')
    // An IPv6 address with a zone, up to 64 characters; a name with a bad character before a port; an empty octet.
    assert.equal(isAddress(`fe80::1%${'e'.repeat(56)}`, none), true)
    assert.equal(isAddress(`fe80::1%${'e'.repeat(100)}`, none), false)
    assert.equal(isAddress('a%b:80', none), false)
    assert.equal(isAddress('1..2.3', none), false)
  })

  it('keeps file names with the endings a message quotes', () => {
    for (const ending of ['yaml', 'yml', 'json', 'js', 'mjs', 'ts', 'pem', 'crt', 'key', 'txt', 'proto', 'go'])
      assert.equal(isAddress(`file.${ending}`, none), false, ending)
  })
})

describe('Gate', () => {
  it('removes masked values from every part, longest first, also across two parts', () => {
    const gate = new Gate()
    gate.mask('s3cret')
    gate.mask('s3cret-and-more')
    gate.mask('')
    gate.mask('s3cret')
    gate.mask('abc')
    gate.mask('abcd')
    assert.equal(gate.text(said`own s3cret-and-more, ${'outside s3cret'}`), 'own ***, outside ***')
    assert.equal(gate.text(said`split s3c${'ret'}`), 'split ***')
    assert.equal(gate.value('a s3cret b'), 'a *** b')
    assert.equal(gate.document('# s3cret'), '# ***')
    assert.equal(gate.value('abc abcd'), 'abc ***', 'three characters are words, not a secret; four are masked')
    assert.equal(
      new Gate().value('Stryker was here, and nothing else is masked'),
      'Stryker was here, and nothing else is masked'
    )
  })

  it("keeps the action's own words and links whole, and takes addresses out of outside values only", () => {
    const gate = new Gate()
    gate.know('talos')
    gate.know('https://k8s.internal:6443')
    gate.know('[fd00::1]:50000')
    gate.know('cp1:50000')
    const text = said`The Talos API at ${'talos'} and ${'k8s.internal:6443'}; see https://github.com/acme/ops/actions/runs/1 (${'fd00::1'}, ${'cp1'}).`
    assert.equal(
      gate.text(text),
      `The Talos API at ${A} and ${A}; see https://github.com/acme/ops/actions/runs/1 (${A}, ${A}).`
    )
    assert.equal(gate.value('K8S.INTERNAL'), A)
    assert.equal(gate.text(own('talos')), 'talos')
  })

  it("keeps the action's own facts whole, addresses and length alike, with masked values out", () => {
    const gate = new Gate()
    gate.know('10.5.0.2')
    gate.mask('s3cret')
    const path = `/home/runner/work/_temp/10.5.0.2/cluster.example.com/${'d'.repeat(400)}/talosconfig`
    assert.equal(gate.fact(path), path)
    assert.equal(gate.fact('/tmp/s3cret/talosconfig'), '/tmp/***/talosconfig')
  })

  it('cuts an outside value to a few hundred characters, never the own words around it', () => {
    const gate = new Gate()
    const long = 'x'.repeat(VALUE_LIMIT + 50)
    const shown = gate.text(said`before ${long} after`)
    assert.equal(shown, `before ${'x'.repeat(VALUE_LIMIT)}… after`)
    assert.equal(gate.value('y'.repeat(VALUE_LIMIT)), 'y'.repeat(VALUE_LIMIT))
    // Never half a surrogate pair.
    const emoji = `${'z'.repeat(VALUE_LIMIT - 1)}😀😀`
    assert.equal(gate.value(emoji), `${'z'.repeat(VALUE_LIMIT - 1)}…`)
  })

  it('reads far enough to see a masked value longer than the limit', () => {
    const gate = new Gate()
    const key = 'K'.repeat(VALUE_LIMIT * 2)
    gate.mask(key)
    assert.equal(gate.value(`${'a'.repeat(VALUE_LIMIT - 1)}${key}`), `${'a'.repeat(VALUE_LIMIT - 1)}*…`)
  })

  it("knows the forms an address stands alone in: its host:port, its host, a URL's host", () => {
    const gate = new Gate()
    gate.know('https://cp1:6443')
    gate.know('cp2:50000')
    gate.know('fd00::1')
    gate.know('https://k8s')
    assert.equal(gate.value('cp1 cp1:6443 cp2 cp2:50000 k8s'), [A, A, A, A, A].join(' '))
    assert.equal(gate.value('fd00 stays'), 'fd00 stays', 'an IPv6 address is no host:port')
  })

  it('removes a masked value or an address that starts inside the limit and ends beyond it', () => {
    const gate = new Gate()
    const key = 'K'.repeat(120)
    gate.mask(key)
    const masked = gate.value(`${'a'.repeat(VALUE_LIMIT - 10)}${key}${'b'.repeat(10_000)}`)
    assert.ok(!masked.includes('KKKKKKKKKK'), masked.slice(-40))
    const url = gate.value(`${'a '.repeat((VALUE_LIMIT - 10) / 2)}https://evil.example/${'p'.repeat(200)} rest`)
    assert.ok(!url.includes('evil'), url.slice(-40))
  })

  it('keeps a document under the size GitHub shows, cut at a line, and says so', () => {
    const gate = new Gate()
    const line = `${'r'.repeat(99)}\n`
    const big = line.repeat(Math.ceil((DOCUMENT_LIMIT * 3) / line.length))
    const cut = gate.document(big)
    assert.ok(Buffer.byteLength(cut) <= DOCUMENT_LIMIT, `${Buffer.byteLength(cut)}`)
    assert.match(cut, /\n\n\(The rest is cut: it would pass the size GitHub shows\.\)\n$/)
    assert.match(cut.split('\n\n(The rest')[0] ?? '', /^(r{99}\n)*r{99}$/)
    assert.equal(gate.document('small'), 'small')
    const exact = 'e'.repeat(100)
    assert.equal(gate.document(exact, 100), exact)
    assert.notEqual(gate.document(`${exact}e`, 100), `${exact}e`)
  })

  it('joins texts with its own separator, and reads values of every kind as outside', () => {
    const gate = new Gate()
    const text = joined([said`a ${'10.0.0.1'}`, outside('cp.example'), said`${3} ${true} ${null} ${undefined}`], '; ')
    assert.equal(gate.text(text), `a ${A}; ${A}; 3 true  `)
    assert.equal(text.raw, 'a 10.0.0.1; cp.example; 3 true  ')
    assert.equal(gate.text(said`${own('')}${outside('')}x`), 'x')
    assert.equal(new Text([]).concat(undefined, said`y`).raw, 'y')
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse } from 'yaml'
import { UserError } from '../../src/errors.js'
import {
  readContext,
  readTalosconfig,
  renderTalosconfig,
  sensitiveValues
} from '../../src/credentials/talosconfig/file.js'

const pem = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`
const b64 = (text: string) => Buffer.from(text).toString('base64')
const CA = pem('CERTIFICATE', 'Q0FDRVJU')
const CRT = pem('CERTIFICATE', 'T0xEQ1JU')
const KEY = pem('ED25519 PRIVATE KEY', 'T0xES0VZT0xES0VZ')

// As talosctl writes it, with a comment and an Omni-style context to keep.
const TALOSCONFIG = `context: prod
contexts:
    # the production cluster
    prod:
        endpoints:
            - 10.5.0.2
            - 10.5.0.3
        nodes:
            - 10.5.0.2
        ca: ${b64(CA)}
        crt: ${b64(CRT)}
        key: ${b64(KEY)}
        cluster: prod
    omni:
        endpoints:
            - https://omni.example
        auth:
            siderov1:
                identity: someone@example.com
`
const NEW = {
  caPem: pem('CERTIFICATE', 'TkVXQ0E='),
  crtPem: pem('CERTIFICATE', 'TkVXQ1JU'),
  keyPem: pem('ED25519 PRIVATE KEY', 'TkVXS0VZ')
}

describe('talosconfig', () => {
  it('reads the selected context with its PEM decoded', () => {
    const config = readTalosconfig(TALOSCONFIG)
    assert.equal(config.current, 'prod')
    assert.deepEqual(config.contextNames, ['prod', 'omni'])
    assert.equal(config.indent, 4)
    assert.deepEqual(readContext(config, 'prod'), {
      name: 'prod',
      endpoints: ['10.5.0.2', '10.5.0.3'],
      nodes: ['10.5.0.2'],
      caPem: CA,
      crtPem: CRT,
      keyPem: KEY,
      hasAuth: false
    })
    assert.deepEqual(readContext(config, 'omni'), {
      name: 'omni',
      endpoints: ['https://omni.example'],
      nodes: [],
      caPem: undefined,
      crtPem: undefined,
      keyPem: undefined,
      hasAuth: true
    })
  })

  it('reads base64 of the file the same way', () => {
    assert.deepEqual(readContext(readTalosconfig(b64(TALOSCONFIG)), 'prod').crtPem, CRT)
  })

  it('names the contexts there are when the asked one is missing', () => {
    assert.throws(
      () => readContext(readTalosconfig(TALOSCONFIG), 'staging'),
      (error: UserError) =>
        error.input === 'context' &&
        error.message ===
          "Context 'staging' does not exist in input 'talosconfig' (contexts: 'prod', 'omni'). Set 'context' to one of them."
    )
  })

  it('refuses what is not a talosconfig, and a crt that is not base64 PEM', () => {
    assert.throws(
      () => readTalosconfig('cluster:\n  id: x\n'),
      /^UserError: Input 'talosconfig' is neither a talosconfig nor base64 of one \(it has no 'contexts' mapping\)\. A secret may hold the file as talosctl wrote it, or its base64/
    )
    const broken = readTalosconfig(TALOSCONFIG.replace(`crt: ${b64(CRT)}`, 'crt: not-base64!'))
    assert.throws(
      () => readContext(broken, 'prod'),
      /^UserError: contexts\.prod\.crt in input 'talosconfig' is not base64 of PEM text/
    )
  })

  it('lists every crt and key value, and the key PEM lines, for masking', () => {
    const values = sensitiveValues(readTalosconfig(TALOSCONFIG))
    assert.deepEqual(values, [b64(CRT), 'T0xEQ1JU', b64(KEY), 'T0xES0VZT0xES0VZ'])
  })

  it('renders a renewal that changes only ca, crt and key of the context', () => {
    const text = renderTalosconfig(readTalosconfig(TALOSCONFIG), {
      name: 'prod',
      endpoints: [],
      nodes: [],
      credential: NEW
    })
    const expected = TALOSCONFIG.replace(b64(CA), b64(NEW.caPem))
      .replace(b64(CRT), b64(NEW.crtPem))
      .replace(b64(KEY), b64(NEW.keyPem))
    assert.equal(text, expected)
  })

  it('replaces endpoints and nodes when the inputs give them', () => {
    const text = renderTalosconfig(readTalosconfig(TALOSCONFIG), {
      name: 'prod',
      endpoints: ['10.9.0.1'],
      nodes: ['10.9.0.2', '10.9.0.3'],
      credential: NEW
    })
    const prod = parse(text).contexts.prod
    assert.deepEqual(prod.endpoints, ['10.9.0.1'])
    assert.deepEqual(prod.nodes, ['10.9.0.2', '10.9.0.3'])
  })

  it('keeps a two-space layout when the file uses one', () => {
    const twoSpaces = 'context: a\ncontexts:\n  a:\n    endpoints: []\n'
    const text = renderTalosconfig(readTalosconfig(twoSpaces), { name: 'a', endpoints: [], nodes: [], credential: NEW })
    assert.match(text, /^context: a\ncontexts:\n {2}a:\n {4}endpoints: \[\]\n {4}ca: /)
  })

  it('makes a new talosconfig as talosctl lays it out', () => {
    const text = renderTalosconfig(undefined, { name: 'homelab', endpoints: ['10.5.0.2'], nodes: [], credential: NEW })
    assert.equal(
      text,
      `context: homelab\ncontexts:\n    homelab:\n        endpoints:\n            - 10.5.0.2\n        ca: ${b64(NEW.caPem)}\n        crt: ${b64(NEW.crtPem)}\n        key: ${b64(NEW.keyPem)}\n`
    )
  })
})

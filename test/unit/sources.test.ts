// The CA sources, one guard at a time: a bundle and a machine configuration read as Talos
// writes them, each way of being wrong named in words, what is masked, and the forms an input
// comes in (plain, base64, SOPS-encrypted but stripped of its sops section, multi-document).
import { said } from '../../src/text.js'
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseAllDocuments, parseDocument, stringify } from 'yaml'
import { userErrorOf } from '../support/refusals.js'
import { readBundle } from '../../src/sources/bundle.js'
import { readCaPem, readPemCa } from '../../src/sources/ca-pem.js'
import { openCaSource } from '../../src/sources/index.js'
import { readMachineConfig } from '../../src/sources/machine-config.js'
import { openInput } from '../../src/sources/open.js'
import { secretValues, stringValues } from '../../src/sources/secret-values.js'
import { makeCluster } from '../support/cluster.js'
import { talhelperBundle } from '../support/fixtures.js'

const cluster = makeCluster()
const other = makeCluster()
const b64 = (text: string) => Buffer.from(text).toString('base64')
const noKeys = { identities: [], passphrase: undefined, identitiesFrom: "input 'age-key'" }
const docs = (text: string) => parseAllDocuments(text) as unknown as ReturnType<typeof parseDocument>[]
const refusal = (read: () => unknown): string => userErrorOf(read).message
const BUNDLE_TAIL = ", not a Talos secrets bundle. Pass the secrets.yaml made by 'talosctl gen secrets'."

describe('readBundle', () => {
  it('reads the Talos API CA at once and the Kubernetes CA when asked, as PEM', () => {
    const cas = readBundle(docs(cluster.bundleYaml), 'YAML')
    assert.deepEqual(cas.os, { crtPem: cluster.caCrtPem, keyPem: cluster.caKeyPem })
    assert.deepEqual(cas.k8s(), {
      ca: { crtPem: cluster.k8sCaPem, keyPem: cluster.k8sCaKeyPem },
      path: 'certs.k8s',
      acceptedPems: []
    })
  })

  it('says what it got instead of a bundle, and how it was opened', () => {
    const cases: Array<[string, string, string]> = [
      ['a: 1\n---\nb: 2\n', 'YAML', `Input 'secrets-bundle' is 2 YAML documents${BUNDLE_TAIL}`],
      ['', 'YAML', `Input 'secrets-bundle' is 0 YAML documents${BUNDLE_TAIL}`],
      ['---\n', 'YAML', `Input 'secrets-bundle' is an empty document${BUNDLE_TAIL}`],
      ['kind: Deployment\n', 'YAML', `Input 'secrets-bundle' is YAML without a 'certs' section${BUNDLE_TAIL}`],
      ['- a\n- b\n', 'age', `Input 'secrets-bundle' decrypted (age) to a YAML list${BUNDLE_TAIL}`],
      [
        'just words\n',
        'SOPS',
        `Input 'secrets-bundle' decrypted (SOPS) to a bare value, not a YAML mapping${BUNDLE_TAIL}`
      ]
    ]
    for (const [text, form, message] of cases)
      assert.equal(
        refusal(() => readBundle(docs(text), form)),
        message
      )
  })

  it('names the field that is missing or not base64 of PEM, and where Talos keeps the CA', () => {
    const bundle = parseDocument(cluster.bundleYaml).toJS()
    const without = (certs: Record<string, unknown>) =>
      docs(stringify({ ...bundle, certs: { ...bundle.certs, ...certs } }))
    assert.equal(
      refusal(() => readBundle(without({ os: { crt: bundle.certs.os.crt } }), 'YAML')),
      "Input 'secrets-bundle' has no certs.os.key; a Talos secrets bundle carries the Talos API CA there."
    )
    assert.equal(
      refusal(() => readBundle(without({ os: { crt: '', key: bundle.certs.os.key } }), 'YAML')),
      "Input 'secrets-bundle' has no certs.os.crt; a Talos secrets bundle carries the Talos API CA there."
    )
    assert.equal(
      refusal(() => readBundle(without({ k8s: { crt: 42, key: bundle.certs.k8s.key } }), 'YAML').k8s()),
      "Input 'secrets-bundle' has no certs.k8s.crt; a Talos secrets bundle carries the Kubernetes CA there."
    )
    assert.equal(
      refusal(() => readBundle(without({ os: { crt: b64('plain words'), key: bundle.certs.os.key } }), 'YAML')),
      "certs.os.crt in input 'secrets-bundle' is not base64 of PEM text, as Talos writes it."
    )
  })
})

describe('readCaPem and readPemCa', () => {
  const doc = parseDocument(
    stringify({
      a: { b: { crt: b64(cluster.caCrtPem), key: b64(cluster.caKeyPem) } },
      issuingCA: { cert: cluster.k8sCaPem.trimEnd(), key: cluster.k8sCaKeyPem }
    })
  )
  it('reads a nested base64 path, and plain PEM text with its final newline restored', () => {
    assert.deepEqual(
      readCaPem(doc, ['a', 'b'], 'x', () => said`missing`),
      { crtPem: cluster.caCrtPem, keyPem: cluster.caKeyPem }
    )
    assert.deepEqual(readPemCa(doc, ['issuingCA'], 'x', 'Kind'), {
      crtPem: cluster.k8sCaPem,
      keyPem: cluster.k8sCaKeyPem
    })
  })
  it('names the field by its whole path', () => {
    assert.equal(
      refusal(() => readCaPem(doc, ['a', 'c'], 'x', (field) => said`no ${field}`)),
      'no a.c.crt'
    )
    const bad = parseDocument(stringify({ issuingCA: { cert: 'not pem', key: '' } }))
    assert.equal(
      refusal(() => readPemCa(bad, ['issuingCA'], 'x', 'Kind')),
      "Kind.issuingCA.cert in input 'x' is not PEM text, as Talos writes it."
    )
    const noKey = parseDocument(stringify({ issuingCA: { cert: cluster.k8sCaPem, key: '' } }))
    assert.equal(
      refusal(() => readPemCa(noKey, ['issuingCA'], 'x', 'Kind')),
      "Input 'x' has no Kind.issuingCA.key; the Kind document carries the CA there."
    )
  })
})

/** The Talos 1.14 documents of `text` with the KubeAPIServerCAConfig's acceptedCAs set to `accepted`. */
function withAccepted(text: string, accepted: unknown): ReturnType<typeof docs> {
  const all = docs(text)
  all.find((doc) => doc.get('kind') === 'KubeAPIServerCAConfig')?.set('acceptedCAs', accepted)
  return docs(all.map((doc) => doc.toString()).join('---\n'))
}

describe('readMachineConfig', () => {
  it('reads machine.ca, cluster.ca, the cluster name and endpoint of a v1alpha1 document', () => {
    const cas = readMachineConfig(docs(cluster.machineConfigYaml('controlplane')))
    assert.deepEqual(cas.os, { crtPem: cluster.caCrtPem, keyPem: cluster.caKeyPem })
    assert.equal(cas.k8s().path, 'cluster.ca')
    assert.deepEqual(cas.k8s().acceptedPems, [])
    assert.equal(typeof cas.clusterName, 'string')
    assert.match(cas.endpoint ?? '', /^https:\/\//)
  })

  it('reads the Talos 1.14 documents beside it, accepted CAs as strings or { cert }', () => {
    const text = cluster.machineConfigTalos114Yaml({
      clusterName: 'lab',
      endpoint: 'https://10.5.0.2:6443',
      acceptedCaPems: [other.k8sCaPem]
    })
    const cas = readMachineConfig(docs(text))
    assert.deepEqual([cas.clusterName, cas.endpoint], ['lab', 'https://10.5.0.2:6443'])
    assert.deepEqual(cas.k8s(), {
      ca: { crtPem: cluster.k8sCaPem, keyPem: cluster.k8sCaKeyPem },
      path: 'KubeAPIServerCAConfig.issuingCA',
      acceptedPems: [other.k8sCaPem]
    })
    assert.deepEqual(readMachineConfig(withAccepted(text, [{ cert: other.k8sCaPem }])).k8s().acceptedPems, [
      other.k8sCaPem
    ])
  })

  it('refuses an accepted CA that is not a certificate, a worker, and a file with no v1alpha1 document', () => {
    const text = cluster.machineConfigTalos114Yaml({ clusterName: 'lab', endpoint: 'https://10.5.0.2:6443' })
    for (const accepted of [['not a certificate'], [other.k8sCaPem, { cert: 42 }], [{ key: other.k8sCaPem }]]) {
      const index = accepted.length - 1
      assert.equal(
        refusal(() => readMachineConfig(withAccepted(text, accepted)).k8s()),
        `KubeAPIServerCAConfig.acceptedCAs[${index}] in input 'machine-config' is not a PEM certificate.`
      )
    }
    assert.deepEqual(readMachineConfig(withAccepted(text, 'not a list')).k8s().acceptedPems, [])
    assert.equal(
      refusal(() => readMachineConfig(docs(cluster.machineConfigYaml('worker')))),
      "Input 'machine-config' is a worker configuration: its machine.ca.key is empty. Only a controlplane configuration carries the Talos API CA key; pass controlplane.yaml."
    )
    for (const text of ['version: v1alpha1\n', 'machine: {}\n', 'kind: KubeClusterConfig\n', '- version: v1alpha1\n']) {
      assert.match(
        refusal(() => readMachineConfig(docs(text))),
        /^Input 'machine-config' has no v1alpha1 machine configuration document/
      )
    }
  })

  it('names what is missing and where a controlplane configuration keeps it', () => {
    const noCluster =
      'version: v1alpha1\nmachine:\n  ca:\n    crt: ' +
      b64(cluster.caCrtPem) +
      '\n    key: ' +
      b64(cluster.caKeyPem) +
      '\n'
    assert.equal(
      refusal(() => readMachineConfig(docs(noCluster)).k8s()),
      "Input 'machine-config' has no cluster.ca.crt; a controlplane configuration carries the Kubernetes CA there (or, from Talos 1.14, in a KubeAPIServerCAConfig document)."
    )
    assert.equal(
      refusal(() => readMachineConfig(docs('version: v1alpha1\nmachine:\n  type: controlplane\n'))),
      "Input 'machine-config' has no machine.ca.crt; a controlplane configuration carries the Talos API CA there."
    )
    const cas = readMachineConfig(docs(noCluster))
    assert.deepEqual([cas.clusterName, cas.endpoint], [undefined, undefined])
  })
})

describe('openInput and openCaSource', () => {
  it('reads a bundle given as YAML or base64, and masks every secret value of it', async () => {
    for (const value of [cluster.bundleYaml, b64(cluster.bundleYaml)]) {
      const masked: string[] = []
      const source = await openCaSource('secrets-bundle', value, noKeys, (secret) => masked.push(secret))
      assert.equal(source.form, 'YAML')
      assert.deepEqual(source.os.origin, { input: 'secrets-bundle', path: 'certs.os' })
      assert.deepEqual(source.os.acceptedPems, [])
      assert.ok(masked.includes(parseDocument(cluster.bundleYaml).getIn(['certs', 'os', 'key']) as string))
      assert.ok(
        !masked.includes(parseDocument(cluster.bundleYaml).getIn(['certs', 'os', 'crt']) as string),
        'a certificate is not secret'
      )
      assert.ok(
        masked.every((secret) => secret.length >= 8),
        'values too short to be secrets are left alone'
      )
    }
  })

  it('reads a machine configuration, its CA under machine.ca', async () => {
    const source = await openCaSource(
      'machine-config',
      cluster.machineConfigYaml('controlplane'),
      noKeys,
      () => undefined
    )
    assert.deepEqual(source.os.origin, { input: 'machine-config', path: 'machine.ca' })
    assert.equal(source.k8s().origin.path, 'cluster.ca')
    assert.match(source.kubernetesEndpoint ?? '', /^https:\/\//)
  })

  it('recognises a SOPS file that lost its sops section, and refuses a multi-document SOPS file', async () => {
    const stripped = talhelperBundle().text.replace(/^sops:[\s\S]*$/m, '')
    await assert.rejects(
      openInput(stripped, 'secrets-bundle', noKeys),
      /is still SOPS-encrypted \(its values are ENC\[\.\.\.\]\)/
    )
    const plainWithEnc = 'certs:\n  os:\n    note: "mentions ENC[ in the middle"\n'
    assert.equal(
      (await openInput(plainWithEnc, 'secrets-bundle', noKeys)).form,
      'YAML',
      'only a value that starts with ENC['
    )
    const twice = `${talhelperBundle().text}\n---\n${talhelperBundle().text}`
    await assert.rejects(
      openInput(twice, 'secrets-bundle', noKeys),
      /^UserError: Input 'secrets-bundle' is a multi-document SOPS file, which this action does not read; give it as plain YAML in a secret, or encrypt it with age\.$/
    )
  })
})

describe('secretValues and stringValues', () => {
  const doc = parseDocument(
    stringify({
      cluster: { id: 'cluster-id-value', secret: 'cluster-secret-value' },
      list: [{ token: 'token-in-a-list' }, 'plain-in-a-list'],
      tokens: ['first-token-value', 'second-token-value'],
      port: 6443,
      nothing: null,
      crt: b64(cluster.caCrtPem)
    })
  )
  it('finds the values under secret-looking keys, in maps and lists, at any depth', () => {
    assert.deepEqual(secretValues(doc), [
      'cluster-secret-value',
      'token-in-a-list',
      'first-token-value',
      'second-token-value'
    ])
  })
  it('lists every string value, in lists too, and nothing else', () => {
    assert.deepEqual(stringValues(doc), [
      'cluster-id-value',
      'cluster-secret-value',
      'token-in-a-list',
      'plain-in-a-list',
      'first-token-value',
      'second-token-value',
      b64(cluster.caCrtPem)
    ])
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse, parseDocument, stringify } from 'yaml'
import { openCaSource } from '../../src/sources/index.js'
import { secretValues } from '../../src/sources/secret-values.js'
import { makeCluster } from '../support/cluster.js'

const cluster = makeCluster()
const withOs = (os: unknown) =>
  stringify({ ...parse(cluster.bundleYaml), certs: { ...parse(cluster.bundleYaml).certs, os } })
const noKeys = { identities: [], passphrase: undefined, identitiesFrom: "input 'age-key'" }
const read = async (text: string) => (await openCaSource('secrets-bundle', text, noKeys, () => undefined)).os.ca

describe('the CAs of a secrets bundle', () => {
  it('takes certs.os, and certs.k8s when asked, from a bundle as talosctl writes it', async () => {
    const source = await openCaSource('secrets-bundle', cluster.bundleYaml, noKeys, () => undefined)
    assert.deepEqual(source.os, {
      ca: { crtPem: cluster.caCrtPem, keyPem: cluster.caKeyPem },
      origin: { input: 'secrets-bundle', path: 'certs.os' },
      acceptedPems: []
    })
    assert.deepEqual(source.k8s().origin, { input: 'secrets-bundle', path: 'certs.k8s' })
    assert.match(source.k8s().ca.crtPem, /^-----BEGIN CERTIFICATE-----/)
    assert.equal(source.kubernetesEndpoint, undefined)
  })

  it('names what is wrong, never quoting the values', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        'cluster:\n    id: x\n',
        /^UserError: Input 'secrets-bundle' is YAML without a 'certs' section, not a Talos secrets bundle\./
      ],
      ['- a: 1\n- b: 2\n', /^UserError: Input 'secrets-bundle' is a YAML list, not a Talos secrets bundle\./],
      [
        withOs(undefined),
        /^UserError: Input 'secrets-bundle' has no certs\.os\.crt; a Talos secrets bundle carries the Talos API CA there\.$/
      ],
      [withOs({ crt: parse(cluster.bundleYaml).certs.os.crt }), /has no certs\.os\.key/],
      [
        withOs({ crt: 'bm90IHBlbQ==', key: 'x' }),
        /^UserError: certs\.os\.crt in input 'secrets-bundle' is not base64 of PEM text, as Talos writes it\.$/
      ],
      [
        withOs({ crt: parse(cluster.bundleYaml).certs.os.crt, key: 'LS0tLS1CRUdJTi@' }),
        /^UserError: certs\.os\.key in input 'secrets-bundle' is not base64 of PEM text/
      ]
    ]
    for (const [text, message] of cases) await assert.rejects(read(text), message)
  })
})

describe('secretValues', () => {
  it('lists every secret of a bundle, and the lines of its keys, but no certificate and not the cluster id', () => {
    const doc = parse(cluster.bundleYaml)
    const values = secretValues(parseDocument(cluster.bundleYaml))
    for (const secret of [
      doc.cluster.secret,
      doc.secrets.bootstraptoken,
      doc.secrets.secretboxencryptionsecret,
      doc.trustdinfo.token,
      doc.certs.os.key,
      doc.certs.k8s.key,
      doc.certs.k8sserviceaccount.key
    ]) {
      assert.ok(values.includes(secret))
    }
    for (const line of cluster.caKeyPem.split('\n').filter((l) => l && !l.startsWith('-----')))
      assert.ok(values.includes(line))
    assert.ok(!values.includes(doc.certs.os.crt))
    assert.ok(!values.includes(doc.cluster.id))
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse, stringify } from 'yaml'
import { readSecretsBundle } from '../../src/sources/bundle.js'
import { makeCluster } from '../support/cluster.js'

const cluster = makeCluster()
const withOs = (os: unknown) => stringify({ ...parse(cluster.bundleYaml), certs: { ...parse(cluster.bundleYaml).certs, os } })

describe('readSecretsBundle', () => {
  it('takes certs.os from a bundle as talosctl writes it, as YAML or base64', () => {
    for (const value of [cluster.bundleYaml, Buffer.from(cluster.bundleYaml).toString('base64')]) {
      const bundle = readSecretsBundle(value)
      assert.equal(bundle.os.crtPem, cluster.caCrtPem)
      assert.equal(bundle.os.keyPem, cluster.caKeyPem)
    }
  })

  it('lists every secret value for masking, but no certificate and not the cluster id', () => {
    const doc = parse(cluster.bundleYaml)
    const values = readSecretsBundle(cluster.bundleYaml).sensitiveValues
    for (const secret of [doc.cluster.secret, doc.secrets.bootstraptoken, doc.trustdinfo.token, doc.certs.os.key, doc.certs.k8s.key, doc.certs.k8sserviceaccount.key]) {
      assert.ok(values.includes(secret))
    }
    for (const line of cluster.caKeyPem.split('\n').filter((l) => l && !l.startsWith('-----'))) assert.ok(values.includes(line))
    assert.ok(!values.includes(doc.certs.os.crt))
    assert.ok(!values.includes(doc.cluster.id))
  })

  it('names what is wrong, never quoting the values', () => {
    const cases: Array<[string, RegExp]> = [
      ['cluster:\n    id: x\n', /^UserError: Input 'secrets-bundle' is YAML but not a Talos secrets bundle \(it has no 'certs' section\)/],
      ['- a\n- b\n', /is YAML but not a Talos secrets bundle/],
      [withOs(undefined), /^UserError: Input 'secrets-bundle' has no certs\.os\.crt; a Talos secrets bundle carries the Talos API CA there\.$/],
      [withOs({ crt: parse(cluster.bundleYaml).certs.os.crt }), /has no certs\.os\.key/],
      [withOs({ crt: 'bm90IHBlbQ==', key: 'x' }), /^UserError: certs\.os\.crt in input 'secrets-bundle' is not base64 of PEM text, as Talos writes it\.$/],
      [withOs({ crt: parse(cluster.bundleYaml).certs.os.crt, key: 'LS0tLS1CRUdJTi@' }), /^UserError: certs\.os\.key in input 'secrets-bundle' is not base64 of PEM text/]
    ]
    for (const [text, message] of cases) assert.throws(() => readSecretsBundle(text), message)
  })
})

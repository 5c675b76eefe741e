import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse } from 'yaml'
import {
  publicKubeconfig,
  readKubeconfig,
  readKubeContext,
  renderKubeconfig,
  sensitiveValues
} from '../../src/credentials/kubeconfig/file.js'
import { loadLocalCa } from '../../src/pki/ca.js'
import { caSigner } from '../../src/pki/issue.js'
import { kubernetesAdminProfile } from '../../src/pki/profile.js'
import { verifyCredential } from '../../src/pki/verify.js'
import { daysFromNow, kubeconfigYaml, makeCluster } from '../support/cluster.js'

const cluster = makeCluster()
const client = cluster.kubeAdminCertificate({ notBefore: daysFromNow(-1), notAfter: daysFromNow(100) })
const text = kubeconfigYaml('demo', 'https://127.0.0.1:9', cluster.k8sCaPem, client)
const b64 = (pem: string) => Buffer.from(pem).toString('base64')

describe('kubeconfig', () => {
  it('reads the current context with its cluster and user', () => {
    const config = readKubeconfig(text)
    assert.equal(config.currentContext, 'admin@demo')
    assert.deepEqual(readKubeContext(config, 'admin@demo'), {
      name: 'admin@demo',
      clusterName: 'demo',
      userName: 'admin@demo',
      server: 'https://127.0.0.1:9',
      caPem: cluster.k8sCaPem,
      crtPem: client.crtPem,
      keyPem: client.keyPem
    })
    assert.throws(
      () => readKubeContext(config, 'admin@nope'),
      /^UserError: Context 'admin@nope' does not exist in input 'kubeconfig'/
    )
    assert.throws(
      () => readKubeconfig('apiVersion: v1\n'),
      /^UserError: Input 'kubeconfig' is YAML but not a kubeconfig/
    )
  })

  it('lists client keys, certificates and tokens for masking', () => {
    const values = sensitiveValues(readKubeconfig(text))
    assert.ok(values.includes(b64(client.keyPem)))
    assert.ok(values.includes('tok3n-value-for-another-user'))
  })

  it('issues the admin certificate as GenerateAdmin does: an ECDSA P-256 key, CN=admin, O=system:masters', async () => {
    const source = makeCluster({ algorithm: 'rsa' })
    const k8sKey = Buffer.from(parse(source.bundleYaml).certs.k8s.key, 'base64').toString()
    const origin = { input: 'secrets-bundle', path: 'certs.k8s' }
    const now = new Date(Date.now() + 2000)
    const credential = await caSigner(loadLocalCa(source.k8sCaPem, k8sKey, origin, now), origin).issue({
      profile: kubernetesAdminProfile(),
      ttlMs: 86_400_000,
      now
    })
    assert.match(credential.keyPem, /^-----BEGIN EC PRIVATE KEY-----\n/)
    assert.deepEqual(
      verifyCredential(credential, {
        profile: kubernetesAdminProfile(),
        notAfter: new Date(now.getTime() + 86_400_000),
        now
      }),
      []
    )
  })

  it("renders a renewal that replaces only the admin user certificate and key, and its cluster's CA", () => {
    const config = readKubeconfig(text)
    const context = readKubeContext(config, 'admin@demo')
    const other = makeCluster()
    const credential = {
      caPem: other.k8sCaPem,
      crtPem: '-----BEGIN CERTIFICATE-----\nTkVX\n-----END CERTIFICATE-----\n',
      keyPem: '-----BEGIN EC PRIVATE KEY-----\nTkVX\n-----END EC PRIVATE KEY-----\n'
    }
    const rendered = parse(
      renderKubeconfig(config, context, {
        clusterName: 'demo',
        server: 'https://127.0.0.1:9',
        serverGiven: false,
        credential
      })
    )
    const original = parse(text)
    assert.deepEqual(rendered.users[0].user, {
      'client-certificate-data': b64(credential.crtPem),
      'client-key-data': b64(credential.keyPem)
    })
    assert.equal(rendered.clusters[0].cluster['certificate-authority-data'], b64(other.k8sCaPem))
    rendered.clusters[0].cluster['certificate-authority-data'] =
      original.clusters[0].cluster['certificate-authority-data']
    assert.deepEqual({ ...rendered, users: [] }, { ...original, users: [] })
    assert.deepEqual(rendered.users[1], original.users[1])
  })

  it('makes a new kubeconfig as Talos lays it out', () => {
    const credential = { caPem: cluster.k8sCaPem, crtPem: client.crtPem, keyPem: client.keyPem }
    const made = parse(
      renderKubeconfig(undefined, undefined, {
        clusterName: 'home',
        server: 'https://127.0.0.2:9',
        serverGiven: true,
        credential
      })
    )
    assert.deepEqual(made, {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'home',
          cluster: { server: 'https://127.0.0.2:9', 'certificate-authority-data': b64(cluster.k8sCaPem) }
        }
      ],
      users: [
        {
          name: 'admin@home',
          user: { 'client-certificate-data': b64(client.crtPem), 'client-key-data': b64(client.keyPem) }
        }
      ],
      contexts: [{ context: { cluster: 'home', namespace: 'default', user: 'admin@home' }, name: 'admin@home' }],
      'current-context': 'admin@home'
    })
  })

  it('makes the public copy from scratch: servers, CA data, client certificates, contexts; nothing else', () => {
    const busy = parse(text)
    busy.clusters[1].cluster['proxy-url'] = 'http://user:hunter2-password@proxy.example:3128'
    busy.clusters[0].cluster.extensions = [{ name: 'x', extension: { secret: 'ext-secret-value' } }]
    busy.users[0].user.exec = { apiVersion: 'client.authentication.k8s.io/v1', command: 'get-token' }
    const withComment = `# admin password: hunter2-comment\n${JSON.stringify(busy)}`
    const copy = publicKubeconfig(readKubeconfig(withComment))
    for (const secret of ['hunter2', 'ext-secret-value', 'tok3n-value', 'get-token', b64(client.keyPem)])
      assert.ok(!copy.includes(secret), secret)
    assert.deepEqual(parse(copy), {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'demo',
          cluster: { server: 'https://127.0.0.1:9', 'certificate-authority-data': b64(cluster.k8sCaPem) }
        },
        { name: 'other', cluster: { server: 'https://other.example:6443' } }
      ],
      users: [
        { name: 'admin@demo', user: { 'client-certificate-data': b64(client.crtPem) } },
        { name: 'someone', user: {} }
      ],
      contexts: [
        { name: 'admin@demo', context: { cluster: 'demo', user: 'admin@demo', namespace: 'default' } },
        { name: 'other', context: { cluster: 'other', user: 'someone' } }
      ],
      'current-context': 'admin@demo'
    })
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { openCaSource } from '../../src/sources/index.js'
import { openInput } from '../../src/sources/open.js'
import { secretValues } from '../../src/sources/secret-values.js'
import { makeCluster } from '../support/cluster.js'

const cluster = makeCluster()
const noKeys = { identities: [], passphrase: undefined, identitiesFrom: "input 'age-key'" }
const read = async (text: string) => (await openCaSource('machine-config', text, noKeys, () => undefined)).os.ca

describe('the CAs of a machine configuration', () => {
  it('takes machine.ca from a controlplane configuration', async () => {
    assert.deepEqual(await read(cluster.machineConfigYaml('controlplane')), {
      crtPem: cluster.caCrtPem,
      keyPem: cluster.caKeyPem
    })
  })

  it('finds the v1alpha1 document among the documents newer Talos writes, with the Kubernetes CA and endpoint', async () => {
    const source = await openCaSource(
      'machine-config',
      cluster.machineConfigYaml('controlplane', true),
      noKeys,
      () => undefined
    )
    assert.deepEqual(source.os.ca, { crtPem: cluster.caCrtPem, keyPem: cluster.caKeyPem })
    assert.equal(source.kubernetesEndpoint, 'https://127.0.0.1:9')
    assert.deepEqual(source.k8s().origin, { input: 'machine-config', path: 'cluster.ca' })
  })

  it('refuses a worker configuration, saying a controlplane one is needed', async () => {
    await assert.rejects(
      read(cluster.machineConfigYaml('worker')),
      /^UserError: Input 'machine-config' is a worker configuration: its machine\.ca\.key is empty\. Only a controlplane configuration carries the Talos API CA key; pass controlplane\.yaml\.$/
    )
  })

  it('refuses YAML that is not a machine configuration', async () => {
    await assert.rejects(
      read('apiVersion: v1alpha1\nkind: HostnameConfig\nhostname: x\n'),
      /has no v1alpha1 machine configuration document/
    )
    await assert.rejects(read(cluster.bundleYaml), /has no v1alpha1 machine configuration document/)
  })

  it('masks every value under a key that names a secret, at any depth, but nothing too short to be one', async () => {
    const config = `${cluster.machineConfigYaml('controlplane')}---
apiVersion: v1alpha1
kind: WireguardConfig
name: wg0
privateKey: aGVsbG8td2lyZWd1YXJkLXByaXZhdGUta2V5LTAxMjM=
peers:
  - publicKey: cGVlci1wdWJsaWMta2V5LTAxMjM0NTY3ODlhYmNkZWY=
---
apiVersion: v1alpha1
kind: RegistryAuthConfig
name: ghcr.io
username: robot
password: s3cret-registry-password
auth: cm9ib3Q6czNjcmV0LXJlZ2lzdHJ5
identityToken: short
credentials:
  helper: very-long-credential-helper-value
`
    const masked: string[] = []
    await openCaSource('machine-config', config, noKeys, (value) => masked.push(value))
    for (const secret of [
      'aGVsbG8td2lyZWd1YXJkLXByaXZhdGUta2V5LTAxMjM=',
      's3cret-registry-password',
      'cm9ib3Q6czNjcmV0LXJlZ2lzdHJ5',
      'very-long-credential-helper-value'
    ]) {
      assert.ok(masked.includes(secret), secret)
    }
    assert.ok(!masked.includes('short'), 'too short to be a secret, and masking it would star every "short" in the log')
    assert.ok(!masked.includes('robot') && !masked.includes('wg0'))
  })

  it('masks its tokens, secrets and keys, but not its certificates or names', async () => {
    const [, config] = (await openInput(cluster.machineConfigYaml('controlplane', true), 'machine-config', noKeys)).docs
    assert.ok(config)
    const values = secretValues(config)
    for (const secret of [
      'abcdef.0123456789abcdef',
      'ghijkl.0123456789ghijkl',
      Buffer.from(cluster.caKeyPem).toString('base64')
    ])
      assert.ok(values.includes(secret))
    assert.ok(!values.includes(Buffer.from(cluster.caCrtPem).toString('base64')))
    assert.ok(!values.some((value) => value.includes('controlplane') || value.includes('127.0.0.1:9')))
  })
})

// LocalCaIssuer: the CA key of a secrets bundle or machine configuration, opened only when
// asked, signing either credential kind with its own CA and refusing a lifetime past the CA.
import { said } from '../../src/text.js'
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { UserError } from '../../src/errors.js'
import type { IssueRequest } from '../../src/issuers/issuer.js'
import { LocalCaIssuer } from '../../src/issuers/local-ca.js'
import { kubernetesAdminProfile, talosClientProfile } from '../../src/pki/profile.js'
import { verifyCredential } from '../../src/pki/verify.js'
import { openCaSource } from '../../src/sources/index.js'
import { makeCluster } from '../support/cluster.js'
import { opensslVerifyClient } from '../support/judge.js'

const cluster = makeCluster()
const accepted = makeCluster()
const noKeys = { identities: [], passphrase: undefined, identitiesFrom: "input 'age-key'" }
const now = new Date()
const request = (kind: IssueRequest['kind'], ttlMs = 30 * 86_400_000): IssueRequest => ({
  kind,
  profile: kind === 'talosconfig' ? talosClientProfile(['os:admin']) : kubernetesAdminProfile(),
  ttlMs,
  ttlInput: kind === 'talosconfig' ? 'ttl' : 'kubeconfig-ttl',
  ttlGiven: true,
  now,
  allowCaChange: false
})

describe('LocalCaIssuer', () => {
  it('opens its source once, only when first asked, and signs each kind with its CA', async () => {
    let opened = 0
    const issuer = new LocalCaIssuer(
      'secrets-bundle',
      () => (opened++, openCaSource('secrets-bundle', cluster.bundleYaml, noKeys, () => undefined))
    )
    assert.equal(opened, 0)
    const talos = await issuer.issue(request('talosconfig'))
    const kube = await issuer.issue(request('kubeconfig'))
    assert.equal(opened, 1)
    assert.equal(talos.through, 'secrets-bundle')
    assert.ok(opensslVerifyClient(cluster.caCrtPem, talos.credential.crtPem).ok)
    assert.ok(opensslVerifyClient(cluster.k8sCaPem, kube.credential.crtPem).ok)
    assert.equal(kube.credential.caPem, cluster.k8sCaPem)
    for (const [issued, kind] of [
      [talos, 'talosconfig'],
      [kube, 'kubeconfig']
    ] as const) {
      assert.deepEqual(
        verifyCredential(issued.credential, { profile: request(kind).profile, notAfter: issued.expectedNotAfter, now }),
        []
      )
    }
  })

  it('carries the accepted CAs of a Talos 1.14 configuration after the issuing one', async () => {
    const text = cluster.machineConfigTalos114Yaml({
      acceptedCaPems: [accepted.k8sCaPem],
      clusterName: 'lab',
      endpoint: 'https://127.0.0.1:6443'
    })
    const issuer = new LocalCaIssuer('machine-config', () =>
      openCaSource('machine-config', text, noKeys, () => undefined)
    )
    const kube = await issuer.issue(request('kubeconfig'))
    assert.equal(kube.credential.caPem, cluster.k8sCaPem + accepted.k8sCaPem)
    assert.deepEqual([kube.through, kube.clusterName, kube.server], ['machine-config', 'lab', 'https://127.0.0.1:6443'])
  })

  it('refuses a lifetime that outlives the CA, naming the input', async () => {
    const issuer = new LocalCaIssuer('secrets-bundle', () =>
      openCaSource('secrets-bundle', cluster.bundleYaml, noKeys, () => undefined)
    )
    await assert.rejects(
      issuer.issue(request('kubeconfig', 20 * 365 * 86_400_000)),
      (error) =>
        error instanceof UserError &&
        error.input === 'kubeconfig-ttl' &&
        /the Kubernetes CA expires on/.test(error.message)
    )
  })

  it('refuses a CA the current file does not trust, naming the field, the input and the likely causes', async () => {
    const issuer = new LocalCaIssuer('secrets-bundle', () =>
      openCaSource('secrets-bundle', cluster.bundleYaml, noKeys, () => undefined)
    )
    const current = {
      name: said`talosconfig context 'home'`,
      caPem: accepted.caCrtPem,
      caField: said`contexts.home.ca`
    }
    await assert.rejects(issuer.issue({ ...request('talosconfig'), current }), (error: UserError) => {
      assert.equal(error.input, 'allow-ca-change')
      assert.match(error.message, /the new talosconfig certificate, certs\.os of input 'secrets-bundle' \(.+SHA-256 /)
      assert.match(
        error.message,
        /Either 'secrets-bundle' belongs to another cluster, or the CA was rotated \(talosctl rotate-ca\) and the new CA has not reached 'secrets-bundle' yet, or it has and this talosconfig is older\./
      )
      return true
    })
  })
})

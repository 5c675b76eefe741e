// Scenario: a controlplane configuration laid out as Talos 1.14 writes it, where the
// Kubernetes CA lives in a KubeAPIServerCAConfig document and the cluster's name and API
// server in a KubeClusterConfig document. A first kubeconfig is made from it.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.js'
import { daysFromNow, makeCluster, talosconfigYaml } from '../support/cluster.js'
import { opensslVerifyClient } from '../support/judge.js'
import { kubectl } from '../support/kubectl.js'
import { maskedValues, RUNTIMES, runAction, visibleLog } from '../support/run-action.js'

const cluster = makeCluster()
const accepted = makeCluster()
const machineConfig = cluster.machineConfigTalos114Yaml({
  acceptedCaPems: [accepted.k8sCaPem],
  clusterName: 'lab',
  endpoint: 'https://127.0.0.1:6443'
})
const talosconfig = talosconfigYaml('lab', {
  lab: {
    endpoints: ['127.0.0.1:9'],
    caPem: cluster.caCrtPem,
    client: cluster.clientCertificate({ notBefore: daysFromNow(-10), notAfter: daysFromNow(300) })
  }
})
const fromB64 = (value: string) => Buffer.from(value, 'base64').toString()

for (const runtime of RUNTIMES) {
  describe(`a Talos 1.14 machine configuration (${runtime.name})`, () => {
    let github: GitHubStandIn
    before(async () => (github = await startGitHubStandIn()))
    after(() => github.close())

    it('makes a first kubeconfig from KubeAPIServerCAConfig and KubeClusterConfig', async () => {
      const run = await runAction(
        {
          'machine-config': machineConfig,
          talosconfig,
          'kubeconfig-secret-name': 'KUBECONFIG',
          'github-token': github.token,
          'github-api-url': github.url,
          repository: 'acme/cluster-ops'
        },
        { node: runtime.node }
      )
      assert.equal(run.code, 0, visibleLog(run))
      assert.deepEqual([...github.secrets.keys()], ['acme/cluster-ops/KUBECONFIG'])
      const stored = github.secrets.get('acme/cluster-ops/KUBECONFIG')?.value ?? ''
      const view = JSON.parse(kubectl(stored, ['config', 'view', '--raw', '-o', 'json']))
      assert.equal(view['current-context'], 'admin@lab')
      assert.equal(view.clusters[0].name, 'lab')
      assert.equal(view.clusters[0].cluster.server, 'https://127.0.0.1:6443')
      assert.equal(
        fromB64(view.clusters[0].cluster['certificate-authority-data']),
        cluster.k8sCaPem + accepted.k8sCaPem
      )
      const crtPem = fromB64(view.users[0].user['client-certificate-data'])
      assert.ok(opensslVerifyClient(cluster.k8sCaPem, crtPem).ok, 'chains to the issuing CA')
      assert.ok(!opensslVerifyClient(accepted.k8sCaPem, crtPem).ok, 'not to the accepted one')
      assert.equal(run.outputs['kubeconfig-renewed-through'], 'machine-config')
      // The talosconfig was not due, and the Kubernetes CA key (PEM text) is masked.
      assert.equal(run.outputs.renewed, 'false')
      for (const line of cluster.k8sCaKeyPem.split('\n').filter((l) => l && !l.startsWith('-----'))) {
        assert.ok(maskedValues(run).includes(line), 'each line of the PEM key is masked')
        assert.ok(!visibleLog(run).includes(line))
      }
      assert.ok(!maskedValues(run).some((value) => /%0A|\n/.test(value)), 'no multi-line value is masked whole')
    })
  })
}

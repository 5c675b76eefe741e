// Scenario: the admin kubeconfig is kept alive beside the talosconfig, each renewed only when
// it is due; kubectl, openssl and a TLS handshake judge the result.
import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { parse } from 'yaml'
import { daysFromNow, kubeconfigYaml, makeCluster, talosconfigYaml } from '../support/cluster.js'
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.js'
import { mutualTlsHandshake, opensslText, opensslVerifyClient } from '../support/judge.js'
import { kubectl } from '../support/kubectl.js'
import { errorLines, RUNTIMES, runAction, visibleLog } from '../support/run-action.js'
import { keyLines } from '../support/scenario.js'

const cluster = makeCluster()
const talos = (daysLeft: number) =>
  talosconfigYaml('demo', {
    demo: {
      endpoints: ['127.0.0.1:9'],
      caPem: cluster.caCrtPem,
      client: cluster.clientCertificate({
        notBefore: daysFromNow(daysLeft - 365),
        notAfter: daysFromNow(daysLeft + 0.5)
      })
    }
  })
const kubeClient = (daysLeft: number) =>
  cluster.kubeAdminCertificate({ notBefore: daysFromNow(daysLeft - 365), notAfter: daysFromNow(daysLeft + 0.5) })
const kube = (daysLeft: number) => kubeconfigYaml('demo', 'https://127.0.0.1:9', cluster.k8sCaPem, kubeClient(daysLeft))
const fromB64 = (value: string) => Buffer.from(value, 'base64').toString()

for (const runtime of RUNTIMES) {
  describe(`the admin kubeconfig (${runtime.name})`, () => {
    let github: GitHubStandIn
    before(async () => (github = await startGitHubStandIn()))
    after(() => github.close())
    const run = (inputs: Record<string, string>, event = 'schedule') => {
      github.requests.length = 0
      github.secrets.clear()
      return runAction(
        {
          'secrets-bundle': cluster.bundleYaml,
          'github-token': github.token,
          'github-api-url': github.url,
          repository: 'acme/cluster-ops',
          'kubeconfig-secret-name': 'KUBECONFIG',
          ...inputs
        },
        { node: runtime.node, env: { GITHUB_EVENT_NAME: event } }
      )
    }

    it('renews an expiring kubeconfig and leaves a fresh talosconfig alone', async () => {
      const current = kube(5)
      const result = await run({ talosconfig: talos(200), kubeconfig: current })
      assert.equal(result.code, 0, visibleLog(result))
      assert.deepEqual([...github.secrets.keys()], ['acme/cluster-ops/KUBECONFIG'])
      const written = github.secrets.get('acme/cluster-ops/KUBECONFIG')?.value ?? ''
      // kubectl reads it, and everything but the admin user's certificate and key is kept.
      assert.equal(kubectl(written, ['config', 'current-context']).trim(), 'admin@demo')
      const view = JSON.parse(kubectl(written, ['config', 'view', '--raw', '-o', 'json']))
      const before = parse(current)
      assert.deepEqual(
        view.clusters.map((c: { name: string }) => c.name),
        ['demo', 'other']
      )
      assert.deepEqual(view.contexts, [
        { name: 'admin@demo', context: { cluster: 'demo', user: 'admin@demo', namespace: 'default' } },
        { name: 'other', context: { cluster: 'other', user: 'someone' } }
      ])
      assert.deepEqual(parse(written).users[1], before.users[1])
      assert.deepEqual(parse(written).clusters, before.clusters)
      const user = parse(written).users[0].user
      const crtPem = fromB64(user['client-certificate-data'])
      const keyPem = fromB64(user['client-key-data'])
      assert.notEqual(user['client-certificate-data'], before.users[0].user['client-certificate-data'])
      // As Talos's GenerateAdmin makes it, and accepted by independent judges.
      assert.match(keyPem, /^-----BEGIN EC PRIVATE KEY-----\n/)
      const text = opensslText(crtPem)
      assert.match(text, /Subject: O = system:masters, CN = admin\n/)
      assert.match(text, /Signature Algorithm: ecdsa-with-SHA256/)
      assert.match(text, /ASN1 OID: prime256v1/)
      assert.match(text, /X509v3 Key Usage: critical\n\s+Digital Signature, Key Encipherment\n/)
      assert.match(text, /X509v3 Extended Key Usage: \n\s+TLS Web Client Authentication\n/)
      assert.ok(opensslVerifyClient(cluster.k8sCaPem, crtPem).ok)
      assert.ok(!opensslVerifyClient(cluster.caCrtPem, crtPem).ok, 'not valid under the Talos API CA')
      const handshake = await mutualTlsHandshake(cluster.k8sCaPem, cluster.kubeServerCertificate(), { crtPem, keyPem })
      assert.equal(handshake.authorized, true, handshake.error)
      // Outputs and summary.
      assert.equal(result.outputs.renewed, 'false')
      assert.equal(result.outputs['kubeconfig-status'], 'expiring')
      assert.equal(result.outputs['kubeconfig-renewed'], 'true')
      assert.equal(new Date(new X509Certificate(crtPem).validTo).getTime() - Date.now() > 364 * 86_400_000, true)
      assert.ok(result.outputs['kubeconfig-path']?.startsWith(result.runnerTemp))
      assert.match(
        result.summary,
        /\nRenewed kubeconfig `admin@demo` with the CA key of `secrets-bundle` \(for `system:masters`, until \d{4}-\d\d-\d\d\); written to secret `KUBECONFIG` in repository acme\/cluster-ops\.\n/
      )
      for (const line of keyLines(keyPem)) assert.ok(!visibleLog(result).includes(line))
      assert.deepEqual(github.violations, [])
    })

    it('renews an expiring talosconfig and leaves a fresh kubeconfig alone', async () => {
      const result = await run({ talosconfig: talos(5), kubeconfig: kube(200) })
      assert.equal(result.code, 0, visibleLog(result))
      assert.deepEqual([...github.secrets.keys()], ['acme/cluster-ops/TALOSCONFIG'])
      assert.equal(result.outputs['kubeconfig-status'], 'valid')
      assert.equal(result.outputs['kubeconfig-renewed'], 'false')
      assert.match(
        result.summary,
        /\n\| ✅ \| kubeconfig \| `admin@demo` \| `system:masters` \| \d{4}-\d\d-\d\d \| 200 \| \d{4}-\d\d-\d\d \| valid \|\n/
      )
    })

    it('makes a first kubeconfig from a machine configuration, with its endpoint', async () => {
      const result = await run({
        'secrets-bundle': '',
        'machine-config': cluster.machineConfigYaml('controlplane'),
        talosconfig: talos(200)
      })
      assert.equal(result.code, 0, visibleLog(result))
      const written = github.secrets.get('acme/cluster-ops/KUBECONFIG')?.value ?? ''
      const view = JSON.parse(kubectl(written, ['config', 'view', '--raw', '-o', 'json']))
      assert.equal(view['current-context'], 'admin@demo')
      assert.equal(view.clusters[0].cluster.server, 'https://127.0.0.1:9')
      assert.equal(fromB64(view.clusters[0].cluster['certificate-authority-data']), cluster.k8sCaPem)
      assert.ok(opensslVerifyClient(cluster.k8sCaPem, fromB64(view.users[0].user['client-certificate-data'])).ok)
      assert.equal(result.outputs['kubeconfig-status'], 'missing')
    })

    it('needs kubernetes-endpoint for a first kubeconfig from a bundle, before writing anything', async () => {
      const result = await run({ talosconfig: talos(5) })
      assert.equal(result.code, 1)
      assert.deepEqual(errorLines(result), [
        "::error::Input 'kubernetes-endpoint' is required to make a kubeconfig: the API server URL, such as https://10.5.0.2:6443 (neither a kubeconfig nor a machine configuration gave one)."
      ])
      assert.deepEqual(github.requests, [])
    })

    it('check mode reports both and fails by fail-on on the kubeconfig', async () => {
      const result = await run(
        { mode: 'check', 'secrets-bundle': '', talosconfig: talos(200), kubeconfig: kube(5) },
        'pull_request'
      )
      assert.equal(result.code, 1)
      assert.deepEqual(errorLines(result), [
        `::error::The client certificate of kubeconfig context 'admin@demo' expires on ${result.outputs['kubeconfig-expires-at']?.slice(0, 10)} (5 days left).`
      ])
      const report = JSON.parse(result.outputs.report as string)
      assert.deepEqual(
        report.map((entry: { kind: string; context: string; status: string; roles: string[] }) => [
          entry.kind,
          entry.context,
          entry.status,
          entry.roles
        ]),
        [
          ['talosconfig', 'demo', 'valid', ['os:admin']],
          ['kubeconfig', 'admin@demo', 'expiring', ['system:masters']]
        ]
      )
      assert.match(
        result.summary,
        /\n\| ⚠️ \| kubeconfig \| `admin@demo` \| `system:masters` \| \d{4}-\d\d-\d\d \| 5 \| \d{4}-\d\d-\d\d \| expiring \|\n/
      )
      assert.deepEqual(github.requests, [])
      const passing = await run(
        { mode: 'check', 'secrets-bundle': '', talosconfig: talos(200), kubeconfig: kube(5), 'fail-on': 'expired' },
        'pull_request'
      )
      assert.equal(passing.code, 0)
    })
  })
}

// Scenario: no CA key in GitHub, and the admin kubeconfig kept alive too. The talosconfig's
// own os:admin certificate asks a controlplane node's apid (a loopback stand-in) for the
// admin kubeconfig, as `talosctl kubeconfig` does; kubectl, openssl and a TLS handshake with
// a server that trusts only the Kubernetes CA judge what is stored.
import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { parse } from 'yaml'
import { startApid, type ApidStandIn } from '../support/apid-standin.js'
import { daysFromNow, kubeconfigYaml, makeCluster, talosconfigYaml } from '../support/cluster.js'
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.js'
import { mutualTlsHandshake, opensslVerifyClient } from '../support/judge.js'
import { kubectl } from '../support/kubectl.js'
import { errorLines, RUNTIMES, runAction, visibleLog } from '../support/run-action.js'
import { keyLines } from '../support/scenario.js'

const cluster = makeCluster()
const rotating = makeCluster()
const fromB64 = (value: string) => Buffer.from(value, 'base64').toString()
const talosconfigFor = (endpoint: string, daysLeft = 200) =>
  talosconfigYaml('demo', {
    demo: {
      endpoints: [endpoint],
      caPem: cluster.caCrtPem,
      client: cluster.clientCertificate({
        notBefore: daysFromNow(daysLeft - 365),
        notAfter: daysFromNow(daysLeft + 0.5)
      })
    }
  })
const currentKubeconfig = kubeconfigYaml(
  'demo',
  'https://127.0.0.1:9',
  cluster.k8sCaPem,
  cluster.kubeAdminCertificate({ notBefore: daysFromNow(-360), notAfter: daysFromNow(5.5) })
)

for (const runtime of RUNTIMES) {
  describe(`the admin kubeconfig through the Talos API (${runtime.name})`, () => {
    let apid: ApidStandIn
    let chunked: ApidStandIn
    let shortLived: ApidStandIn
    let worker: ApidStandIn
    let foreign: ApidStandIn
    let github: GitHubStandIn
    before(async () => {
      apid = await startApid(cluster)
      // GNU tar's archive with its trailer, in 100-byte messages, with an accepted CA beside the issuing one.
      chunked = await startApid(cluster, {
        kubeconfig: {
          archive: 'gnu',
          chunkBytes: 100,
          acceptedCaPems: [rotating.k8sCaPem],
          clusterName: 'home',
          server: 'https://127.0.0.1:6443',
          // What a node's document must never bring into the stored kubeconfig.
          extras: {
            user: { token: 'node-token-0123456789', exec: { command: 'steal', apiVersion: 'v1' } },
            cluster: { 'proxy-url': 'http://127.0.0.1:9', extensions: [{ name: 'x', extension: {} }] },
            top: { preferences: { colors: true }, extensions: [{ name: 'y', extension: {} }] }
          }
        }
      })
      foreign = await startApid(cluster, { foreignCa: rotating })
      shortLived = await startApid(cluster, { kubeconfig: { lifetimeMs: 7 * 86_400_000 } })
      worker = await startApid(cluster, { worker: true })
      github = await startGitHubStandIn()
    })
    after(async () => {
      for (const server of [apid, chunked, shortLived, worker, foreign]) await server.close()
      await github.close()
    })
    const run = (inputs: Record<string, string>) => {
      github.requests.length = 0
      github.secrets.clear()
      return runAction(
        {
          'github-token': github.token,
          'github-api-url': github.url,
          repository: 'acme/cluster-ops',
          'kubeconfig-secret-name': 'KUBECONFIG',
          ...inputs
        },
        { node: runtime.node }
      )
    }
    const stored = () => github.secrets.get('acme/cluster-ops/KUBECONFIG')?.value ?? ''

    it('renews an expiring kubeconfig with only a talosconfig: the node signs, kubectl, openssl and TLS accept it', async () => {
      const result = await run({ talosconfig: talosconfigFor(apid.endpoint), kubeconfig: currentKubeconfig })
      assert.equal(result.code, 0, visibleLog(result))
      assert.deepEqual(apid.kubeconfigCalls.at(-1), ['os:admin'])
      assert.deepEqual([...github.secrets.keys()], ['acme/cluster-ops/KUBECONFIG'])
      const written = parse(stored())
      const original = parse(currentKubeconfig)
      // Only the admin user's certificate and key changed; the other user, cluster and context stayed.
      assert.deepEqual({ ...written, users: [] }, { ...original, users: [] })
      assert.deepEqual(written.users[1], original.users[1])
      const crtPem = fromB64(written.users[0].user['client-certificate-data'])
      const keyPem = fromB64(written.users[0].user['client-key-data'])
      assert.equal(crtPem, apid.issued.at(-1), 'the stored certificate is the one the node issued')
      assert.equal(kubectl(stored(), ['config', 'current-context']).trim(), 'admin@demo')
      assert.ok(opensslVerifyClient(cluster.k8sCaPem, crtPem).ok)
      const handshake = await mutualTlsHandshake(cluster.k8sCaPem, cluster.kubeServerCertificate(), { crtPem, keyPem })
      assert.equal(handshake.authorized, true, handshake.error)
      assert.equal(result.outputs['kubeconfig-renewed'], 'true')
      assert.equal(result.outputs['kubeconfig-renewed-through'], 'talos-api')
      assert.equal(result.outputs['renewed-through'], '')
      assert.equal(result.outputs['kubeconfig-expires-at'] !== '', true)
      assert.match(visibleLog(result), /Asking the Talos API at <address> for the admin kubeconfig\./)
      assert.match(
        result.summary,
        /\nRenewed kubeconfig `admin@demo` through the Talos API \(for `system:masters`, until \d{4}-\d\d-\d\d/
      )
      assert.equal(JSON.parse(result.outputs.report ?? '[]').at(-1)['renewed-through'], 'talos-api')
      for (const line of keyLines(keyPem)) assert.ok(!visibleLog(result).includes(line))
      assert.deepEqual(result.refused, [])
      assert.deepEqual(github.violations, [])
    })

    it("makes a first kubeconfig from the node's, its server replaced by kubernetes-endpoint; an archive in many pieces, with accepted CAs", async () => {
      const result = await run({
        talosconfig: talosconfigFor(chunked.endpoint),
        'kubernetes-endpoint': 'https://127.0.0.1:7443',
        'kubeconfig-ttl': '720h'
      })
      assert.equal(result.code, 0, visibleLog(result))
      const view = JSON.parse(kubectl(stored(), ['config', 'view', '--raw', '-o', 'json']))
      assert.equal(view['current-context'], 'admin@home')
      assert.equal(view.clusters[0].cluster.server, 'https://127.0.0.1:7443')
      const caData = fromB64(view.clusters[0].cluster['certificate-authority-data'])
      assert.equal(caData, cluster.k8sCaPem + rotating.k8sCaPem, 'the issuing CA, then the accepted one')
      const crtPem = fromB64(view.users[0].user['client-certificate-data'])
      assert.ok(opensslVerifyClient(cluster.k8sCaPem, crtPem).ok)
      // Made from the certificate, key, CA data and server alone: nothing else the node sent.
      const written = parse(stored())
      assert.deepEqual(Object.keys(written).sort(), [
        'apiVersion',
        'clusters',
        'contexts',
        'current-context',
        'kind',
        'users'
      ])
      assert.deepEqual(Object.keys(written.users[0].user).sort(), ['client-certificate-data', 'client-key-data'])
      assert.deepEqual(Object.keys(written.clusters[0].cluster).sort(), ['certificate-authority-data', 'server'])
      // The cluster decides the lifetime: a year, not the 720h asked for, and the run says so.
      const days = (new Date(new X509Certificate(crtPem).validTo).getTime() - Date.now()) / 86_400_000
      assert.ok(days > 364 && days < 366, `${days} days`)
      assert.match(
        visibleLog(result),
        /^::notice::Input 'kubeconfig-ttl' is not honoured through the Talos API: the cluster's machine configuration \(cluster\.adminKubeconfig\.certLifetime\) sets the lifetime of the admin kubeconfig\.$/m
      )
      assert.equal(result.outputs['kubeconfig-status'], 'missing')
    })

    it("warns when the cluster's lifetime is shorter than renew-before", async () => {
      const result = await run({ talosconfig: talosconfigFor(shortLived.endpoint), kubeconfig: currentKubeconfig })
      assert.equal(result.code, 0, visibleLog(result))
      assert.match(
        visibleLog(result),
        /^::warning::The new kubeconfig certificate expires on .+, already inside 'renew-before'; the next run will find it due again\./m
      )
    })

    it("refuses a node's Kubernetes CA the current kubeconfig does not trust; nothing is written", async () => {
      const result = await run({ talosconfig: talosconfigFor(foreign.endpoint), kubeconfig: currentKubeconfig })
      assert.equal(result.code, 1)
      assert.match(
        errorLines(result)[0] ?? '',
        /^::error::The CA that would sign the new kubeconfig certificate, the CA the Talos API signed with \(O=kubernetes, .+\), is not a CA that kubeconfig context 'admin@demo' trusts or was issued by \(clusters\.demo\.cluster\.certificate-authority-data: O=kubernetes, .+\)\./
      )
      assert.deepEqual(github.requests, [])
    })

    it('a worker refuses, and nothing is written', async () => {
      const result = await run({ talosconfig: talosconfigFor(worker.endpoint), kubeconfig: currentKubeconfig })
      assert.equal(result.code, 1)
      assert.deepEqual(errorLines(result), [
        `::error::<address> refused Kubeconfig for talosconfig context 'demo': kubeconfig can only be generated on a control plane node. Only controlplane nodes answer Kubeconfig: list a controlplane node first in 'endpoints'.`
      ])
      assert.deepEqual(github.requests, [])
    })
  })
}

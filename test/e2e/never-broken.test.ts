// Scenario: the run nobody watches must never replace a working credential with one the
// cluster will reject. A bundle of another cluster is refused before anything is signed; a
// new credential is proven against the live cluster (loopback stand-ins that judge client
// certificates as apid and the Kubernetes API server do) before it is written; and a write
// that fails after another succeeded is reported exactly.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { parse } from 'yaml'
import { startApid, type ApidStandIn } from '../support/apid-standin.js'
import { daysFromNow, kubeconfigYaml, makeCluster, talosconfigYaml, type Cluster } from '../support/cluster.js'
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.js'
import { opensslVerifyClient } from '../support/judge.js'
import { startKubeApi, type KubeApiStandIn } from '../support/kube-apiserver-standin.js'
import { errorLines, RUNTIMES, runAction, visibleLog } from '../support/run-action.js'

const clusterA = makeCluster()
const clusterB = makeCluster()
const fromB64 = (value: string) => Buffer.from(value, 'base64').toString()
const talosClient = (cluster: Cluster, daysLeft = 5.5) =>
  cluster.clientCertificate({ notBefore: daysFromNow(daysLeft - 365), notAfter: daysFromNow(daysLeft) })
const kubeClient = (cluster: Cluster) =>
  cluster.kubeAdminCertificate({ notBefore: daysFromNow(-360), notAfter: daysFromNow(5.5) })
const talosconfigOf = (endpoint: string, caPem: string, cluster: Cluster, daysLeft = 5.5) =>
  talosconfigYaml('prod', { prod: { endpoints: [endpoint], caPem, client: talosClient(cluster, daysLeft) } })
const kubeconfigOf = (server: string, caPem: string, cluster: Cluster) =>
  kubeconfigYaml('prod', server, caPem, kubeClient(cluster))
const lines = (run: { stdout: string }, level: string) =>
  run.stdout.split('\n').filter((line) => line.startsWith(`::${level}::`))

for (const runtime of RUNTIMES) {
  describe(`never a broken credential (${runtime.name})`, () => {
    let apid: ApidStandIn
    let kubeApi: KubeApiStandIn
    let github: GitHubStandIn
    before(async () => {
      apid = await startApid(clusterA)
      kubeApi = await startKubeApi(clusterA)
      github = await startGitHubStandIn()
    })
    after(async () => {
      await apid.close()
      await kubeApi.close()
      await github.close()
    })
    const run = (inputs: Record<string, string>, standIn = github) => {
      standIn.requests.length = 0
      standIn.secrets.clear()
      apid.versionCalls.length = 0
      kubeApi.requests.length = 0
      return runAction(
        {
          'github-token': standIn.token,
          'github-api-url': standIn.url,
          repository: 'acme/cluster-ops',
          'renew-through': 'ca-key',
          // The drill proves with certificates of its own; break-glass.test.ts holds it.
          'break-glass-drill': 'never',
          ...inputs
        },
        { node: runtime.node }
      )
    }
    const stored = (name: string) => github.secrets.get(`acme/cluster-ops/${name}`)?.value ?? ''
    /** A renewal run with cluster A's credentials, its kubeconfig naming the API server `server`. */
    const renewBoth = (server: string) =>
      run({
        'secrets-bundle': clusterA.bundleYaml,
        talosconfig: talosconfigOf(apid.endpoint, clusterA.caCrtPem, clusterA, 200),
        kubeconfig: kubeconfigOf(server, clusterA.k8sCaPem, clusterA),
        'kubeconfig-secret-name': 'KUBECONFIG'
      })

    it('refuses a kubeconfig of one cluster with a bundle of another, naming both CAs; nothing is written', async () => {
      const result = await run({
        'secrets-bundle': clusterB.bundleYaml,
        talosconfig: talosconfigOf('127.0.0.1:9', clusterB.caCrtPem, clusterB, 200),
        kubeconfig: kubeconfigOf(kubeApi.server, clusterA.k8sCaPem, clusterA),
        'kubeconfig-secret-name': 'KUBECONFIG'
      })
      assert.equal(result.code, 1)
      const errors = errorLines(result)
      assert.equal(errors.length, 1)
      assert.match(
        errors[0] ?? '',
        /^::error::The CA that would sign the new kubeconfig certificate, certs\.k8s of input 'secrets-bundle' \(O=kubernetes, expires .+, SHA-256 [0-9A-F:]+\), is not a CA that kubeconfig context 'admin@prod' trusts or was issued by \(clusters\.prod\.cluster\.certificate-authority-data: O=kubernetes, expires .+, SHA-256 [0-9A-F:]+\)\. Either 'secrets-bundle' belongs to another cluster, or the CA was rotated \(talosctl rotate-ca\)/
      )
      assert.deepEqual(
        github.requests.filter((request) => request.method === 'PUT'),
        []
      )
    })

    it('with allow-ca-change writes a kubeconfig whose CA data verifies its new certificate, once the cluster accepts it', async () => {
      const kubeApiB = await startKubeApi(clusterB)
      try {
        const result = await run({
          'secrets-bundle': clusterB.bundleYaml,
          talosconfig: talosconfigOf('127.0.0.1:9', clusterB.caCrtPem, clusterB),
          kubeconfig: kubeconfigOf(kubeApiB.server, clusterA.k8sCaPem, clusterA),
          'kubeconfig-secret-name': 'KUBECONFIG',
          'allow-ca-change': 'true',
          'verify-connection': 'never',
          force: 'true'
        })
        assert.equal(result.code, 0, visibleLog(result))
        const written = parse(stored('KUBECONFIG'))
        const caData = fromB64(written.clusters[0].cluster['certificate-authority-data'])
        assert.equal(caData, clusterB.k8sCaPem)
        const crt = fromB64(written.users[0].user['client-certificate-data'])
        assert.ok(opensslVerifyClient(caData, crt).ok)
        // Proven although verify-connection is never: a new CA is written only once accepted.
        assert.deepEqual(kubeApiB.requests, [
          {
            method: 'POST',
            path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
            user: 'admin',
            groups: ['system:masters']
          }
        ])
        assert.equal(
          lines(result, 'warning').filter((line) =>
            line.startsWith(
              "::warning::allow-ca-change: the new kubeconfig of kubeconfig context 'admin@prod' trusts certs.k8s of input 'secrets-bundle'"
            )
          ).length,
          1
        )
      } finally {
        await kubeApiB.close()
      }
    })

    it('with allow-ca-change and no cluster to prove it against, writes nothing', async () => {
      const result = await run({
        'secrets-bundle': clusterB.bundleYaml,
        talosconfig: talosconfigOf('127.0.0.1:9', clusterA.caCrtPem, clusterA),
        'allow-ca-change': 'true'
      })
      assert.equal(result.code, 1)
      assert.match(
        errorLines(result)[0] ?? '',
        /^::error::Could not prove the new talosconfig of context 'prod' against the cluster, and its CA changed \(allow-ca-change\), so nothing was written: no endpoint answered: <address> \(connection refused\)\./
      )
      assert.deepEqual(
        github.requests.filter((request) => request.method === 'PUT'),
        []
      )
    })

    it('the same for a talosconfig: refused, then renewed once with allow-ca-change against the new CA', async () => {
      const apidB = await startApid(clusterB)
      try {
        const talosconfig = talosconfigOf(apidB.endpoint, clusterA.caCrtPem, clusterA)
        const refused = await run({ 'secrets-bundle': clusterB.bundleYaml, talosconfig })
        assert.equal(refused.code, 1)
        assert.match(
          errorLines(refused)[0] ?? '',
          /^::error::The CA that would sign the new talosconfig certificate, certs\.os of input 'secrets-bundle'/
        )
        assert.deepEqual(github.requests, [])
        const allowed = await run({ 'secrets-bundle': clusterB.bundleYaml, talosconfig, 'allow-ca-change': 'true' })
        assert.equal(allowed.code, 0, visibleLog(allowed))
        const ca = fromB64(parse(stored('TALOSCONFIG')).contexts.prod.ca)
        assert.equal(ca, clusterB.caCrtPem)
        const crt = fromB64(parse(stored('TALOSCONFIG')).contexts.prod.crt)
        assert.ok(opensslVerifyClient(ca, crt).ok)
        assert.deepEqual(apidB.versionCalls, [crt], 'the node of the new CA accepted the stored certificate')
      } finally {
        await apidB.close()
      }
    })

    it('proves both new credentials against the cluster before writing them: connection-verified=true', async () => {
      const result = await run({
        'secrets-bundle': clusterA.bundleYaml,
        talosconfig: talosconfigOf(apid.endpoint, clusterA.caCrtPem, clusterA),
        kubeconfig: kubeconfigOf(kubeApi.server, clusterA.k8sCaPem, clusterA),
        'kubeconfig-secret-name': 'KUBECONFIG',
        'verify-connection': 'always'
      })
      assert.equal(result.code, 0, visibleLog(result))
      assert.equal(result.outputs['connection-verified'], 'true')
      // The certificates the servers accepted are the ones that were stored.
      assert.deepEqual(apid.versionCalls, [fromB64(parse(stored('TALOSCONFIG')).contexts.prod.crt)])
      assert.deepEqual(kubeApi.requests, [
        {
          method: 'POST',
          path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
          user: 'admin',
          groups: ['system:masters']
        }
      ])
      assert.match(
        visibleLog(result),
        new RegExp(
          `Proved the new talosconfig of context 'prod' against the cluster: <address> \\(cp-1\\) answered Version, Talos v1\\.12\\.0\\.`
        )
      )
      assert.match(
        visibleLog(result),
        /Proved the new kubeconfig of context 'admin@prod' against the cluster: <address> knows it as admin in system:masters \(SelfSubjectReview v1\)\./
      )
      assert.match(result.summary, /, proven against the cluster\); written to secret `TALOSCONFIG`/)
    })

    it('an API server that authenticates the new admin kubeconfig and refuses its review (403) is a refusal: nothing is written', async () => {
      const forbidding = await startKubeApi(clusterA, { forbid: true })
      try {
        const result = await renewBoth(forbidding.server)
        assert.equal(result.code, 1, visibleLog(result))
        assert.match(
          errorLines(result)[0] ?? '',
          /^::error::The cluster refused the new kubeconfig of context 'admin@prod', so nothing was written: <address> answered 403 to a SelfSubjectReview: it does not take the certificate for admin in system:masters/
        )
        assert.deepEqual(
          forbidding.requests.map(({ user }) => user),
          ['admin']
        )
        assert.deepEqual(github.requests, [])
      } finally {
        await forbidding.close()
      }
    })

    it('falls back to SelfSubjectReview v1beta1 on a server that has no v1', async () => {
      const beta = await startKubeApi(clusterA, { betaOnly: true })
      try {
        const result = await renewBoth(beta.server)
        assert.equal(result.code, 0, visibleLog(result))
        assert.deepEqual(
          beta.requests.map((request) => request.path),
          [
            '/apis/authentication.k8s.io/v1/selfsubjectreviews',
            '/apis/authentication.k8s.io/v1beta1/selfsubjectreviews'
          ]
        )
        assert.equal(result.outputs['connection-verified'], 'true')
      } finally {
        await beta.close()
      }
    })

    for (const mode of ['auto', 'always']) {
      it(`verify-connection ${mode}: a credential the cluster refuses is an error, and nothing is written`, async () => {
        // The trust lists hold both CAs (a rotation), so the bundle of cluster B may sign; but
        // cluster A's servers accept only their own CA's certificates.
        const talosconfig = talosconfigOf(apid.endpoint, clusterA.caCrtPem + clusterB.caCrtPem, clusterA)
        const talos = await run({ 'secrets-bundle': clusterB.bundleYaml, talosconfig, 'verify-connection': mode })
        assert.equal(talos.code, 1)
        assert.match(
          errorLines(talos)[0] ?? '',
          new RegExp(
            `^::error::The cluster refused the new talosconfig of context 'prod', so nothing was written: <address> refused Version for talosconfig context 'prod': the server refused the client certificate`
          )
        )
        assert.deepEqual(github.requests, [])
        const kubeconfig = kubeconfigOf(kubeApi.server, clusterA.k8sCaPem + clusterB.k8sCaPem, clusterA)
        const kube = await run({
          'secrets-bundle': clusterB.bundleYaml,
          talosconfig: talosconfigOf(apid.endpoint, clusterB.caCrtPem, clusterB, 200),
          kubeconfig,
          'kubeconfig-secret-name': 'KUBECONFIG',
          'verify-connection': mode
        })
        assert.equal(kube.code, 1, visibleLog(kube))
        assert.match(
          errorLines(kube)[0] ?? '',
          /^::error::The cluster refused the new kubeconfig of context 'admin@prod', so nothing was written: <address> answered 401 to a SelfSubjectReview: it did not accept the certificate/
        )
        assert.deepEqual(github.requests, [])
      })
    }

    it('an unreachable cluster is a notice under auto (written, connection-verified=false) and an error under always', async () => {
      const talosconfig = talosconfigOf('127.0.0.1:9', clusterA.caCrtPem, clusterA)
      const auto = await run({ 'secrets-bundle': clusterA.bundleYaml, talosconfig })
      assert.equal(auto.code, 0, visibleLog(auto))
      assert.equal(auto.outputs['connection-verified'], 'false')
      assert.deepEqual(lines(auto, 'notice'), [
        "::notice::Could not prove the new talosconfig of context 'prod' against the cluster (no endpoint answered: <address> (connection refused)); written unproven, as 'verify-connection' is auto."
      ])
      assert.ok(stored('TALOSCONFIG'))
      const always = await run({ 'secrets-bundle': clusterA.bundleYaml, talosconfig, 'verify-connection': 'always' })
      assert.equal(always.code, 1)
      assert.deepEqual(errorLines(always), [
        "::error::Could not prove the new talosconfig of context 'prod' against the cluster, and 'verify-connection' is always, so nothing was written: no endpoint answered: <address> (connection refused). Let the runner reach the cluster, or set 'verify-connection' to auto."
      ])
      assert.deepEqual(github.requests, [])
      const never = await run({ 'secrets-bundle': clusterA.bundleYaml, talosconfig, 'verify-connection': 'never' })
      assert.equal(never.code, 0)
      assert.equal(never.outputs['connection-verified'], '')
    })

    it('a dry run proves too', async () => {
      const result = await run({
        'secrets-bundle': clusterA.bundleYaml,
        talosconfig: talosconfigOf(apid.endpoint, clusterA.caCrtPem, clusterA),
        'dry-run': 'true'
      })
      assert.equal(result.code, 0, visibleLog(result))
      assert.equal(result.outputs['connection-verified'], 'true')
      assert.equal(apid.versionCalls.length, 1)
      assert.deepEqual(
        github.requests.filter((request) => request.method === 'PUT'),
        []
      )
    })

    it('a failing second write leaves outputs and a summary that say the first secret changed', async () => {
      const faulty = await startGitHubStandIn({
        fault: { method: 'PUT', path: /KUBECONFIG$/, status: 401, message: 'Bad credentials', times: Infinity }
      })
      try {
        const result = await run(
          {
            'secrets-bundle': clusterA.bundleYaml,
            talosconfig: talosconfigOf('127.0.0.1:9', clusterA.caCrtPem, clusterA),
            kubeconfig: kubeconfigOf('https://127.0.0.1:9', clusterA.k8sCaPem, clusterA),
            'kubeconfig-secret-name': 'KUBECONFIG'
          },
          faulty
        )
        assert.equal(result.code, 1)
        assert.deepEqual([...faulty.secrets.keys()], ['acme/cluster-ops/TALOSCONFIG'])
        assert.deepEqual(errorLines(result), [
          "::error::TALOSCONFIG was written; KUBECONFIG was not: Could not write secret KUBECONFIG to the repository acme/cluster-ops: GitHub answered 401, the token in 'github-token' is invalid or expired. Make a new one."
        ])
        assert.equal(result.outputs['secret-updated'], 'true')
        assert.equal(result.outputs['kubeconfig-renewed'], 'true')
        assert.match(result.summary, /written to secret `TALOSCONFIG` in repository acme\/cluster-ops\./)
        assert.match(
          result.summary,
          /\*\*not written\*\*: writing secret `KUBECONFIG` in repository acme\/cluster-ops failed: Could not write secret KUBECONFIG/
        )
      } finally {
        await faulty.close()
      }
    })

    it('an over-size second value is refused before the first write', async () => {
      const big = kubeconfigOf('https://127.0.0.1:9', clusterA.k8sCaPem, clusterA).replace(
        'tok3n-value-for-another-user',
        'x'.repeat(49 * 1024)
      )
      const result = await run({
        'secrets-bundle': clusterA.bundleYaml,
        talosconfig: talosconfigOf('127.0.0.1:9', clusterA.caCrtPem, clusterA),
        kubeconfig: big,
        'kubeconfig-secret-name': 'KUBECONFIG'
      })
      assert.equal(result.code, 1)
      assert.match(
        errorLines(result)[0] ?? '',
        /^::error::The new value of secret KUBECONFIG is \d+ bytes; GitHub secrets hold at most 49152\.$/
      )
      assert.deepEqual(
        github.requests.filter((request) => request.method === 'PUT'),
        []
      )
    })
  })
}

// Scenario: the break-glass drill. Renewals go through the Talos API, so the CA key in the
// secrets bundle is only the fallback, and a broken fallback would stay hidden until the day it
// is needed. Every scheduled run opens the bundle, compares its CAs with what the credentials
// trust, and shows the live cluster (loopback stand-ins that record the client certificates
// they are shown) a throwaway certificate signed with them. It writes nothing.
import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { parse, stringify } from 'yaml'
import { ageEncrypt, ageKeygen } from '../support/age-cli.js'
import { startApid, type ApidStandIn } from '../support/apid-standin.js'
import { daysFromNow, kubeconfigYaml, makeCluster, talosconfigYaml } from '../support/cluster.js'
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.js'
import { startKubeApi, type KubeApiStandIn } from '../support/kube-apiserver-standin.js'
import { errorLines, maskedValues, RUNTIMES, runAction, visibleLog, type ActionRun } from '../support/run-action.js'
import { keyLines } from '../support/scenario.js'

const cluster = makeCluster()
const other = makeCluster()
const b64 = (text: string) => Buffer.from(text).toString('base64')
const bundle = parse(cluster.bundleYaml)
const withCerts = (certs: Record<string, unknown>) =>
  stringify({ ...bundle, certs: { ...bundle.certs, ...certs } }, { indent: 4 })
/** A bundle whose Talos API CA is this cluster's but whose Kubernetes CA is another's. */
const otherK8s = withCerts({ k8s: { crt: b64(other.k8sCaPem), key: b64(other.k8sCaKeyPem) } })
/** A bundle whose CA key is not its CA certificate's. */
const wrongKey = withCerts({ os: { crt: bundle.certs.os.crt, key: b64(other.caKeyPem) } })
const identity = ageKeygen()
const stranger = ageKeygen()
const ageBundle = ageEncrypt(cluster.bundleYaml, identity.recipient, true).toString('utf8')

const talosconfigAt = (endpoints: string[], daysLeft = 200) =>
  talosconfigYaml('prod', {
    prod: {
      endpoints,
      caPem: cluster.caCrtPem,
      client: cluster.clientCertificate({ notBefore: daysFromNow(daysLeft - 365), notAfter: daysFromNow(daysLeft) })
    }
  })
const kubeconfigAt = (server: string, daysLeft = 200) =>
  kubeconfigYaml(
    'prod',
    server,
    cluster.k8sCaPem,
    cluster.kubeAdminCertificate({ notBefore: daysFromNow(daysLeft - 365), notAfter: daysFromNow(daysLeft) })
  )
/** Every secret of the bundle and its age key: none may appear in what people see. */
const secrets = [
  ...keyLines(cluster.caKeyPem),
  ...keyLines(cluster.k8sCaKeyPem),
  bundle.certs.os.key,
  bundle.certs.k8s.key,
  identity.keyFile.trim().split('\n').at(-1) as string
]
const lifetimeMs = (pem: string) => {
  const certificate = new X509Certificate(pem)
  return new Date(certificate.validTo).getTime() - new Date(certificate.validFrom).getTime()
}

for (const runtime of RUNTIMES) {
  describe(`the break-glass drill (${runtime.name})`, () => {
    let apid: ApidStandIn
    let rotated: ApidStandIn
    let kubeApi: KubeApiStandIn
    let github: GitHubStandIn
    before(async () => {
      apid = await startApid(cluster)
      // The cluster rotated its CA and the bundle missed it: the node accepts only the new CA.
      rotated = await startApid(cluster, { clientCa: other })
      kubeApi = await startKubeApi(cluster)
      github = await startGitHubStandIn({ workflowToken: 'ghs_workflow_token_for_issues_0123456789' })
    })
    after(async () => {
      await apid.close()
      await rotated.close()
      await kubeApi.close()
      await github.close()
    })
    const drill = (inputs: Record<string, string>, env: Record<string, string> = {}) => {
      for (const node of [apid, rotated]) node.versionCalls.length = 0
      apid.calls.length = 0
      kubeApi.requests.length = 0
      kubeApi.certificates.length = 0
      github.requests.length = 0
      github.issues.length = 0
      return runAction(
        {
          'secrets-bundle': cluster.bundleYaml,
          talosconfig: talosconfigAt([apid.endpoint]),
          'github-token': github.token,
          'github-api-url': github.url,
          repository: 'acme/cluster-ops',
          ...inputs
        },
        { node: runtime.node, env: { GITHUB_EVENT_NAME: 'schedule', ...env } }
      )
    }
    const shown = (run: ActionRun) =>
      visibleLog(run) + run.summary + JSON.stringify(run.outputs) + JSON.stringify(github.issues)
    const assertNoSecrets = (run: ActionRun) => {
      for (const secret of secrets) assert.ok(!shown(run).includes(secret), 'a CA or age key is shown')
      // The throwaway key was masked the moment it existed, and is shown nowhere.
      const masked = maskedValues(run).filter((value) => value.length > 20)
      for (const value of masked) assert.ok(!shown(run).includes(value), 'a masked value is shown')
    }
    const drillEntry = (run: ActionRun) =>
      JSON.parse(run.outputs.report ?? '[]').find((entry: { kind: string }) => entry.kind === 'break-glass')

    it('proves the bundle on a scheduled run with nothing due: a throwaway certificate of an hour at most, nothing written', async () => {
      const run = await drill({})
      assert.equal(run.code, 0, visibleLog(run))
      assert.equal(run.outputs['break-glass'], 'proven')
      assert.equal(run.outputs.renewed, 'false')
      assert.deepEqual(github.requests, [], 'nothing was written')
      assert.deepEqual(apid.calls, [], 'no GenerateClientConfiguration: nothing was due')
      assert.equal(apid.versionCalls.length, 1)
      const throwaway = apid.versionCalls[0] as string
      assert.ok(lifetimeMs(throwaway) <= 3_600_000, `${lifetimeMs(throwaway)} ms`)
      assert.ok(new X509Certificate(throwaway).checkIssued(new X509Certificate(cluster.caCrtPem)))
      assert.deepEqual(new X509Certificate(throwaway).subject, 'O=os:reader', 'the least role that may call Version')
      assert.deepEqual(apid.versionRoles, [['os:reader']], 'apid read os:reader from it')
      assert.equal(drillEntry(run).status, 'proven')
      assert.match(
        run.summary,
        /\nBreak-glass of `secrets-bundle`: \*\*proven\*\*, the cluster accepted a throwaway certificate signed with it/
      )
      assert.match(visibleLog(run), /Break-glass drill of 'secrets-bundle': proven\./)
      assertNoSecrets(run)
    })

    it('proves the Kubernetes CA too, by a SelfSubjectReview as a user of its own, in no group', async () => {
      const run = await drill({ kubeconfig: kubeconfigAt(kubeApi.server), 'kubeconfig-secret-name': 'KUBECONFIG' })
      assert.equal(run.code, 0, visibleLog(run))
      assert.equal(run.outputs['break-glass'], 'proven')
      assert.deepEqual(
        kubeApi.requests.map(({ user, groups }) => [user, groups]),
        [['talos-client-cert-renewal:break-glass-drill', []]],
        'not admin, not system:masters'
      )
      const throwaway = kubeApi.certificates[0] as string
      assert.ok(lifetimeMs(throwaway) <= 3_600_000)
      assert.ok(new X509Certificate(throwaway).checkIssued(new X509Certificate(cluster.k8sCaPem)))
      assert.deepEqual(
        drillEntry(run).credentials.map(({ kind, status }: { kind: string; status: string }) => [kind, status]),
        [
          ['talosconfig', 'proven'],
          ['kubeconfig', 'proven']
        ]
      )
      assertNoSecrets(run)
    })

    it('opens an age-encrypted bundle; the wrong age key is broken, naming the age key', async () => {
      const opened = await drill({ 'secrets-bundle': ageBundle, 'age-key': identity.keyFile })
      assert.equal(opened.code, 0, visibleLog(opened))
      assert.equal(opened.outputs['break-glass'], 'proven')
      const wrong = await drill({ 'secrets-bundle': ageBundle, 'age-key': stranger.keyFile })
      assert.equal(wrong.code, 1)
      assert.equal(wrong.outputs['break-glass'], 'broken')
      const errors = errorLines(wrong)
      assert.equal(errors.length, 1, errors.join('\n'))
      assert.match(
        errors[0] ?? '',
        /^::error::The break-glass drill found the CA key of 'secrets-bundle' broken, .+: talosconfig: input 'secrets-bundle' cannot be used: .*age-key.*\. Fix the age key the workflow passes/
      )
      // Nothing went through the API in this run: the advice does not claim it works.
      assert.doesNotMatch(errors[0] ?? '', /while the Talos API still works|Re-export/)
      assertNoSecrets(wrong)
    })

    it('a missing age key is broken whether or not a renewal was due, with advice that fits', async () => {
      const nothingDue = await drill({ 'secrets-bundle': ageBundle })
      const dueThroughApi = await drill({ 'secrets-bundle': ageBundle, talosconfig: talosconfigAt([apid.endpoint], 5) })
      // Due, and the API out of reach: the renewal needed the bundle and could not open it.
      const dueFallback = await drill({ 'secrets-bundle': ageBundle, talosconfig: talosconfigAt(['127.0.0.1:9'], 5) })
      for (const run of [nothingDue, dueThroughApi, dueFallback]) {
        assert.equal(run.code, 1)
        assert.equal(run.outputs['break-glass'], 'broken', visibleLog(run))
        assert.equal(errorLines(run).length, 1, errorLines(run).join('\n'))
        assert.match(errorLines(run)[0] ?? '', /age-encrypted, but no key was given/)
        assert.doesNotMatch(visibleLog(run), /Unexpected failure/)
      }
      assert.equal(dueThroughApi.outputs['renewed-through'], 'talos-api')
      assert.match(
        errorLines(dueThroughApi)[0] ?? '',
        /Fix the age key .+ Do it now, while the Talos API still works\.$/
      )
      assert.doesNotMatch(errorLines(nothingDue)[0] ?? '', /while the Talos API still works/)
      assert.match(dueFallback.summary, /\nBreak-glass of `secrets-bundle`: \*\*broken\*\*, see the callout above/)
    })

    it('an authorization refusal after the handshake proves the CA: apid denying Version, an API server answering 403', async () => {
      const denying = await startApid(cluster, { denyAll: true })
      const forbidding = await startKubeApi(cluster, { forbid: true })
      try {
        const run = await drill({
          talosconfig: talosconfigAt([denying.endpoint]),
          kubeconfig: kubeconfigAt(forbidding.server),
          'kubeconfig-secret-name': 'KUBECONFIG'
        })
        assert.equal(run.code, 0, visibleLog(run))
        assert.equal(run.outputs['break-glass'], 'proven')
        assert.deepEqual(denying.versionRoles, [['os:reader']])
        assert.deepEqual(
          forbidding.requests.map(({ user }) => user),
          ['talos-client-cert-renewal:break-glass-drill']
        )
        assert.match(visibleLog(run), /refused Version to its roles \(permission denied\)/)
        assert.match(visibleLog(run), /accepted the certificate and refused its review \(403\)/)
      } finally {
        await denying.close()
        await forbidding.close()
      }
    })

    it("verify-connection never keeps the drill off the network: opened, compared, 'checked'", async () => {
      const run = await drill({
        'verify-connection': 'never',
        kubeconfig: kubeconfigAt(kubeApi.server),
        'kubeconfig-secret-name': 'KUBECONFIG'
      })
      assert.equal(run.code, 0, visibleLog(run))
      assert.equal(run.outputs['break-glass'], 'checked')
      assert.deepEqual([apid.versionCalls, kubeApi.requests, run.refused], [[], [], []], 'nothing was dialled')
      assert.match(visibleLog(run), /'verify-connection: never' keeps the drill off the network/)
      // Another CA is still found without the network.
      const stale = await drill({ 'verify-connection': 'never', 'secrets-bundle': other.bundleYaml })
      assert.equal(stale.outputs['break-glass'], 'broken')
      assert.deepEqual(apid.versionCalls, [])
    })

    for (const [name, server] of [
      ['host:port', 'cp1:6443'],
      ['plain http', 'http://127.0.0.1:9'],
      ['none', '']
    ]) {
      it(`a kept kubeconfig whose server is not an https URL (${name}) gives its drill a plain state`, async () => {
        const run = await drill({ kubeconfig: kubeconfigAt(server as string), 'kubeconfig-secret-name': 'KUBECONFIG' })
        assert.equal(run.code, 0, visibleLog(run))
        assert.equal(run.outputs['break-glass'], 'checked')
        assert.deepEqual(
          drillEntry(run).credentials.map(({ kind, status }: { kind: string; status: string }) => [kind, status]),
          [
            ['talosconfig', 'proven'],
            ['kubeconfig', 'checked']
          ]
        )
        assert.match(visibleLog(run), /the kubeconfig's server is not an https:\/\/ URL/)
        assert.doesNotMatch(visibleLog(run), /Unexpected failure/)
        assert.deepEqual([kubeApi.requests, run.refused], [[], []])
      })
    }

    it('a bundle of another CA is broken, naming both CAs by fingerprint; the step fails after a due renewal is written', async () => {
      const run = await drill({
        'secrets-bundle': other.bundleYaml,
        talosconfig: talosconfigAt([apid.endpoint], 5)
      })
      assert.equal(run.code, 1)
      assert.equal(run.outputs['break-glass'], 'broken')
      // The renewal through the API happened and was written, before the drill failed the step.
      assert.equal(run.outputs['renewed-through'], 'talos-api')
      assert.equal(run.outputs['secret-updated'], 'true')
      assert.ok(github.requests.some((request) => request.method === 'PUT'))
      const errors = errorLines(run)
      assert.equal(errors.length, 1, errors.join('\n'))
      assert.match(
        errors[0] ?? '',
        /certs\.os of input 'secrets-bundle' \(O=talos, expires \d{4}-\d\d-\d\d, SHA-256 [0-9A-F:]{95}\) is not a CA that talosconfig context 'prod' trusts \(contexts\.prod\.ca: O=talos, expires \d{4}-\d\d-\d\d, SHA-256 [0-9A-F:]{95}\)\. Likely the CA was rotated and the bundle was not updated .+talosctl gen secrets --from-controlplane-config/
      )
      assertNoSecrets(run)
    })

    it('after a write that failed part-way, drills each credential as it stands: the one just written too', async () => {
      // A first talosconfig is written; the kubeconfig's write is refused. The drill of the
      // failed run must see the talosconfig that is now in the secret, not the nothing before it.
      const refusing = await startGitHubStandIn({
        fault: { method: 'PUT', path: /KUBECONFIG$/, status: 422, message: 'Validation Failed' }
      })
      try {
        apid.versionCalls.length = 0
        const run = await runAction(
          {
            'secrets-bundle': cluster.bundleYaml,
            context: 'prod',
            endpoints: apid.endpoint,
            kubeconfig: kubeconfigAt(kubeApi.server, 5),
            'kubeconfig-secret-name': 'KUBECONFIG',
            'renew-through': 'ca-key',
            'github-token': refusing.token,
            'github-api-url': refusing.url,
            repository: 'acme/cluster-ops'
          },
          { node: runtime.node, env: { GITHUB_EVENT_NAME: 'schedule' } }
        )
        assert.equal(run.code, 1, visibleLog(run))
        assert.equal(run.outputs['secret-updated'], 'true')
        assert.deepEqual(
          drillEntry(run).credentials.map(({ kind, status }: { kind: string; status: string }) => [kind, status]),
          [
            ['talosconfig', 'proven'],
            ['kubeconfig', 'proven']
          ]
        )
        assert.deepEqual(apid.versionRoles.at(-1), ['os:reader'], 'the throwaway was shown to the node')
        assertNoSecrets(run)
      } finally {
        await refusing.close()
      }
    })

    it('a CA key that does not belong to its certificate is broken', async () => {
      const run = await drill({ 'secrets-bundle': wrongKey })
      assert.equal(run.code, 1)
      assert.equal(run.outputs['break-glass'], 'broken')
      assert.match(
        errorLines(run)[0] ?? '',
        /certs\.os\.key in input 'secrets-bundle' does not belong to certs\.os\.crt/
      )
      assert.deepEqual(apid.versionCalls, [], 'nothing was shown to the cluster')
    })

    it("a bundle whose Kubernetes CA is not the kubeconfig's is broken, naming Kubernetes", async () => {
      const run = await drill({
        'secrets-bundle': otherK8s,
        kubeconfig: kubeconfigAt(kubeApi.server),
        'kubeconfig-secret-name': 'KUBECONFIG'
      })
      assert.equal(run.code, 1)
      assert.match(
        errorLines(run)[0] ?? '',
        /kubeconfig: certs\.k8s of input 'secrets-bundle' \(O=kubernetes, .+\) is not a CA that kubeconfig context 'admin@prod' trusts/
      )
      assert.deepEqual(
        drillEntry(run).credentials.map(({ kind, status }: { kind: string; status: string }) => [kind, status]),
        [
          ['talosconfig', 'proven'],
          ['kubeconfig', 'broken']
        ]
      )
      assert.deepEqual(kubeApi.requests, [])
    })

    it('a cluster that no longer trusts the bundle CA is broken, not unreachable', async () => {
      const run = await drill({ talosconfig: talosconfigAt([rotated.endpoint]) })
      assert.equal(run.code, 1)
      assert.equal(run.outputs['break-glass'], 'broken')
      assert.match(
        errorLines(run)[0] ?? '',
        /talosconfig: the cluster refused a throwaway talosconfig certificate signed with certs\.os of input 'secrets-bundle' .+: .*refused the client certificate.* The cluster no longer trusts that CA\./
      )
    })

    it('no endpoint answering is checked, and the step passes', async () => {
      const run = await drill({ talosconfig: talosconfigAt(['127.0.0.1:9']) })
      assert.equal(run.code, 0, visibleLog(run))
      assert.equal(run.outputs['break-glass'], 'checked')
      assert.deepEqual(errorLines(run), [])
      assert.deepEqual(run.refused, [])
    })

    it('break-glass-drill never, or a manual run of another event under auto, is skipped', async () => {
      const never = await drill({ 'break-glass-drill': 'never' })
      assert.equal(never.outputs['break-glass'], 'skipped')
      assert.deepEqual(apid.versionCalls, [])
      assert.doesNotMatch(visibleLog(never), /Read the CA source/)
      const push = await drill({}, { GITHUB_EVENT_NAME: 'push' })
      assert.equal(push.outputs['break-glass'], 'skipped')
      const always = await drill({ 'break-glass-drill': 'always' }, { GITHUB_EVENT_NAME: 'push' })
      assert.equal(always.outputs['break-glass'], 'proven')
    })

    it('a pull-request check never drills: no bundle opened, no network, no call', async () => {
      const run = await drill({ 'break-glass-drill': 'always' }, { GITHUB_EVENT_NAME: 'pull_request' })
      assert.equal(run.code, 0, visibleLog(run))
      assert.equal(run.outputs['break-glass'], 'skipped')
      assert.doesNotMatch(visibleLog(run), /Read the CA source|Break-glass drill of/)
      assert.deepEqual([apid.versionCalls, github.requests, run.refused], [[], [], []])
      assert.equal(drillEntry(run), undefined, 'a check reports no drill')
      assert.doesNotMatch(run.summary, /break-glass/i)
    })

    it('a broken drill opens an issue that says so, with no key in it; a passing drill closes it', async () => {
      const issueInputs = { 'open-issue': 'true', 'workflow-token': 'ghs_workflow_token_for_issues_0123456789' }
      const broken = await drill({ ...issueInputs, 'secrets-bundle': other.bundleYaml })
      assert.equal(broken.code, 1)
      assert.equal(github.issues.length, 1)
      assert.match(github.issues[0]?.body ?? '', /The break-glass drill found the CA key of 'secrets-bundle' broken/)
      assertNoSecrets(broken)
      const issues = structuredClone(github.issues)
      const passing = await runAction(
        {
          ...issueInputs,
          'secrets-bundle': cluster.bundleYaml,
          talosconfig: talosconfigAt([apid.endpoint]),
          'github-token': github.token,
          'github-api-url': github.url,
          repository: 'acme/cluster-ops'
        },
        { node: runtime.node, env: { GITHUB_EVENT_NAME: 'schedule' } }
      )
      assert.equal(passing.code, 0, visibleLog(passing))
      assert.deepEqual(issues.length, 1)
      assert.equal(github.issues[0]?.state, 'closed')
      assert.match(
        github.issues[0]?.comments.at(-1) ?? '',
        /^### ✅ Talos client certificates: .+ valid until \d{4}-\d\d-\d\d.*\n\nAll is well again\.\n/
      )
    })
  })
}

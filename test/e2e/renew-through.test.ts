// Scenario: renew-through auto with the CA key kept as break-glass. The cluster's API is used
// whenever the talosconfig can call it; the bundle only when it cannot (expired, a reader's
// certificate, no endpoint answering); a node that refuses an admin is an error, never a
// reason to sign around it. renewed-through says which way, every time.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { parse } from 'yaml'
import { startApid, type ApidStandIn } from '../support/apid-standin.js'
import { daysFromNow, makeCluster, talosconfigYaml } from '../support/cluster.js'
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.js'
import { opensslVerifyClient } from '../support/judge.js'
import { errorLines, RUNTIMES, runAction, visibleLog } from '../support/run-action.js'

const cluster = makeCluster()
const newCa = makeCluster()
const certificate = (roles: string[], daysLeft: number) =>
  cluster.clientCertificate({ roles, notBefore: daysFromNow(daysLeft - 365), notAfter: daysFromNow(daysLeft + 0.5) })
const talosconfigFor = (endpoints: string[], roles = ['os:admin'], daysLeft = 5) =>
  talosconfigYaml('home', { home: { endpoints, caPem: cluster.caCrtPem, client: certificate(roles, daysLeft) } })
const notices = (log: string) => log.split('\n').filter((line) => line.startsWith('::notice::'))

for (const runtime of RUNTIMES) {
  describe(`renew-through (${runtime.name})`, () => {
    let apid: ApidStandIn
    let denying: ApidStandIn
    let rotating: ApidStandIn
    let foreign: ApidStandIn
    let github: GitHubStandIn
    before(async () => {
      apid = await startApid(cluster)
      denying = await startApid(cluster, { denyAll: true })
      // A CA rotation under way: the node now trusts a new CA beside the one it issues with.
      rotating = await startApid(cluster, { answerCaPem: cluster.caCrtPem + newCa.caCrtPem })
      // A host with an apid certificate from the cluster's CA that issues from a CA of its own.
      foreign = await startApid(cluster, { foreignCa: newCa })
      github = await startGitHubStandIn()
    })
    after(async () => {
      await apid.close()
      await denying.close()
      await rotating.close()
      await foreign.close()
      await github.close()
    })
    const renew = (inputs: Record<string, string>) => {
      for (const node of [apid, denying, foreign]) node.calls.length = 0
      github.requests.length = 0
      github.secrets.clear()
      return runAction(
        {
          'github-token': github.token,
          'github-api-url': github.url,
          repository: 'acme/cluster-ops',
          'secrets-bundle': cluster.bundleYaml,
          // The drill would read the bundle and call the nodes too; break-glass.test.ts holds it.
          'break-glass-drill': 'never',
          ...inputs
        },
        { node: runtime.node }
      )
    }
    const storedCrt = () =>
      Buffer.from(
        parse(github.secrets.get('acme/cluster-ops/TALOSCONFIG')?.value ?? '').contexts.home.crt,
        'base64'
      ).toString()

    it('auto with a bundle and a reachable API renews through the API', async () => {
      const run = await renew({ talosconfig: talosconfigFor([apid.endpoint]) })
      assert.equal(run.code, 0, visibleLog(run))
      assert.equal(apid.calls.length, 1)
      assert.equal(storedCrt(), apid.issued.at(-1), 'the stored certificate is the one the node issued')
      assert.equal(run.outputs['renewed-through'], 'talos-api')
      assert.deepEqual(notices(visibleLog(run)), [])
      assert.doesNotMatch(visibleLog(run), /Read the CA source/, 'the bundle is never read')
    })

    it('auto with the API unreachable renews from the bundle, with a notice naming the endpoints', async () => {
      const run = await renew({ talosconfig: talosconfigFor(['127.0.0.1:9', '[::1]:9']) })
      assert.equal(run.code, 0, visibleLog(run))
      assert.equal(run.outputs['renewed-through'], 'secrets-bundle')
      assert.deepEqual(notices(visibleLog(run)), [
        "::notice::Not through the Talos API for the talosconfig: no endpoint answered: <address> (connection refused); <address> (connection refused); signed with the CA of 'secrets-bundle' instead.",
        "::notice::Could not prove the new talosconfig of context 'home' against the cluster (no endpoint answered: <address> (connection refused); <address> (connection refused)); written unproven, as 'verify-connection' is auto."
      ])
      assert.ok(opensslVerifyClient(cluster.caCrtPem, storedCrt()).ok)
      assert.deepEqual(run.refused, [])
    })

    it('auto with an expired talosconfig renews from the bundle without trying the API', async () => {
      const run = await renew({ talosconfig: talosconfigFor([apid.endpoint], ['os:admin'], -3) })
      assert.equal(run.code, 0, visibleLog(run))
      assert.equal(run.outputs['renewed-through'], 'secrets-bundle')
      assert.deepEqual(apid.calls, [])
      assert.match(
        notices(visibleLog(run))[0] ?? '',
        /^::notice::Not through the Talos API for the talosconfig: talosconfig context 'home' has a client certificate that expired on .+: it cannot authenticate to the Talos API any more; signed with the CA of 'secrets-bundle' instead\.$/
      )
    })

    it("auto with a reader's certificate renews from the bundle", async () => {
      const run = await renew({ talosconfig: talosconfigFor([apid.endpoint], ['os:reader']), roles: 'os:reader' })
      assert.equal(run.code, 0, visibleLog(run))
      assert.equal(run.outputs['renewed-through'], 'secrets-bundle')
      assert.deepEqual(apid.calls, [])
      assert.match(
        notices(visibleLog(run))[0] ?? '',
        /has a client certificate for os:reader, and the Talos API issues only to os:admin; signed with the CA of 'secrets-bundle' instead\.$/
      )
    })

    it('a node that answers with another CA beside the one it signs with does not get it trusted', async () => {
      const run = await renew({ talosconfig: talosconfigFor([rotating.endpoint]) })
      assert.equal(run.code, 0, visibleLog(run))
      const stored = parse(github.secrets.get('acme/cluster-ops/TALOSCONFIG')?.value ?? '')
      assert.equal(Buffer.from(stored.contexts.home.ca, 'base64').toString(), cluster.caCrtPem)
      assert.deepEqual(notices(visibleLog(run)), [])
      assert.equal(run.outputs['renewed-through'], 'talos-api')
    })

    it('a node that signs with a CA the talosconfig does not trust is refused; nothing is written or signed around it', async () => {
      const run = await renew({ talosconfig: talosconfigFor([foreign.endpoint]) })
      assert.equal(run.code, 1)
      assert.equal(foreign.calls.length, 1)
      assert.match(
        errorLines(run)[0] ?? '',
        /^::error::The CA that would sign the new talosconfig certificate, the CA the Talos API signed with \(O=talos, expires .+, SHA-256 [0-9A-F:]{95}\), is not a CA that talosconfig context 'home' trusts or was issued by \(contexts\.home\.ca: O=talos, .+\)\. Either the cluster is in the middle of a CA rotation .+ set 'allow-ca-change: true'/
      )
      assert.deepEqual(github.requests, [])
      assert.doesNotMatch(visibleLog(run), /Read the CA source/)
    })

    it("with allow-ca-change a node's new CA is written only once the cluster accepts it: here it does not", async () => {
      const run = await renew({ talosconfig: talosconfigFor([foreign.endpoint]), 'allow-ca-change': 'true' })
      assert.equal(run.code, 1)
      assert.match(
        errorLines(run)[0] ?? '',
        /^::error::The cluster refused the new talosconfig of context 'home', so nothing was written: .*the server's certificate does not verify against the CA the file trusts/
      )
      assert.deepEqual(github.requests, [])
    })

    it('a node that refuses an os:admin certificate is an error, and nothing is written', async () => {
      const run = await renew({ talosconfig: talosconfigFor([denying.endpoint]) })
      assert.equal(run.code, 1)
      assert.equal(denying.calls.length, 1)
      assert.match(
        errorLines(run)[0] ?? '',
        new RegExp(
          `^::error::<address> refused GenerateClientConfiguration for talosconfig context 'home': permission denied\\.`
        )
      )
      assert.deepEqual(github.requests, [])
      assert.doesNotMatch(visibleLog(run), /Read the CA source/)
    })

    it('renew-through ca-key never calls the API; talos-api refuses a CA source before any call', async () => {
      const keyOnly = await renew({ talosconfig: talosconfigFor([apid.endpoint]), 'renew-through': 'ca-key' })
      assert.equal(keyOnly.code, 0, visibleLog(keyOnly))
      assert.deepEqual([keyOnly.outputs['renewed-through'], apid.calls.length], ['secrets-bundle', 0])
      const both = await renew({ talosconfig: talosconfigFor([apid.endpoint]), 'renew-through': 'talos-api' })
      assert.equal(both.code, 1)
      assert.match(
        errorLines(both)[0] ?? '',
        /^::error::Input 'secrets-bundle' is set, but 'renew-through' is talos-api/
      )
      assert.deepEqual([apid.calls.length, github.requests.length], [0, 0])
    })

    it('a talosconfig naming an address outside loopback falls over to the bundle at once, never reaching it', async () => {
      const started = Date.now()
      const run = await renew({ talosconfig: talosconfigFor(['10.5.0.2']) })
      assert.equal(run.code, 0, visibleLog(run))
      assert.ok(Date.now() - started < 5000)
      // Refused by the guard twice: the API attempt, then the proof of the new certificate.
      assert.deepEqual(run.refused, ['connect 10.5.0.2:50000', 'connect 10.5.0.2:50000'])
      assert.equal(run.outputs['renewed-through'], 'secrets-bundle')
    })
  })
}

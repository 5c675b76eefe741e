// Scenario: a pull-request check of a talosconfig with several contexts, one of them Omni's.
// It reads only the talosconfig, sends nothing, reports every context, and fails by fail-on.
import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { daysFromNow, makeCluster, talosconfigYaml } from '../support/cluster.js'
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.js'
import { keyLines } from '../support/scenario.js'
import { errorLines, RUNTIMES, runAction, visibleLog, type ActionRun } from '../support/run-action.js'

const cluster = makeCluster()
const prod = cluster.clientCertificate({ notBefore: daysFromNow(-355), notAfter: daysFromNow(10.5) })
const staging = cluster.clientCertificate({
  roles: ['os:reader', 'os:etcd:backup'],
  notBefore: daysFromNow(-367),
  notAfter: daysFromNow(-1.5)
})
const reader = cluster.clientCertificate({
  roles: ['os:reader'],
  notBefore: daysFromNow(-100),
  notAfter: daysFromNow(200.5)
})
const talosconfig = talosconfigYaml('prod', {
  prod: { endpoints: ['127.0.0.1:9'], caPem: cluster.caCrtPem, client: prod },
  staging: { endpoints: ['127.0.0.3:9'], caPem: cluster.caCrtPem, client: staging },
  reader: { endpoints: ['127.0.0.1:9'], caPem: cluster.caCrtPem, client: reader },
  omni: {
    endpoints: ['https://omni.example:443'],
    caPem: cluster.caCrtPem,
    extra: { auth: { siderov1: { identity: 'ops@example.com' } } }
  }
})
const day = (date: Date) => date.toISOString().slice(0, 10)
const notAfter = (pem: string) => new Date(new X509Certificate(pem).validTo)
/** renew-before's 30 days ahead of expiry. */
const opens = (pem: string) => day(new Date(notAfter(pem).getTime() - 30 * 86_400_000))
const caDay = day(notAfter(cluster.caCrtPem))
const warnings = (run: ActionRun) => run.stdout.split('\n').filter((line) => line.startsWith('::warning'))
const PROD = `The client certificate of talosconfig context 'prod' expires on ${day(notAfter(prod.crtPem))} (10 days left).`
const STAGING = `The client certificate of talosconfig context 'staging' expired on ${day(notAfter(staging.crtPem))} (1 day ago).`

for (const runtime of RUNTIMES) {
  describe(`check mode on a pull request (${runtime.name})`, () => {
    let github: GitHubStandIn
    before(async () => (github = await startGitHubStandIn()))
    after(() => github.close())
    // No bundle and no token: a check needs neither. The API URL points at the stand-in so
    // that any request would be seen.
    const check = (extra: Record<string, string>) =>
      runAction(
        { talosconfig, 'github-api-url': github.url, 'github-token': '', ...extra },
        { node: runtime.node, env: { GITHUB_EVENT_NAME: 'pull_request' } }
      )

    it('fails on an expiring certificate by default, with an error per failing context', async () => {
      const run = await check({})
      assert.equal(run.code, 1, visibleLog(run))
      assert.deepEqual(errorLines(run), [`::error::${PROD}`, `::error::${STAGING}`])
      assert.deepEqual(warnings(run), [])
      assert.deepEqual(github.requests, [])
    })

    it('fails only on the expired one with fail-on expired', async () => {
      const run = await check({ 'fail-on': 'expired' })
      assert.equal(run.code, 1)
      assert.deepEqual(errorLines(run), [`::error::${STAGING}`])
      assert.deepEqual(warnings(run), [`::warning::${PROD}`])
    })

    it('passes with fail-on never, and still annotates both', async () => {
      const run = await check({ 'fail-on': 'never' })
      assert.equal(run.code, 0)
      assert.deepEqual(errorLines(run), [])
      assert.deepEqual(warnings(run), [`::warning::${PROD}`, `::warning::${STAGING}`])
    })

    it('passes when every certificate is fresh; a context without a certificate never fails', async () => {
      const run = await check({ context: 'reader' })
      // The selected context is fresh, but the others still count.
      assert.equal(run.code, 1)
      const fresh = talosconfigYaml('reader', {
        reader: { endpoints: ['127.0.0.1:9'], caPem: cluster.caCrtPem, client: reader },
        omni: {
          endpoints: ['https://omni.example:443'],
          caPem: cluster.caCrtPem,
          extra: { auth: { siderov1: { identity: 'ops@example.com' } } }
        }
      })
      const clean = await check({ talosconfig: fresh })
      assert.equal(clean.code, 0, visibleLog(clean))
      assert.deepEqual([...errorLines(clean), ...warnings(clean)], [])
      assert.equal(clean.outputs.status, 'valid')
    })

    it('reports every context in the summary and the report output, the selected first', async () => {
      const run = await check({ 'fail-on': 'never' })
      const lines = run.summary.split('\n')
      assert.equal(
        lines[0],
        `## ⚠️ Talos client certificates: talosconfig \`prod\` expires on ${day(notAfter(prod.crtPem))} (10 days), not renewed yet`
      )
      const table = lines.filter((line) => line.startsWith('| '))
      assert.deepEqual(table, [
        '|  | Credential | Context | Roles | Expires | Days left | Renewal window opens | Status |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
        `| ⚠️ | talosconfig | \`prod\` (the one renewed) | \`os:admin\` | ${day(notAfter(prod.crtPem))} | 10 | ${opens(prod.crtPem)} | expiring |`,
        `| ❌ | talosconfig | \`staging\` | \`os:reader\`, \`os:etcd:backup\` | ${day(notAfter(staging.crtPem))} | -1 | ${opens(staging.crtPem)} | expired |`,
        `| ✅ | talosconfig | \`reader\` | \`os:reader\` | ${day(notAfter(reader.crtPem))} | 200 | ${opens(reader.crtPem)} | valid |`,
        '| ➖ | talosconfig | `omni` | — | — | — | — | no client certificate |'
      ])
      assert.ok(lines.includes(`The CAs they trust expire: the talosconfig's on ${caDay}.`))
      assert.ok(
        lines.includes(
          'Not drawn: `staging`, `reader`, `omni`, other contexts of the talosconfig; this run renews `prod`.'
        )
      )
      assert.ok(lines.includes('  section talosconfig prod'))
      assert.doesNotMatch(run.summary, /Break-glass|CA expires/, 'a check never drills, and its CA is years away')
      const ca = notAfter(cluster.caCrtPem).toISOString()
      assert.deepEqual(JSON.parse(run.outputs.report as string), [
        {
          kind: 'talosconfig',
          context: 'prod',
          roles: ['os:admin'],
          'expires-at': notAfter(prod.crtPem).toISOString(),
          'days-remaining': 10,
          status: 'expiring',
          'ca-expires-at': ca,
          'renewed-through': null
        },
        {
          kind: 'talosconfig',
          context: 'staging',
          roles: ['os:reader', 'os:etcd:backup'],
          'expires-at': notAfter(staging.crtPem).toISOString(),
          'days-remaining': -1,
          status: 'expired',
          'ca-expires-at': ca,
          'renewed-through': null
        },
        {
          kind: 'talosconfig',
          context: 'reader',
          roles: ['os:reader'],
          'expires-at': notAfter(reader.crtPem).toISOString(),
          'days-remaining': 200,
          status: 'valid',
          'ca-expires-at': ca,
          'renewed-through': null
        },
        {
          kind: 'talosconfig',
          context: 'omni',
          roles: [],
          'expires-at': null,
          'days-remaining': null,
          status: 'missing',
          'ca-expires-at': ca,
          'renewed-through': null
        }
      ])
      assert.equal(run.outputs.status, 'expiring')
      assert.equal(run.outputs['days-remaining'], '10')
      assert.equal(run.outputs['ca-expires-at'], ca)
      assert.equal(run.outputs.renewed, 'false')
      assert.equal(run.outputs['talosconfig-path'], '')
      for (const line of [prod, staging, reader].flatMap((c) => keyLines(c.keyPem)))
        assert.ok(!visibleLog(run).includes(line))
      assert.deepEqual(github.requests, [])
    })

    it('names the talosconfig input, and forks, when there is none', async () => {
      const run = await check({ talosconfig: '' })
      assert.equal(run.code, 1)
      assert.deepEqual(errorLines(run), [
        "::error::Input 'talosconfig' is empty, and a check reads nothing else. Pass the talosconfig secret; note that workflows run for pull requests from forks get no secrets."
      ])
    })
  })
}

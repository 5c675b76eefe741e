// Scenario: a scheduled run finds the talosconfig inside renew-before, renews it, verifies
// it and stores it as the repository secret.
import assert from 'node:assert/strict'
import { readFileSync, statSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { parse } from 'yaml'
import { daysFromNow, makeCluster, talosconfigYaml, type Cluster } from '../support/cluster.js'
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.js'
import { mutualTlsHandshake, opensslText, opensslVerifyClient } from '../support/judge.js'
import { errorLines, maskedValues, RUNTIMES, runAction, visibleLog } from '../support/run-action.js'

const b64decode = (value: string): string => Buffer.from(value, 'base64').toString('utf8')

for (const runtime of RUNTIMES) {
  describe(`renewing an expiring talosconfig (${runtime.name})`, () => {
    let cluster: Cluster
    let github: GitHubStandIn
    let talosconfig: string
    let oldKeyPem: string

    before(async () => {
      cluster = makeCluster()
      const old = cluster.clientCertificate({ notBefore: daysFromNow(-355), notAfter: daysFromNow(10) })
      oldKeyPem = old.keyPem
      talosconfig = talosconfigYaml('prod', {
        prod: {
          endpoints: ['127.0.0.1:9', '127.0.0.2:9'],
          nodes: ['127.0.0.1:9'],
          caPem: cluster.caCrtPem,
          client: old,
          extra: { cluster: 'prod' }
        },
        staging: { endpoints: ['127.0.0.3:9'], caPem: cluster.caCrtPem, client: old }
      })
      github = await startGitHubStandIn()
    })
    after(() => github.close())

    it('renews, verifies and stores the talosconfig', async () => {
      const run = await runAction(
        {
          'secrets-bundle': cluster.bundleYaml,
          talosconfig: Buffer.from(talosconfig).toString('base64'),
          'github-token': github.token,
          'github-api-url': github.url,
          repository: 'acme/cluster-ops'
        },
        { node: runtime.node }
      )
      assert.equal(run.code, 0, visibleLog(run))
      assert.deepEqual(errorLines(run), [])
      assert.deepEqual(github.violations, [])

      // Every request the action sent, in order.
      assert.deepEqual(
        github.requests.map((r) => `${r.method} ${r.path}`),
        [
          'GET /repos/acme/cluster-ops/actions/secrets/public-key',
          'PUT /repos/acme/cluster-ops/actions/secrets/TALOSCONFIG'
        ]
      )
      assert.match(String(github.requests[0]?.headers['user-agent']), /^talos-client-cert-renewal\/\d+\.\d+\.\d+/)

      const stored = github.secrets.get('acme/cluster-ops/TALOSCONFIG')
      assert.ok(stored, 'the secret was stored')
      const written = parse(stored.value)
      const original = parse(talosconfig)
      // Only the renewed context's crt and key changed.
      assert.equal(written.context, 'prod')
      assert.deepEqual(written.contexts.staging, original.contexts.staging)
      assert.deepEqual(written.contexts.prod.endpoints, ['127.0.0.1:9', '127.0.0.2:9'])
      assert.deepEqual(written.contexts.prod.nodes, ['127.0.0.1:9'])
      assert.equal(written.contexts.prod.cluster, 'prod')
      assert.equal(b64decode(written.contexts.prod.ca), cluster.caCrtPem)
      assert.notEqual(written.contexts.prod.crt, original.contexts.prod.crt)

      const crtPem = b64decode(written.contexts.prod.crt)
      const keyPem = b64decode(written.contexts.prod.key)
      assert.match(keyPem, /^-----BEGIN ED25519 PRIVATE KEY-----\n/)

      // Independent judges.
      const verdict = opensslVerifyClient(cluster.caCrtPem, crtPem)
      assert.ok(verdict.ok, verdict.output)
      const text = opensslText(crtPem)
      assert.match(text, /Subject: O = os:admin\n/)
      const handshake = await mutualTlsHandshake(cluster.caCrtPem, cluster.serverCertificate(), { crtPem, keyPem })
      assert.equal(handshake.authorized, true, handshake.error)
      assert.equal(handshake.peerSubject?.O, 'os:admin')

      // Outputs.
      assert.equal(run.outputs.status, 'expiring')
      assert.equal(run.outputs['days-remaining'], '9')
      assert.equal(run.outputs.renewed, 'true')
      assert.equal(run.outputs['secret-updated'], 'true')
      const newExpiry = new Date(run.outputs['new-expires-at'] as string).getTime()
      assert.ok(Math.abs(newExpiry - daysFromNow(365).getTime()) < 120_000, run.outputs['new-expires-at'])

      // The file for later steps holds exactly what was stored, readable only by the runner's user.
      const path = run.outputs['talosconfig-path'] as string
      assert.ok(path.startsWith(run.runnerTemp), path)
      assert.equal(statSync(path).mode & 0o777, 0o600)
      assert.equal(readFileSync(path, 'utf8'), stored.value)

      // The summary tells what happened; nothing secret is shown anywhere.
      assert.match(
        run.summary,
        /\n\| ✅ \| talosconfig \| `prod` \(the one renewed\) \| `os:admin` \| \d{4}-\d\d-\d\d \(new\) \| 36\d \| \d{4}-\d\d-\d\d \| renewed \|\n/
      )
      assert.match(run.summary, /; written to secret `TALOSCONFIG` in repository acme\/cluster-ops\.\n/)
      // The other context shares the expiring certificate but is not renewed: it is annotated.
      assert.deepEqual(
        run.stdout.split('\n').filter((line) => line.startsWith('::warning')),
        [
          `::warning::The client certificate of talosconfig context 'staging' expires on ${run.outputs['expires-at']?.slice(0, 10)} (9 days left).`
        ]
      )
      const log = visibleLog(run) + run.summary + JSON.stringify(run.outputs)
      for (const secret of [
        written.contexts.prod.key,
        ...keyPem.split('\n').slice(1, -2),
        oldKeyPem.split('\n')[1] as string
      ]) {
        assert.ok(!log.includes(secret), 'key material appears in the log, summary or outputs')
      }
      // The new key and certificate are masked, line by line, never as multi-line YAML.
      const masks = maskedValues(run)
      assert.ok(masks.includes(written.contexts.prod.key))
      assert.ok(masks.includes(written.contexts.prod.crt))
      assert.ok(masks.every((value) => !value.includes('%0A') && !value.includes('contexts')))
    })
  })
}

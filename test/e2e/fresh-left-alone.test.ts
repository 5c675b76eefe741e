// Scenario: the scheduled run finds a talosconfig with plenty of time left and does nothing.
import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { scenario, keyLines, type Scenario } from '../support/scenario.js'
import { errorLines, RUNTIMES, runAction, visibleLog } from '../support/run-action.js'

for (const runtime of RUNTIMES) {
  describe(`a fresh talosconfig (${runtime.name})`, () => {
    let s: Scenario
    before(async () => (s = await scenario({ daysLeft: 200 })))
    after(() => s.close())

    it('is left alone: no request to GitHub, no file, no new certificate', async () => {
      // The renewal's own path; the drill a scheduled run adds is break-glass.test.ts's.
      const run = await runAction(s.inputs({ 'break-glass-drill': 'never' }), { node: runtime.node })
      assert.equal(run.code, 0, visibleLog(run))
      assert.deepEqual(errorLines(run), [])
      assert.deepEqual(s.github.requests, [])
      assert.deepEqual(run.outputs, {
        status: 'valid',
        'expires-at': run.outputs['expires-at'],
        'days-remaining': '199',
        renewed: 'false',
        'renewed-through': '',
        'new-expires-at': '',
        'secret-updated': 'false',
        'talosconfig-path': '',
        'break-glass': 'skipped',
        'ca-expires-at': run.outputs['ca-expires-at'],
        'connection-verified': '',
        report: run.outputs.report,
        'issue-number': '',
        'kubeconfig-status': '',
        'kubeconfig-expires-at': '',
        'kubeconfig-renewed': '',
        'kubeconfig-renewed-through': '',
        'kubeconfig-path': ''
      })
      assert.equal(
        run.outputs['ca-expires-at'],
        new Date(new X509Certificate(s.cluster.caCrtPem).validTo).toISOString()
      )
      assert.deepEqual(JSON.parse(run.outputs.report as string), [
        {
          kind: 'talosconfig',
          context: 'prod',
          roles: ['os:admin'],
          'expires-at': run.outputs['expires-at'],
          'days-remaining': 199,
          status: 'valid',
          'ca-expires-at': run.outputs['ca-expires-at'],
          'renewed-through': null
        }
      ])
      assert.equal(new Date(run.outputs['expires-at'] as string).toISOString(), run.outputs['expires-at'])
      assert.match(
        visibleLog(run),
        /Nothing to do for talosconfig context 'prod': 199 days left, outside renew-before\./
      )
      assert.match(
        run.summary,
        /^## ✅ Talos client certificates: all valid until \d{4}-\d\d-\d\d; the next renewal window opens \d{4}-\d\d-\d\d\n/
      )
      assert.match(
        run.summary,
        /\n\| ✅ \| talosconfig \| `prod` \| `os:admin` \| \d{4}-\d\d-\d\d \| 199 \| \d{4}-\d\d-\d\d \| valid \|\n/
      )
      for (const line of keyLines(s.current.keyPem)) assert.ok(!visibleLog(run).includes(line))
    })

    it('is renewed anyway with force', async () => {
      const run = await runAction(s.inputs({ force: 'true' }), { node: runtime.node })
      assert.equal(run.code, 0, visibleLog(run))
      assert.equal(run.outputs.status, 'valid')
      assert.equal(run.outputs.renewed, 'true')
      assert.equal(run.outputs['secret-updated'], 'true')
      assert.ok(s.github.secrets.has('acme/cluster-ops/TALOSCONFIG'))
    })

    it('is renewed when renew-before as a share of its lifetime covers what is left', async () => {
      s.github.requests.length = 0
      // 199 of 365 days left is 54.5% of the lifetime.
      const inside = await runAction(s.inputs({ 'renew-before': '60%' }), { node: runtime.node })
      assert.equal(inside.outputs.status, 'expiring', visibleLog(inside))
      assert.equal(inside.outputs.renewed, 'true')
      const outside = await runAction(s.inputs({ 'renew-before': '50%' }), { node: runtime.node })
      assert.equal(outside.outputs.status, 'valid', visibleLog(outside))
      assert.equal(outside.outputs.renewed, 'false')
    })
  })
}

// Scenario: no talosconfig yet; the first one is made from `context` and `endpoints`.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { parse } from 'yaml'
import { scenario, type Scenario } from '../support/scenario.js'
import { mutualTlsHandshake, opensslText, opensslVerifyClient } from '../support/judge.js'
import { errorLines, RUNTIMES, runAction, visibleLog } from '../support/run-action.js'

for (const runtime of RUNTIMES) {
  describe(`a first talosconfig (${runtime.name})`, () => {
    let s: Scenario
    before(async () => (s = await scenario({ daysLeft: 100 })))
    after(() => s.close())

    it('is made from context, endpoints, nodes and roles, as talosctl lays it out', async () => {
      const run = await runAction(
        s.inputs({
          talosconfig: '',
          context: 'homelab',
          endpoints: '127.0.0.1:9, 127.0.0.2:9',
          nodes: '127.0.0.1:9\n127.0.0.5:9',
          roles: 'os:reader',
          ttl: '720h',
          'secret-name': 'HOMELAB_TALOSCONFIG'
        }),
        { node: runtime.node }
      )
      assert.equal(run.code, 0, visibleLog(run))
      assert.deepEqual(errorLines(run), [])
      assert.equal(run.outputs.status, 'missing')
      assert.equal(run.outputs['expires-at'], '')
      assert.equal(run.outputs['days-remaining'], '')
      assert.equal(run.outputs.renewed, 'true')
      const stored = s.github.secrets.get('acme/cluster-ops/HOMELAB_TALOSCONFIG')
      assert.ok(stored)
      assert.match(stored.value, /^context: homelab\ncontexts:\n {4}homelab:\n {8}endpoints:\n/)
      const written = parse(stored.value)
      assert.deepEqual(Object.keys(written.contexts.homelab), ['endpoints', 'nodes', 'ca', 'crt', 'key'])
      assert.deepEqual(written.contexts.homelab.endpoints, ['127.0.0.1:9', '127.0.0.2:9'])
      assert.deepEqual(written.contexts.homelab.nodes, ['127.0.0.1:9', '127.0.0.5:9'])
      const crtPem = Buffer.from(written.contexts.homelab.crt, 'base64').toString()
      const keyPem = Buffer.from(written.contexts.homelab.key, 'base64').toString()
      assert.ok(opensslVerifyClient(s.cluster.caCrtPem, crtPem).ok)
      assert.match(opensslText(crtPem), /Subject: O = os:reader\n/)
      const expiry = new Date(run.outputs['new-expires-at'] as string).getTime()
      assert.ok(Math.abs(expiry - (Date.now() + 30 * 86_400_000)) < 120_000)
      const handshake = await mutualTlsHandshake(s.cluster.caCrtPem, s.cluster.serverCertificate(), { crtPem, keyPem })
      assert.equal(handshake.authorized, true, handshake.error)
    })

    it('names the missing input when context or endpoints are not given', async () => {
      const run = await runAction(s.inputs({ talosconfig: '', context: 'homelab' }), { node: runtime.node })
      assert.equal(run.code, 1)
      assert.deepEqual(errorLines(run), [
        "::error::Input 'talosconfig' is empty, so a first talosconfig will be made: set 'context' (its name) and 'endpoints' (controlplane addresses) for it, or pass the current talosconfig."
      ])
    })
  })
}

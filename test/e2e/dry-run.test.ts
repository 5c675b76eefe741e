// Scenario: a dry run of a due renewal proves everything but writes no secret.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { parse } from 'yaml'
import { scenario, type Scenario } from '../support/scenario.js'
import { opensslVerifyClient } from '../support/judge.js'
import { errorLines, RUNTIMES, runAction, visibleLog } from '../support/run-action.js'

for (const runtime of RUNTIMES) {
  describe(`dry-run (${runtime.name})`, () => {
    let s: Scenario
    before(async () => (s = await scenario({ daysLeft: 3 })))
    after(() => s.close())

    it('issues and verifies, reads the public key, and writes nothing', async () => {
      const run = await runAction(s.inputs({ 'dry-run': 'true' }), { node: runtime.node })
      assert.equal(run.code, 0, visibleLog(run))
      assert.deepEqual(errorLines(run), [])
      assert.deepEqual(
        s.github.requests.map((r) => `${r.method} ${r.path}`),
        ['GET /repos/acme/cluster-ops/actions/secrets/public-key']
      )
      assert.equal(s.github.secrets.size, 0)
      assert.equal(run.outputs.status, 'expiring')
      assert.equal(run.outputs.renewed, 'true')
      assert.equal(run.outputs['secret-updated'], 'false')
      assert.match(visibleLog(run), /Dry run: would renew talosconfig context 'prod' \(.+\); no secret was written\./)
      assert.match(
        run.summary,
        /\*\*Dry run:\*\* no secret was changed; the renewed talosconfig would be written to secret `TALOSCONFIG` in repository acme\/cluster-ops\./
      )
      // The new talosconfig is still there for inspection by later steps.
      const written = parse(readFileSync(run.outputs['talosconfig-path'] as string, 'utf8'))
      const crtPem = Buffer.from(written.contexts.prod.crt, 'base64').toString()
      assert.ok(opensslVerifyClient(s.cluster.caCrtPem, crtPem).ok)
    })
  })
}

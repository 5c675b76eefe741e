// Scenario: one step definition serves pull requests, schedules and manual runs. mode auto
// renews on the events started on purpose and checks on every other; an explicit mode wins.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { scenario, type Scenario } from '../support/scenario.js'
import { errorLines, RUNTIMES, runAction, visibleLog } from '../support/run-action.js'

const cases: Array<{ event: string; mode: string; expected: 'check' | 'renew' }> = [
  { event: 'pull_request', mode: 'auto', expected: 'check' },
  { event: 'pull_request_target', mode: 'auto', expected: 'check' },
  { event: 'merge_group', mode: 'auto', expected: 'check' },
  { event: 'schedule', mode: 'auto', expected: 'renew' },
  { event: 'workflow_dispatch', mode: 'auto', expected: 'renew' },
  { event: 'push', mode: 'auto', expected: 'renew' },
  { event: 'repository_dispatch', mode: 'auto', expected: 'renew' },
  { event: 'workflow_run', mode: 'auto', expected: 'check' },
  { event: 'issue_comment', mode: 'auto', expected: 'check' },
  { event: 'pull_request_review', mode: 'auto', expected: 'check' },
  { event: 'schedule', mode: 'check', expected: 'check' },
  { event: 'pull_request', mode: 'renew', expected: 'renew' }
]

for (const runtime of RUNTIMES) {
  describe(`modes by event (${runtime.name})`, () => {
    let s: Scenario
    before(async () => (s = await scenario({ daysLeft: 5 })))
    after(() => s.close())

    for (const { event, mode, expected } of cases) {
      it(`mode ${mode} on ${event} ${expected === 'check' ? 'only checks' : 'renews'}`, async () => {
        s.github.requests.length = 0
        s.github.secrets.clear()
        const run = await runAction(s.inputs({ mode, 'fail-on': 'never' }), {
          node: runtime.node,
          env: { GITHUB_EVENT_NAME: event }
        })
        assert.equal(run.code, 0, visibleLog(run))
        assert.deepEqual(errorLines(run), [])
        const reason = mode === 'auto' ? `mode auto on ${event}` : `mode ${mode}`
        if (expected === 'check') {
          assert.deepEqual(s.github.requests, [], 'a check sends no request at all')
          assert.equal(run.outputs.renewed, 'false')
          assert.equal(run.outputs.status, 'expiring')
          assert.match(
            run.summary,
            /^## ⚠️ Talos client certificates: talosconfig `prod` expires on .+, not renewed yet\n/
          )
          assert.match(run.summary, new RegExp(`\\n<sub>A check \\(${reason}\\) at `))
          assert.match(
            visibleLog(run),
            new RegExp(`Checked talosconfig context 'prod' \\(${reason}\\): 4 days left, inside renew-before\\.`)
          )
        } else {
          assert.equal(run.outputs.renewed, 'true')
          assert.equal(run.outputs['secret-updated'], 'true')
          assert.ok(s.github.secrets.has('acme/cluster-ops/TALOSCONFIG'))
          assert.match(run.summary, /^## ✅ Talos client certificates: renewed talosconfig `prod`; all valid until /)
          assert.match(run.summary, new RegExp(`\\n<sub>A renewal run \\(${reason}\\) at `))
        }
      })
    }

    it('refuses an unknown mode, naming the choices', async () => {
      const run = await runAction(s.inputs({ mode: 'fix' }), { node: runtime.node })
      assert.equal(run.code, 1)
      assert.deepEqual(errorLines(run), ["::error::Input 'mode' must be one of auto, check, renew; got 'fix'."])
    })
  })
}

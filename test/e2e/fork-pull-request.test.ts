// Scenario: a pull request from a fork. GitHub passes such workflows neither secrets nor
// configuration variables, so the check's talosconfig is empty: it is skipped with a notice,
// exit 0 and status skipped. From a branch of the repository itself, an empty talosconfig
// still fails the step.
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { errorLines, RUNTIMES, runAction, visibleLog } from '../support/run-action.js'

/** An event payload file as the runner writes one, with the pull request's head and base repositories. */
function payload(head: string | null): string {
  const path = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json')
  const repo = (name: string | null) => (name ? { full_name: name } : null)
  writeFileSync(
    path,
    JSON.stringify({ pull_request: { head: { repo: repo(head) }, base: { repo: repo('acme/ops') } } })
  )
  return path
}

const check = (event: string, head: string | null, node: string) =>
  runAction(
    { talosconfig: '', mode: 'check' },
    { node, env: { GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH: payload(head), GITHUB_REPOSITORY: 'acme/ops' } }
  )

for (const runtime of RUNTIMES) {
  describe(`a pull request from a fork (${runtime.name})`, () => {
    it('is skipped with a notice that names forks: exit 0, status skipped, every other output empty', async () => {
      for (const head of ['mallory/ops', null]) {
        const run = await check('pull_request', head, runtime.node)
        assert.equal(run.code, 0, visibleLog(run))
        assert.deepEqual(errorLines(run), [])
        assert.match(run.stdout, /^::notice::Skipped: this pull request comes from a fork, and GitHub passes/m)
        assert.equal(run.outputs.status, 'skipped')
        assert.deepEqual([run.outputs['expires-at'], run.outputs.renewed, run.outputs.report], ['', '', '[]'])
        assert.match(run.summary, /Skipped: this pull request comes from a fork/)
      }
    })

    it('from a branch of the repository itself, or on pull_request_target, still fails as before', async () => {
      for (const [event, head] of [
        ['pull_request', 'acme/ops'],
        ['pull_request_target', 'mallory/ops']
      ] as const) {
        const run = await check(event, head, runtime.node)
        assert.equal(run.code, 1, `${event} from ${head}`)
        assert.match(
          errorLines(run)[0] ?? '',
          /^::error::Input 'talosconfig' is empty, and a check reads nothing else\./
        )
      }
    })
  })
}

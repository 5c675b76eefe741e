// Scenario: names that try to be workflow commands. Context, cluster and user names and
// endpoints come from the talosconfig and kubeconfig; printed raw, a name such as
// `prod\n::stop-commands::x` would stop the runner from honouring every later ::add-mask::.
// And the tokens are masked before anything else is printed.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { daysFromNow, makeCluster, talosconfigYaml } from '../support/cluster.js'
import { RUNTIMES, runAction, visibleLog, type ActionRun } from '../support/run-action.js'

const cluster = makeCluster()
const client = () => cluster.clientCertificate({ notBefore: daysFromNow(-300), notAfter: daysFromNow(20) })
const hostile = [
  'prod\n::stop-commands::token1',
  'a%0A::warning::injected',
  'c\r::error::injected',
  'x::set-output name=status::valid'
]
const talosconfig = talosconfigYaml(
  hostile[0] as string,
  Object.fromEntries(
    hostile.map((name) => [
      name,
      { endpoints: [`127.0.0.1:9\n::stop-commands::token2`], caPem: cluster.caCrtPem, client: client() }
    ])
  )
)

/** Every line the runner would read as a command, other than the action's own kinds. */
const foreignCommands = (run: ActionRun) =>
  run.stdout
    .split(/\r?\n|\r/)
    .filter((line) => line.startsWith('::') && !/^::(add-mask|warning|error|notice|debug)::/.test(line))

for (const runtime of RUNTIMES) {
  describe(`names that try to be workflow commands (${runtime.name})`, () => {
    it('stay inert in a check: no line of theirs is a command', async () => {
      const run = await runAction(
        { talosconfig, mode: 'check', 'fail-on': 'never' },
        { node: runtime.node, env: { GITHUB_EVENT_NAME: 'pull_request' } }
      )
      assert.equal(run.code, 0, visibleLog(run))
      assert.deepEqual(foreignCommands(run), [])
      assert.ok(!run.stdout.split(/\r?\n|\r/).some((line) => /^::(warning|error)::injected/.test(line)))
      assert.match(run.stdout, /Checked talosconfig context 'prod%0A::stop-commands::token1'/)
    })

    it('stay inert on the Talos API path, which prints endpoints', async () => {
      const run = await runAction(
        {
          talosconfig,
          'github-token': 'ghs_unused_0123456789',
          'github-api-url': 'http://127.0.0.1:9',
          repository: 'acme/cluster-ops'
        },
        { node: runtime.node }
      )
      assert.equal(run.code, 1)
      assert.deepEqual(foreignCommands(run), [])
      assert.match(
        run.stdout,
        /Asking the Talos API at 127\.0\.0\.1:9%0A::stop-commands::token2 for a new client certificate\./
      )
    })

    it('mask both tokens before anything else is printed', async () => {
      const run = await runAction(
        {
          talosconfig,
          mode: 'check',
          'fail-on': 'never',
          'github-token': 'ghs_secrets_token_0123456789',
          'workflow-token': 'ghs_workflow_token_0123456789'
        },
        { node: runtime.node, env: { GITHUB_EVENT_NAME: 'pull_request' } }
      )
      assert.deepEqual(run.stdout.split('\n').slice(0, 2), [
        '::add-mask::ghs_secrets_token_0123456789',
        '::add-mask::ghs_workflow_token_0123456789'
      ])
    })
  })
}

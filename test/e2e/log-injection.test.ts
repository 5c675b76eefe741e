// Scenario: names that try to be workflow commands. Context, cluster and user names and
// endpoints come from the talosconfig and kubeconfig; printed raw, a name such as
// `prod\n::stop-commands::x` would stop the runner from honouring every later ::add-mask::.
// And the tokens are masked before anything else is printed.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { daysFromNow, makeCluster, talosconfigYaml } from '../support/cluster.js'
import { startGitHubStandIn } from '../support/github-standin.js'
import { RUNTIMES, runAction, visibleLog, type ActionRun } from '../support/run-action.js'
import { readAsRunner } from '../support/runner-log.js'
import { keyLines } from '../support/scenario.js'

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
      assert.match(run.stdout, /Checked talosconfig context 'prod%0A:%3Astop-commands:%3Atoken1'/)
    })

    it('are refused as endpoints before a renewal prints or dials them', async () => {
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
      assert.doesNotMatch(run.stdout, /Asking the Talos API/)
      assert.match(
        run.stdout,
        /^::error::contexts\.prod%0A::stop-commands::token1\.endpoints in input 'talosconfig' has '<address>%0A::stop-commands::token2', which is not host\[:port\]\./m
      )
      assert.deepEqual(run.refused, [], 'nothing was dialled')
    })

    it('stay inert in the older ##[ form through a whole renewal: no key readable as the runner shows the log', async () => {
      const name = 'prod ##[stop-commands]t ##[add-mask]x'
      const expiring = cluster.clientCertificate({ notBefore: daysFromNow(-360), notAfter: daysFromNow(5) })
      const github = await startGitHubStandIn()
      try {
        const run = await runAction(
          {
            talosconfig: talosconfigYaml(name, {
              [name]: { endpoints: ['127.0.0.1:9'], caPem: cluster.caCrtPem, client: expiring }
            }),
            'secrets-bundle': cluster.bundleYaml,
            'renew-through': 'ca-key',
            'verify-connection': 'never',
            'github-token': github.token,
            'github-api-url': github.url,
            repository: 'acme/cluster-ops'
          },
          { node: runtime.node }
        )
        assert.equal(run.code, 0, visibleLog(run))
        const runner = readAsRunner(run.stdout)
        assert.deepEqual(
          runner.commands.filter(({ command }) => !['add-mask', 'warning', 'error', 'notice'].includes(command)),
          []
        )
        assert.match(
          runner.shown.join('\n'),
          /Renewed talosconfig context 'prod #%23\[stop-commands\]t #%23\[add-mask\]x'/
        )
        const stored = github.secrets.get('acme/cluster-ops/TALOSCONFIG')
        assert.ok(stored, 'the renewal was written')
        const secrets = [...keyLines(cluster.caKeyPem), ...keyLines(expiring.keyPem)]
        for (const secret of secrets) assert.ok(!runner.shown.join('\n').includes(secret), 'a key is readable')
      } finally {
        await github.close()
      }
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

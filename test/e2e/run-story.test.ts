// Scenario: every run tells its story. A failed scheduled run still writes the job summary
// (every context read, its state, the error with what to do), sets its outputs and tells the
// issue the same; a renewal's summary carries a timeline that Mermaid's own parser reads; a dry
// run never says that anything was written.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import { daysFromNow, makeCluster, talosconfigYaml } from '../support/cluster.js'
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.js'
import { errorLines, RUNTIMES, runAction, visibleLog } from '../support/run-action.js'

const cluster = makeCluster()
const WORKFLOW_TOKEN = 'ghs_workflow_token_for_issues_0123456789'
const talosconfig = (daysLeft: number) =>
  talosconfigYaml('prod', {
    prod: {
      endpoints: ['127.0.0.1:9'],
      caPem: cluster.caCrtPem,
      client: cluster.clientCertificate({ notBefore: daysFromNow(daysLeft - 365), notAfter: daysFromNow(daysLeft) })
    }
  })
const node24 = (RUNTIMES[0] as { node: string }).node

/** The tasks of the summary's Mermaid block, as Mermaid's own parser reads them. */
function mermaidTasks(summary: string): Array<{ section: string; task: string; end: string; milestone: boolean }> {
  const block = /```mermaid\n([\s\S]*?)\n```/.exec(summary)?.[1]
  assert.ok(block, 'the summary has a Mermaid block')
  const parsed = spawnSync(node24, ['test/support/mermaid-check.mjs'], {
    input: block,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, TZ: 'UTC' }
  })
  assert.equal(parsed.status, 0, `Mermaid refused the diagram: ${parsed.stderr}\n${block}`)
  return JSON.parse(parsed.stdout)
}

for (const runtime of RUNTIMES) {
  describe(`every run tells its story (${runtime.name})`, () => {
    let github: GitHubStandIn
    before(async () => (github = await startGitHubStandIn({ workflowToken: WORKFLOW_TOKEN })))
    after(() => github.close())
    const run = (inputs: Record<string, string>) => {
      github.requests.length = 0
      github.issues.length = 0
      return runAction(
        {
          'github-token': github.token,
          'github-api-url': github.url,
          repository: 'acme/cluster-ops',
          ...inputs
        },
        {
          node: runtime.node,
          env: {
            GITHUB_EVENT_NAME: 'schedule',
            GITHUB_WORKFLOW_REF: 'acme/cluster-ops/.github/workflows/renew.yml@refs/heads/main'
          }
        }
      )
    }

    it('a failed scheduled run writes the summary, with every context, its state and the error, and sets report', async () => {
      // An expired certificate and no bundle: nothing can renew it.
      const failed = await run({ talosconfig: talosconfig(-3), 'open-issue': 'true', 'workflow-token': WORKFLOW_TOKEN })
      assert.equal(failed.code, 1)
      const errors = errorLines(failed)
      assert.equal(errors.length, 1, errors.join('\n'))
      assert.match(
        errors[0] ?? '',
        /^::error::Cannot renew through the Talos API: talosconfig context 'prod' has a client certificate that expired on/
      )
      assert.match(failed.summary, /> \[!CAUTION\]\n> \*\*The run failed\.\*\* Cannot renew through the Talos API/)
      assert.match(
        failed.summary,
        /\n\| ❌ \| talosconfig \| `prod` \| `os:admin` \| \d{4}-\d\d-\d\d \| -3 \| \d{4}-\d\d-\d\d \| expired \|\n/
      )
      assert.equal(failed.outputs.status, 'expired')
      assert.equal(failed.outputs['days-remaining'], '-3')
      assert.deepEqual(
        JSON.parse(failed.outputs.report ?? '[]').map(({ context, status }: { context: string; status: string }) => [
          context,
          status
        ]),
        [['prod', 'expired']]
      )
      // The issue tells the same story: the context, its expiry date and its state.
      assert.equal(github.issues.length, 1)
      const body = github.issues[0]?.body ?? ''
      assert.match(body, /The run failed: Cannot renew through the Talos API/)
      assert.match(
        body,
        /\| ❌ \| talosconfig \| `prod` \| `os:admin` \| \d{4}-\d\d-\d\d \| \d{4}-\d\d-\d\d \| expired \|/
      )
      assert.equal(failed.outputs['issue-number'], String(github.issues[0]?.number))
    })

    it("a renewal's summary holds a timeline Mermaid parses, showing the new certificate's expiry", async () => {
      const renewed = await run({
        talosconfig: talosconfig(5),
        'secrets-bundle': cluster.bundleYaml,
        'renew-through': 'ca-key'
      })
      assert.equal(renewed.code, 0, visibleLog(renewed))
      const tasks = mermaidTasks(renewed.summary)
      const newExpiry = (renewed.outputs['new-expires-at'] ?? '').slice(0, 10)
      const section = tasks.filter(({ section }) => section === 'talosconfig prod')
      assert.deepEqual(
        section.map(({ task }) => task.replace(/ \d{4}-\d\d-\d\d$/, '')),
        ['valid until', 'new, until', 'renewal window']
      )
      assert.equal(section.find(({ task }) => task.startsWith('new, until'))?.end, newExpiry)
      const marked = tasks.filter(({ section }) => section === 'this run')
      assert.ok(marked.length === 1 && marked[0]?.milestone, 'the run is marked at its own instant')
      // The CA, ten years out, is said in words, not drawn: it would squeeze the certificates.
      assert.ok(!tasks.some(({ task }) => task.includes('CA expires')))
    })

    it('a dry run never says that anything was written, only what would be', async () => {
      const dry = await run({
        talosconfig: talosconfig(5),
        'secrets-bundle': cluster.bundleYaml,
        'renew-through': 'ca-key',
        'dry-run': 'true'
      })
      assert.equal(dry.code, 0, visibleLog(dry))
      assert.equal(dry.outputs['secret-updated'], 'false')
      const said = (visibleLog(dry) + '\n' + dry.summary).split('\n').filter((line) => /written/i.test(line))
      assert.ok(said.length > 0, 'the dry run says what would be written')
      for (const line of said) assert.match(line, /would be written|no secret was written|nothing written/, line)
      assert.match(visibleLog(dry), /Dry run: would renew talosconfig context 'prod'/)
      assert.match(
        dry.summary,
        /> \[!NOTE\]\n> \*\*Dry run:\*\* no secret was changed; the renewed talosconfig would be written to secret `TALOSCONFIG` in repository acme\/cluster-ops\./
      )
      assert.match(
        dry.summary,
        /> \[!WARNING\]\n> \*\*Unproven:\*\* the new talosconfig of `prod` could not be proven .+; a real run would write it all the same/
      )
    })
  })
}

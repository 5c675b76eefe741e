// Scenario: the job summary and the issue, as a person reads them on GitHub. The bundled action
// writes the summary of six runs a person meets (a scheduled renewal with the drill proven, a
// weekly run with nothing due, a pull-request check gone red nine days before expiry, an expired
// talosconfig with no CA source, a broken drill's issue, a one-hour dry run); a real browser
// renders each at GitHub's width (github-render.ts) and measures it. summaryReadability() holds
// each to what a reader needs: the chart renders, every bar at least 6 px, no two labels
// overlapping, the longest certificate at least a fifth of the axis, every row as many cells as
// its header, and a date in the verdict. SUMMARY_SCREENSHOTS=<folder> keeps a picture of each.
import assert from 'node:assert/strict'
import { after, before, describe, it, type TestContext } from 'node:test'
import { startApid, type ApidStandIn } from '../support/apid-standin.js'
import { daysFromNow, makeCluster, talosconfigYaml } from '../support/cluster.js'
import {
  browserPath,
  closeGitHubRenderer,
  GITHUB_WIDTH,
  renderAsGitHub,
  summaryReadability,
  type Bar,
  type Problem,
  type Rendered
} from '../support/github-render.js'
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.js'
import { runAction, visibleLog, type ActionRun } from '../support/run-action.js'

// Skipped only where no browser is installed; CI installs one (.ci/install-tools), so there a
// missing browser fails the test rather than skipping it.
const skip =
  browserPath() || process.env.CI
    ? false
    : 'no browser: install Debian chromium (.ci/install-tools does) or set CHROMIUM_PATH to a Chrome or Chromium'

const WORKFLOW_TOKEN = 'ghs_workflow_token_for_issues_0123456789'
const cluster = makeCluster()
const other = makeCluster()
/** Which bars are certificates, current or new, by the chart's own words. */
const isCertificate = (bar: Bar): boolean => /^(valid until|expired|new|would be new)/.test(bar.label)

/** What a person would want to see of a page, for the test's log. */
function tell(t: TestContext, name: string, page: Rendered, problems: Problem[]): void {
  t.diagnostic(`${name}: first line '${page.firstLine}'`)
  for (const gantt of page.gantts) {
    t.diagnostic(`${name}: axis ${gantt.axis.left}–${gantt.axis.right} px (${gantt.axis.width} px)`)
    for (const bar of [...gantt.bars, ...gantt.milestones])
      t.diagnostic(`${name}: '${bar.label}' x ${bar.x} px, ${bar.width} px wide [${bar.classes.join(' ')}]`)
  }
  for (const table of page.tables)
    t.diagnostic(
      `${name}: table ${table.headerCells} columns, ${table.wrapped.length} wrapped cells, ${table.width} px`
    )
  for (const problem of problems) t.diagnostic(`${name}: ${problem.rule}: ${problem.message}`)
}

describe('summaries and issues as GitHub renders them, at its width', { skip }, () => {
  let apid: ApidStandIn
  let rotated: ApidStandIn
  let github: GitHubStandIn
  const pages: Record<string, { run: ActionRun; page: Rendered; markdown: string }> = {}

  const talosconfig = (daysLeft: number, endpoint: string) =>
    talosconfigYaml('prod', {
      prod: {
        endpoints: [endpoint],
        caPem: cluster.caCrtPem,
        client: cluster.clientCertificate({ notBefore: daysFromNow(daysLeft - 365), notAfter: daysFromNow(daysLeft) })
      }
    })
  const run = (inputs: Record<string, string>, event = 'schedule') =>
    runAction(
      {
        'github-token': github.token,
        'github-api-url': github.url,
        repository: 'acme/cluster-ops',
        'open-issue': 'true',
        'workflow-token': WORKFLOW_TOKEN,
        ...inputs
      },
      { env: { GITHUB_EVENT_NAME: event } }
    )

  before(async () => {
    apid = await startApid(cluster)
    rotated = await startApid(cluster, { clientCa: other })
    github = await startGitHubStandIn({ workflowToken: WORKFLOW_TOKEN })
    const bundle = cluster.bundleYaml
    const runs: Record<string, ActionRun> = {
      'scheduled renewal, drill proven': await run({
        talosconfig: talosconfig(12, apid.endpoint),
        'secrets-bundle': bundle
      }),
      'weekly run, nothing due': await run({ talosconfig: talosconfig(200, apid.endpoint), 'secrets-bundle': bundle }),
      'pull-request check, 9 days left': await run({ talosconfig: talosconfig(9, apid.endpoint) }, 'pull_request'),
      'expired, no CA source': await run({ talosconfig: talosconfig(-3, apid.endpoint) }),
      'one-hour dry run': await run({
        talosconfig: talosconfig(12, apid.endpoint),
        'secrets-bundle': bundle,
        'renew-through': 'ca-key',
        ttl: '1h',
        'dry-run': 'true'
      })
    }
    github.issues.length = 0
    const broken = await run({ talosconfig: talosconfig(200, rotated.endpoint), 'secrets-bundle': bundle })
    for (const [name, result] of Object.entries(runs)) {
      const page = await renderAsGitHub(result.summary, { name: name.replace(/[^a-z0-9]+/g, '-') })
      pages[name] = { run: result, page, markdown: result.summary }
    }
    const issue = github.issues[0]?.body ?? ''
    pages["broken drill's issue"] = {
      run: broken,
      page: await renderAsGitHub(issue, { name: 'issue-broken-drill', hardBreaks: true }),
      markdown: issue
    }
  })
  after(async () => {
    await closeGitHubRenderer()
    await apid.close()
    await rotated.close()
    await github.close()
  })

  it('every page reads at a glance: the chart renders, bars show, labels stay apart, rows hold, a date first', (t) => {
    assert.equal(Object.keys(pages).length, 6)
    for (const [name, { page }] of Object.entries(pages)) {
      const problems = summaryReadability(page, { isCertificate })
      tell(t, name, page, problems)
      assert.deepEqual(problems, [], `${name}: ${JSON.stringify(problems)}`)
      assert.deepEqual(page.blocked, [], `${name} asked a host outside loopback`)
    }
  })

  it('every summary draws its chart across the width, its certificates a good share of it', () => {
    for (const name of ['scheduled renewal, drill proven', 'weekly run, nothing due', 'one-hour dry run']) {
      const { page } = pages[name] as { page: Rendered }
      assert.equal(page.gantts.length, 1, name)
      const [gantt] = page.gantts
      assert.ok(gantt && gantt.axis.width > GITHUB_WIDTH / 2, `${name}: the axis is ${gantt?.axis.width} px`)
      const longest = Math.max(...gantt.bars.filter(isCertificate).map(({ width }) => width))
      assert.ok(longest / gantt.axis.width >= 0.4, `${name}: the longest certificate is ${longest} px`)
      assert.ok(
        gantt.milestones.some(({ label }) => label.startsWith('this run')),
        `${name}: the run is marked`
      )
    }
  })

  it('the renewal: the new certificate in the table, the drill in one line with its details folded', () => {
    const { page, markdown, run } = pages['scheduled renewal, drill proven'] as (typeof pages)[string]
    assert.equal(run.code, 0, visibleLog(run))
    assert.match(
      page.firstLine,
      /^✅ Talos client certificates: renewed talosconfig prod; all valid until \d{4}-\d\d-\d\d/
    )
    assert.match(
      markdown,
      /\| ✅ \| talosconfig \| `prod` \| `os:admin` \| \d{4}-\d\d-\d\d \(new\) \| 36[45] \| .+ \| renewed \|/
    )
    assert.match(markdown, /\nBreak-glass of `secrets-bundle`: \*\*proven\*\*, /)
    assert.deepEqual(page.details, [{ summary: 'What the drill did', open: false }])
    assert.doesNotMatch(markdown, /127\.0\.0\.1|:\/\//, 'no address, no URL')
  })

  it('a check gone red says why and what to do, in a callout', () => {
    const { page, run } = pages['pull-request check, 9 days left'] as (typeof pages)[string]
    assert.equal(run.code, 1)
    assert.match(
      page.firstLine,
      /^❌ Talos client certificates: talosconfig prod expires on \d{4}-\d\d-\d\d \([89] days\), not renewed yet/
    )
    assert.equal(page.alerts[0]?.kind, 'caution')
    assert.match(
      page.alerts[0]?.text ?? '',
      /This check only reads: the renewal has not happened\. Run the renewal workflow now/
    )
  })

  it('an expired talosconfig with no CA source says the run failed, and when it expired', () => {
    const { page, run } = pages['expired, no CA source'] as (typeof pages)[string]
    assert.equal(run.code, 1)
    assert.match(
      page.firstLine,
      /^❌ Talos client certificates: the run failed; talosconfig prod expired on \d{4}-\d\d-\d\d/
    )
    assert.match(page.alerts[0]?.text ?? '', /^The run failed\. Cannot renew through the Talos API/)
  })

  it("a broken drill's issue: the same table, without days left, and no address", () => {
    const { page, markdown, run } = pages["broken drill's issue"] as (typeof pages)[string]
    assert.equal(run.outputs['break-glass'], 'broken')
    assert.equal(page.tables.length, 1)
    assert.equal(page.tables[0]?.headerCells, 7)
    assert.doesNotMatch(markdown, /Days left/)
    assert.match(markdown, /Break-glass: \*\*broken\*\*\./)
    assert.doesNotMatch(markdown, /127\.0\.0\.1/)
  })

  it('a one-hour dry run says what it would do, and names the certificate too short to draw', () => {
    const { page, markdown, run } = pages['one-hour dry run'] as (typeof pages)[string]
    assert.equal(run.code, 0, visibleLog(run))
    assert.match(
      page.firstLine,
      /^🧪 Talos client certificates: dry run, would renew talosconfig prod; nothing written/
    )
    assert.match(markdown, /\| would be renewed \(dry run\) \|/)
    assert.match(
      markdown,
      /\nNot drawn, too short to see on this scale: talosconfig `prod`, would be new, until .+ \(6\d minutes\)\./
    )
    assert.doesNotMatch(markdown, /Renewed talosconfig/)
  })
})

// Scenario: the scheduled run nobody watches. It keeps its own workflow enabled, opens an
// issue when a person is needed (and only then, once per credential set, commenting only
// on change and closing when all is well), and keeps a public copy without private keys for
// checks that need no secret. The GitHub stand-in holds every request to the published API.
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parse } from 'yaml'
import { daysFromNow, makeCluster, talosconfigYaml } from '../support/cluster.js'
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.js'
import { errorLines, RUNTIMES, runAction, visibleLog, type ActionRun } from '../support/run-action.js'
import { keyLines } from '../support/scenario.js'

const cluster = makeCluster()
const WORKFLOW_TOKEN = 'ghs_workflow_token_for_issues_0123456789'
const client = (daysLeft: number) =>
  cluster.clientCertificate({ notBefore: daysFromNow(daysLeft - 365), notAfter: daysFromNow(daysLeft + 0.5) })
const talosconfigWith = (daysLeft: number) => ({
  daysLeft,
  text: talosconfigYaml('prod', {
    prod: { endpoints: ['127.0.0.1:9'], nodes: ['127.0.0.2'], caPem: cluster.caCrtPem, client: client(daysLeft) },
    staging: { endpoints: ['127.0.0.3:9'], caPem: cluster.caCrtPem, client: client(100) }
  })
})
const expired = talosconfigWith(-2)
const fresh = talosconfigWith(200)
const env = (event: string) => ({
  GITHUB_EVENT_NAME: event,
  GITHUB_WORKFLOW_REF: 'acme/cluster-ops/.github/workflows/renew.yml@refs/heads/main',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '4242'
})
const warnings = (run: ActionRun) => run.stdout.split('\n').filter((line) => line.startsWith('::warning::'))

for (const runtime of RUNTIMES) {
  describe(`unattended runs (${runtime.name})`, () => {
    let github: GitHubStandIn
    before(async () => (github = await startGitHubStandIn({ workflowToken: WORKFLOW_TOKEN })))
    after(() => github.close())
    const run = (inputs: Record<string, string>, event = 'schedule', standIn = github) =>
      runAction(
        {
          'github-token': standIn.token,
          'github-api-url': standIn.url,
          'workflow-token': WORKFLOW_TOKEN,
          'secrets-bundle': cluster.bundleYaml,
          'renew-through': 'ca-key',
          'verify-connection': 'never',
          ...inputs
        },
        { node: runtime.node, env: env(event) }
      )
    const routes = (standIn = github) => standIn.requests.map((r) => `${r.method} ${r.path}`)
    const reset = () => {
      github.requests.length = 0
      github.issues.length = 0
      github.variables.clear()
    }

    describe('the defaults (auto)', () => {
      /** The event's payload, as the runner writes it: the repository's visibility is in it. */
      const payload = (visibility: 'public' | 'private') => {
        const file = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json')
        writeFileSync(file, JSON.stringify({ repository: { private: visibility === 'private', visibility } }))
        return file
      }
      const runDefault = (inputs: Record<string, string>, event: string, visibility: 'public' | 'private') =>
        runAction(
          {
            'github-token': github.token,
            'github-api-url': github.url,
            'workflow-token': WORKFLOW_TOKEN,
            'secrets-bundle': cluster.bundleYaml,
            'renew-through': 'ca-key',
            'verify-connection': 'never',
            ...inputs
          },
          { node: runtime.node, env: { ...env(event), GITHUB_EVENT_PATH: payload(visibility) } }
        )

      it('keep the schedule of a public repository alive, and ask a private one for no actions: write', async () => {
        reset()
        const open = await runDefault({ talosconfig: fresh.text }, 'schedule', 'public')
        assert.equal(open.code, 0, visibleLog(open))
        assert.ok(routes().includes('PUT /repos/acme/cluster-ops/actions/workflows/renew.yml/enable'))
        reset()
        const closed = await runDefault({ talosconfig: fresh.text }, 'schedule', 'private')
        assert.equal(closed.code, 0, visibleLog(closed))
        assert.ok(!routes().some((route) => route.endsWith('/enable')), 'no call in a private repository')
        assert.deepEqual(warnings(closed), [])
      })

      it('open an issue on scheduled and manual runs that need a person, and never on a check of a pull request', async () => {
        for (const event of ['schedule', 'workflow_dispatch']) {
          reset()
          const result = await runDefault(
            { talosconfig: expired.text, mode: 'check', 'fail-on': 'never' },
            event,
            'private'
          )
          assert.equal(github.issues.length, 1, event)
          assert.equal(result.outputs['issue-number'], String(github.issues[0]?.number))
        }
        reset()
        await runDefault({ talosconfig: expired.text, 'fail-on': 'never' }, 'pull_request', 'public')
        assert.deepEqual(routes(), [])
      })

      it('a token without the permissions is one warning each, and the result is the same', async () => {
        const refusing = await startGitHubStandIn({
          workflowToken: WORKFLOW_TOKEN,
          faults: [
            {
              method: 'PUT',
              path: /\/enable$/,
              status: 403,
              message: 'Resource not accessible by integration',
              times: Infinity
            },
            {
              method: 'GET',
              path: /\/issues$/,
              status: 403,
              message: 'Resource not accessible by integration',
              times: Infinity
            }
          ]
        })
        try {
          const result = await runAction(
            {
              'github-token': refusing.token,
              'github-api-url': refusing.url,
              'workflow-token': WORKFLOW_TOKEN,
              'secrets-bundle': cluster.bundleYaml,
              'renew-through': 'ca-key',
              'verify-connection': 'never',
              talosconfig: fresh.text
            },
            { node: runtime.node, env: { ...env('schedule'), GITHUB_EVENT_PATH: payload('public') } }
          )
          assert.equal(result.code, 0, visibleLog(result))
          const said = warnings(result)
          assert.equal(said.filter((line) => line.includes('keep-schedule-alive')).length, 1)
          assert.match(said.find((line) => line.includes('keep-schedule-alive')) ?? '', /actions: write/)
          assert.equal(said.filter((line) => line.includes('open-issue')).length, 1)
          assert.match(said.find((line) => line.includes('open-issue')) ?? '', /issues: write/)
        } finally {
          await refusing.close()
        }
      })
    })

    describe('keep-schedule-alive', () => {
      it('re-enables the running workflow once per scheduled run, with the workflow token, due or not', async () => {
        for (const talosconfig of [fresh, talosconfigWith(5)]) {
          reset()
          const result = await run({ talosconfig: talosconfig.text, 'keep-schedule-alive': 'true' })
          assert.equal(result.code, 0, visibleLog(result))
          const enables = github.requests.filter(
            (r) => r.path === '/repos/acme/cluster-ops/actions/workflows/renew.yml/enable'
          )
          assert.equal(enables.length, 1)
          assert.equal(enables[0]?.method, 'PUT')
          assert.equal(enables[0]?.headers.authorization, `token ${WORKFLOW_TOKEN}`)
        }
        assert.deepEqual(github.violations, [])
      })

      it('makes no call on other events', async () => {
        for (const event of ['pull_request', 'workflow_dispatch']) {
          reset()
          await run({ talosconfig: fresh.text, 'keep-schedule-alive': 'true' }, event)
          assert.ok(!routes().some((route) => route.endsWith('/enable')), event)
        }
      })

      it('a refusal is one warning naming actions: write, and the step still succeeds', async () => {
        const refusing = await startGitHubStandIn({
          workflowToken: WORKFLOW_TOKEN,
          fault: { method: 'PUT', path: /\/enable$/, status: 403, message: 'Resource not accessible by integration' }
        })
        try {
          const result = await run({ talosconfig: fresh.text, 'keep-schedule-alive': 'true' }, 'schedule', refusing)
          assert.equal(result.code, 0, visibleLog(result))
          assert.deepEqual(warnings(result).filter((line) => line.includes('keep-schedule-alive')).length, 1)
          assert.match(warnings(result).find((line) => line.includes('keep-schedule-alive')) ?? '', /actions: write/)
        } finally {
          await refusing.close()
        }
      })
    })

    describe('open-issue', () => {
      const issueInputs = { 'open-issue': 'true' }
      const everything = () => github.issues.flatMap((issue) => [issue.title, issue.body, ...issue.comments]).join('\n')

      it('with an empty workflow-token says so in one warning, calls nothing, and leaves the result alone', async () => {
        reset()
        for (const [inputs, code] of [
          [{ talosconfig: fresh.text }, 0],
          [{ talosconfig: expired.text, mode: 'check' }, 1]
        ] as const) {
          const result = await run({ ...issueInputs, 'keep-schedule-alive': 'true', 'workflow-token': '', ...inputs })
          assert.equal(result.code, code, visibleLog(result))
          assert.deepEqual(
            warnings(result).filter((line) => /workflow-token/.test(line)),
            [
              "::warning::keep-schedule-alive and open-issue: 'workflow-token' is empty, so nothing was done. Leave it unset (it defaults to the job's GITHUB_TOKEN), or pass a token with 'issues: write' and 'actions: write'."
            ]
          )
          assert.doesNotMatch(visibleLog(result), /Parameter token|^\s+at /m)
          assert.deepEqual(routes(), [])
        }
      })

      it('opens one issue for an expired certificate in a scheduled check, then stays quiet, comments on change, and closes when renewed', async () => {
        reset()
        const first = await run({ ...issueInputs, talosconfig: expired.text, mode: 'check', 'fail-on': 'never' })
        assert.equal(first.code, 0, visibleLog(first))
        assert.equal(github.issues.length, 1)
        const [issue] = github.issues
        assert.deepEqual(issue?.labels, ['talos-certificates'])
        assert.match(
          issue?.body ?? '',
          /The talosconfig certificate of `prod` expired on \d{4}-\d{2}-\d{2} and was not renewed by this run \(mode check\)\./
        )
        assert.match(issue?.body ?? '', /\[The run\]\(https:\/\/github\.com\/acme\/cluster-ops\/actions\/runs\/4242\)/)
        assert.equal(first.outputs['issue-number'], String(issue?.number))
        const opened = github.requests.find((r) => r.method === 'POST' && r.path === '/repos/acme/cluster-ops/issues')
        assert.equal(opened?.headers.authorization, `token ${WORKFLOW_TOKEN}`)

        // The next day: the same state, nothing new.
        const again = await run({ ...issueInputs, talosconfig: expired.text, mode: 'check', 'fail-on': 'never' })
        assert.equal(again.outputs['issue-number'], String(issue?.number))
        assert.deepEqual([github.issues.length, issue && github.issues[0]?.comments.length], [1, 0])

        // A changed state: one comment.
        const staging = talosconfigYaml('prod', {
          prod: { endpoints: ['127.0.0.1:9'], caPem: cluster.caCrtPem, client: client(-2) },
          staging: { endpoints: ['127.0.0.3:9'], caPem: cluster.caCrtPem, client: client(-1) }
        })
        await run({ ...issueInputs, talosconfig: staging, mode: 'check', 'fail-on': 'never' })
        assert.equal(github.issues[0]?.comments.length, 1)
        assert.match(github.issues[0]?.comments[0] ?? '', /`staging` expired/)

        // A dry run changes nothing, so it cannot close the issue, however well it went: a forced
        // dry run of a valid talosconfig leaves nobody anything to do, and the issue open, unchanged.
        const dry = await run({ ...issueInputs, talosconfig: fresh.text, force: 'true', 'dry-run': 'true' })
        assert.equal(dry.code, 0, visibleLog(dry))
        assert.match(dry.summary, /dry run, would renew talosconfig `prod`/)
        assert.deepEqual([github.issues[0]?.state, github.issues[0]?.comments.length], ['open', 1])
        assert.equal(dry.outputs['issue-number'], String(issue?.number))

        // A renewal that succeeds: it says so and closes the issue.
        const renewed = await run({ ...issueInputs, talosconfig: expired.text })
        assert.equal(renewed.code, 0, visibleLog(renewed))
        assert.equal(github.issues[0]?.state, 'closed')
        assert.match(
          github.issues[0]?.comments.at(-1) ?? '',
          /^### ✅ Talos client certificates: .+ valid until \d{4}-\d\d-\d\d.*\n\nAll is well again\.\n/
        )
        assert.equal(renewed.outputs['issue-number'], String(issue?.number))
        assert.deepEqual(github.violations, [])
      })

      it('a failing renewal opens an issue with its error line, and the step still fails with that error', async () => {
        const failing = await startGitHubStandIn({
          workflowToken: WORKFLOW_TOKEN,
          fault: { method: 'GET', path: /secrets\/public-key$/, status: 401, message: 'Bad credentials' }
        })
        try {
          const result = await run(
            { ...issueInputs, talosconfig: talosconfigWith(5).text },
            'workflow_dispatch',
            failing
          )
          assert.equal(result.code, 1)
          const [error] = errorLines(result)
          assert.match(
            error ?? '',
            /^::error::Could not read the Actions public key of the repository acme\/cluster-ops: GitHub answered 401/
          )
          assert.equal(failing.issues.length, 1)
          assert.ok(failing.issues[0]?.body.includes(`The run failed: ${(error ?? '').replace('::error::', '')}`))
          assert.equal(result.outputs['issue-number'], String(failing.issues[0]?.number))
        } finally {
          await failing.close()
        }
      })

      it('two secret names in one repository get two separate issues', async () => {
        reset()
        await run({ ...issueInputs, talosconfig: expired.text, mode: 'check', 'fail-on': 'never' })
        await run({
          ...issueInputs,
          talosconfig: expired.text,
          mode: 'check',
          'fail-on': 'never',
          'secret-name': 'TALOSCONFIG_STAGING'
        })
        assert.equal(github.issues.length, 2)
        assert.notEqual(github.issues[0]?.body, github.issues[1]?.body)
      })

      it('never writes a key, a certificate, an endpoint address or a token', async () => {
        const text = everything()
        assert.ok(text.length > 0)
        for (const pem of [cluster.caCrtPem, cluster.caKeyPem, client(5).crtPem])
          for (const line of keyLines(pem)) assert.ok(!text.includes(line))
        for (const forbidden of [
          '127.0.0.1',
          '127.0.0.2',
          '127.0.0.3',
          github.token,
          WORKFLOW_TOKEN,
          'BEGIN',
          Buffer.from(cluster.caCrtPem).toString('base64').slice(0, 40)
        ])
          assert.ok(!text.includes(forbidden), forbidden)
      })

      it('mode check on pull_request never touches issues', async () => {
        reset()
        const result = await run(
          { ...issueInputs, talosconfig: expired.text, mode: 'check', 'github-token': '' },
          'pull_request'
        )
        assert.equal(result.code, 1)
        assert.deepEqual(github.requests, [])
        assert.equal(result.outputs['issue-number'], '')
      })
    })

    describe('public-variable', () => {
      it('stores a copy with every certificate and no private key, that a check reads as the full file, and only when it changed', async () => {
        reset()
        const first = await run({ talosconfig: fresh.text, 'public-variable': 'TALOS_PUBLIC' })
        assert.equal(first.code, 0, visibleLog(first))
        const copy = github.variables.get('acme/cluster-ops/TALOS_PUBLIC') ?? ''
        const full = parse(fresh.text)
        const kept = parse(copy)
        for (const name of ['prod', 'staging']) {
          assert.equal(kept.contexts[name].crt, full.contexts[name].crt)
          assert.equal(kept.contexts[name].ca, full.contexts[name].ca)
          assert.deepEqual(kept.contexts[name].endpoints, full.contexts[name].endpoints)
          assert.equal(kept.contexts[name].key, undefined)
          assert.ok(!copy.includes(full.contexts[name].key))
        }
        for (const line of keyLines(Buffer.from(full.contexts.prod.key, 'base64').toString()))
          assert.ok(!copy.includes(line))
        assert.doesNotMatch(copy, /PRIVATE KEY|LS0tLS1CRUdJTiBFRDI1NTE5IFBSSVZBVEUgS0VZ/)
        // A check of the copy alone reports what a check of the whole talosconfig reports.
        const fromCopy = await run({ talosconfig: copy, mode: 'check' }, 'pull_request')
        const fromFull = await run({ talosconfig: fresh.text, mode: 'check' }, 'pull_request')
        assert.equal(fromCopy.code, 0, visibleLog(fromCopy))
        assert.deepEqual(JSON.parse(fromCopy.outputs.report ?? ''), JSON.parse(fromFull.outputs.report ?? ''))
        // Unchanged: read, not written again.
        github.requests.length = 0
        await run({ talosconfig: fresh.text, 'public-variable': 'TALOS_PUBLIC' })
        assert.deepEqual(
          routes().filter((route) => route.includes('/variables')),
          ['GET /repos/acme/cluster-ops/actions/variables/TALOS_PUBLIC']
        )
        assert.deepEqual(github.violations, [])
      })
    })
  })
}

// Scenario: the token cannot write secrets. The default GITHUB_TOKEN gets a 403 that must
// become one plain error naming the token that is needed; 401 and 404 are named too.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { scenario } from '../support/scenario.js'
import { errorLines, RUNTIMES, runAction, visibleLog } from '../support/run-action.js'

const cases = [
  {
    name: 'the default GITHUB_TOKEN (403)',
    fault: { method: 'GET' as const, status: 403, message: 'Resource not accessible by integration' },
    error:
      "::error::Could not read the Actions public key of the repository acme/cluster-ops: GitHub answered 403, the token in 'github-token' lacks the repository permission 'Secrets: write'. The workflow's default GITHUB_TOKEN never has it: pass a fine-grained personal access token or a GitHub App installation token with 'Secrets: write' on this repository."
  },
  {
    name: 'a token that may read but not write (403 on PUT)',
    fault: { method: 'PUT' as const, status: 403, message: 'Resource not accessible by personal access token' },
    error:
      "::error::Could not write secret TALOSCONFIG to the repository acme/cluster-ops: GitHub answered 403, the token in 'github-token' lacks the repository permission 'Secrets: write'. The workflow's default GITHUB_TOKEN never has it: pass a fine-grained personal access token or a GitHub App installation token with 'Secrets: write' on this repository."
  },
  {
    name: 'a repository the token cannot see (404)',
    fault: { method: 'GET' as const, status: 404, message: 'Not Found' },
    error:
      "::error::Could not read the Actions public key of the repository acme/cluster-ops: GitHub answered 404, the repository acme/cluster-ops was not found, or the token in 'github-token' cannot see it. Check 'repository' and the token's access."
  },
  {
    name: 'an invalid token (401)',
    token: 'ghp_revoked',
    error:
      "::error::Could not read the Actions public key of the repository acme/cluster-ops: GitHub answered 401, the token in 'github-token' is invalid or expired. Make a new one."
  }
]

for (const runtime of RUNTIMES) {
  describe(`token errors (${runtime.name})`, () => {
    for (const c of cases) {
      it(`${c.name} gives one plain error and stores nothing`, async () => {
        const s = await scenario({ daysLeft: 5, fault: c.fault, token: c.token })
        try {
          const run = await runAction(s.inputs(), { node: runtime.node })
          assert.equal(run.code, 1)
          assert.deepEqual(errorLines(run), [c.error])
          assert.equal(s.github.secrets.size, 0)
          assert.doesNotMatch(visibleLog(run), /^\s+at /m, 'no stack trace')
          assert.deepEqual(s.github.violations, [])
          // Refusals are final: one request, never retried.
          assert.equal(s.github.requests.filter((r) => r.path.endsWith('public-key')).length, 1)
        } finally {
          await s.close()
        }
      })
    }

    it('a GitHub API that does not answer is named, with the URL input to check', async () => {
      const s = await scenario({ daysLeft: 5 })
      await s.close()
      const run = await runAction(s.inputs(), { node: runtime.node })
      assert.equal(run.code, 1)
      const [line] = errorLines(run)
      assert.match(
        line ?? '',
        /^::error::Could not read the Actions public key of the repository acme\/cluster-ops: 5 attempts over \d+ s got no answer \(connect ECONNREFUSED <address>\)\. GitHub or the network is failing; run it again later, and check 'github-api-url'\.$/
      )
    })
  })
}

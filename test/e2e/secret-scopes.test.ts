// Scenario: the talosconfig goes to an environment secret, an organization secret (visibility
// kept or set), or a repository on GitHub Enterprise Server.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { scenario } from '../support/scenario.js'
import { errorLines, RUNTIMES, runAction, visibleLog } from '../support/run-action.js'

for (const runtime of RUNTIMES) {
  describe(`where the secret lives (${runtime.name})`, () => {
    it('an environment secret, written with the environment key', async () => {
      const s = await scenario({ daysLeft: 5, standIn: { environments: ['production'] } })
      try {
        const run = await runAction(s.inputs({ environment: 'production' }), { node: runtime.node })
        assert.equal(run.code, 0, visibleLog(run))
        assert.ok(
          s.github.secrets
            .get('acme/cluster-ops/environments/production/TALOSCONFIG')
            ?.value.startsWith('context: prod')
        )
        assert.match(
          run.summary,
          /; written to secret `TALOSCONFIG` in environment 'production' of repository acme\/cluster-ops\./
        )
        assert.deepEqual(s.github.violations, [])
        const missing = await runAction(s.inputs({ environment: 'staging' }), { node: runtime.node })
        assert.equal(missing.code, 1)
        assert.deepEqual(errorLines(missing), [
          "::error::Could not read the Actions public key of the environment 'staging' of repository acme/cluster-ops: GitHub answered 404, the environment 'staging' of repository acme/cluster-ops was not found, or the token in 'github-token' cannot see it. Check 'environment' and 'repository' and the token's access."
        ])
      } finally {
        await s.close()
      }
    })

    it('an organization secret keeps its visibility and repositories, a new one is private', async () => {
      const s = await scenario({
        daysLeft: 5,
        standIn: { orgSecrets: { 'acme/TALOSCONFIG': { visibility: 'selected', selectedRepositoryIds: [7, 8] } } }
      })
      try {
        const kept = await runAction(s.inputs({ organization: 'acme' }), { node: runtime.node })
        assert.equal(kept.code, 0, visibleLog(kept))
        assert.deepEqual(
          { ...s.github.secrets.get('orgs/acme/TALOSCONFIG'), value: undefined, keyId: undefined },
          { value: undefined, keyId: undefined, visibility: 'selected', selectedRepositoryIds: [7, 8] }
        )
        // The scope comes from outside as plain words: Markdown escapes its parentheses, and shows them as written.
        assert.match(kept.summary, /in organization acme \\\(visibility selected, 2 repositories\\\)\./)
        const fresh = await runAction(s.inputs({ organization: 'acme', 'secret-name': 'TALOSCONFIG_NEW' }), {
          node: runtime.node
        })
        assert.equal(fresh.code, 0, visibleLog(fresh))
        assert.equal(s.github.secrets.get('orgs/acme/TALOSCONFIG_NEW')?.visibility, 'private')
        const all = await runAction(s.inputs({ organization: 'acme', visibility: 'all' }), { node: runtime.node })
        assert.equal(all.code, 0)
        assert.deepEqual(
          { ...s.github.secrets.get('orgs/acme/TALOSCONFIG'), value: undefined, keyId: undefined },
          { value: undefined, keyId: undefined, visibility: 'all', selectedRepositoryIds: undefined }
        )
        assert.deepEqual(s.github.violations, [])
      } finally {
        await s.close()
      }
    })

    it('an organization secret for repositories named in selected-repositories', async () => {
      const s = await scenario({ daysLeft: 5, standIn: { repositories: { 'cluster-ops': 41, infra: 42 } } })
      try {
        const run = await runAction(s.inputs({ organization: 'acme', 'selected-repositories': 'cluster-ops, infra' }), {
          node: runtime.node
        })
        assert.equal(run.code, 0, visibleLog(run))
        assert.deepEqual(s.github.secrets.get('orgs/acme/TALOSCONFIG')?.selectedRepositoryIds, [41, 42])
        assert.deepEqual(s.github.violations, [])
        const unknown = await runAction(s.inputs({ organization: 'acme', 'selected-repositories': 'nope' }), {
          node: runtime.node
        })
        assert.equal(unknown.code, 1)
        assert.deepEqual(errorLines(unknown), [
          "::error::Input 'selected-repositories' names 'nope', which is not a repository of organization acme, or the token in 'github-token' cannot see it."
        ])
        assert.equal(
          s.github.requests.filter((r) => r.method === 'PUT' && r.path.includes('TALOSCONFIG')).length,
          1,
          'nothing more was written'
        )
      } finally {
        await s.close()
      }
    })

    it('GitHub Enterprise Server through github-api-url', async () => {
      const s = await scenario({ daysLeft: 5, standIn: { prefix: '/api/v3' } })
      try {
        assert.match(s.github.url, /\/api\/v3$/)
        const run = await runAction(s.inputs(), {
          node: runtime.node,
          env: { GITHUB_API_URL: 'https://api.github.com' }
        })
        assert.equal(run.code, 0, visibleLog(run))
        assert.deepEqual(
          s.github.requests.map((r) => `${r.method} ${r.path}`),
          [
            'GET /repos/acme/cluster-ops/actions/secrets/public-key',
            'PUT /repos/acme/cluster-ops/actions/secrets/TALOSCONFIG'
          ]
        )
        assert.deepEqual(s.github.violations, [])
      } finally {
        await s.close()
      }
    })

    it('environment and organization together is an error', async () => {
      const s = await scenario({ daysLeft: 5 })
      try {
        const run = await runAction(s.inputs({ environment: 'production', organization: 'acme' }), {
          node: runtime.node
        })
        assert.equal(run.code, 1)
        assert.deepEqual(errorLines(run), [
          "::error::Inputs 'environment' and 'organization' are both set; a secret lives in one place: give one of them, or neither for a repository secret."
        ])
        assert.deepEqual(s.github.requests, [])
      } finally {
        await s.close()
      }
    })
  })
}

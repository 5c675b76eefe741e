// The variable store against the GitHub stand-in (which checks every request against GitHub's
// OpenAPI description): a scope's variables listed page by page as GitHub paginates them, and
// an environment's variables created, updated and deleted in the environment's own scope.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { nextPage, variableStore } from '../../src/github/variables.js'
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.js'

describe('the next page a Link header names', () => {
  it('follows rel="next" only', () => {
    const link =
      '<https://api.github.com/repositories/1/actions/variables?per_page=30&page=3>; rel="next", ' +
      '<https://api.github.com/repositories/1/actions/variables?per_page=30&page=4>; rel="last", ' +
      '<https://api.github.com/repositories/1/actions/variables?per_page=30&page=1>; rel="first"'
    assert.equal(nextPage(link), 3)
    assert.equal(nextPage('<https://x/?page=1>; rel="first", <https://x/?page=2>; rel="prev"'), undefined)
    assert.equal(nextPage(undefined), undefined)
  })
})

describe('the variable store', () => {
  let github: GitHubStandIn
  before(async () => {
    github = await startGitHubStandIn({
      environments: ['prod'],
      variables: Object.fromEntries(
        Array.from({ length: 65 }, (_, index) => [`acme/ops/V${String(index).padStart(2, '0')}`, `${index}`])
      )
    })
  })
  after(() => github.close())
  const options = () => ({ token: github.token, apiUrl: github.url, userAgent: 'test' })

  it('lists every variable, 30 a page, following the Link header', async () => {
    const store = variableStore({ kind: 'repository', repository: { owner: 'acme', repo: 'ops' } }, options())
    const listed = await store.list()
    assert.equal(listed.length, 65)
    assert.deepEqual(listed[64], { name: 'V64', value: '64' })
    assert.deepEqual(
      github.requests.map(({ query }) => query),
      ['per_page=30&page=1', 'per_page=30&page=2', 'per_page=30&page=3']
    )
    assert.deepEqual(github.violations, [])
  })

  it("creates, updates and deletes an environment's variables, and says when there was none to delete", async () => {
    github.requests.length = 0
    const store = variableStore(
      { kind: 'environment', repository: { owner: 'acme', repo: 'ops' }, environment: 'prod' },
      options()
    )
    await store.create('TALOSCONFIG_ALICE', 'a')
    await store.update('TALOSCONFIG_ALICE', 'b')
    assert.deepEqual(await store.list(), [{ name: 'TALOSCONFIG_ALICE', value: 'b' }])
    assert.equal(await store.remove('TALOSCONFIG_ALICE'), 'deleted')
    assert.equal(await store.remove('TALOSCONFIG_ALICE'), 'absent')
    assert.equal(github.variables.has('acme/ops/environments/prod/TALOSCONFIG_ALICE'), false)
    assert.equal(github.variables.size, 65, "the repository's own are untouched")
    assert.deepEqual(github.violations, [])
    const missing = variableStore(
      { kind: 'environment', repository: { owner: 'acme', repo: 'ops' }, environment: 'nope' },
      options()
    )
    await assert.rejects(
      missing.list(),
      /Could not list the variables of the environment 'nope' .+ GitHub answered 404/
    )
  })
})

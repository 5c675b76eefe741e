// The secret stores against the loopback GitHub stand-in, for every scope and fault.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { secretStore } from '../../src/github/secrets.js'
import type { SecretTarget } from '../../src/github/target.js'
import { startGitHubStandIn, type GitHubStandIn, type StandInOptions } from '../support/github-standin.js'

let github: GitHubStandIn | undefined
afterEach(() => github?.close())
const noWait = { now: () => 0, sleep: async () => undefined, random: () => 0 }
const repo = { owner: 'acme', repo: 'ops' }
async function storeFor(target: SecretTarget, options: StandInOptions = {}) {
  github = await startGitHubStandIn(options)
  return secretStore(target, { token: github.token, apiUrl: github.url, userAgent: 'talos-client-cert-renewal/0.1.0', clock: noWait })
}
const routes = () => (github?.requests ?? []).map((r) => `${r.method} ${r.path}`)

describe('secret stores', () => {
  it('seal to the repository key and store, with the API version and User-Agent', async () => {
    const store = await storeFor({ kind: 'repository', repository: repo })
    assert.equal(await store.put('TALOSCONFIG', 'context: prod\n', { dryRun: false }), true)
    assert.equal(github?.secrets.get('acme/ops/TALOSCONFIG')?.value, 'context: prod\n')
    assert.deepEqual(github?.violations, [])
    const put = github?.requests.at(-1)
    assert.equal(put?.headers['x-github-api-version'], '2022-11-28')
    assert.equal(put?.headers['user-agent']?.startsWith('talos-client-cert-renewal/0.1.0'), true)
    assert.equal(store.scope, 'repository acme/ops')
  })

  it('write an environment secret with the environment key, and name a missing environment', async () => {
    const store = await storeFor({ kind: 'environment', repository: repo, environment: 'production' }, { environments: ['production'] })
    await store.put('TALOSCONFIG', 'x', { dryRun: false })
    assert.equal(github?.secrets.get('acme/ops/environments/production/TALOSCONFIG')?.value, 'x')
    assert.deepEqual(github?.violations, [])
    await github?.close()
    const missing = await storeFor({ kind: 'environment', repository: repo, environment: 'staging' }, { environments: ['production'] })
    await assert.rejects(
      missing.put('TALOSCONFIG', 'x', { dryRun: false }),
      (error: Error) => error.message === "Could not read the Actions public key of the environment 'staging' of repository acme/ops: GitHub answered 404, the environment 'staging' of repository acme/ops was not found, or the token in 'github-token' cannot see it. Check 'environment' and 'repository' and the token's access."
    )
  })

  it('keep an existing organization secret visibility and repositories', async () => {
    const store = await storeFor({ kind: 'organization', organization: 'acme', visibility: undefined, selectedRepositories: [] }, { orgSecrets: { 'acme/TALOSCONFIG': { visibility: 'selected', selectedRepositoryIds: [11, 12] } } })
    await store.put('TALOSCONFIG', 'x', { dryRun: false })
    assert.deepEqual(github?.secrets.get('orgs/acme/TALOSCONFIG'), { value: 'x', keyId: github?.secrets.get('orgs/acme/TALOSCONFIG')?.keyId, visibility: 'selected', selectedRepositoryIds: [11, 12] })
    assert.equal(store.scope, 'organization acme (visibility selected, 2 repositories)')
    assert.deepEqual(routes(), [
      'GET /orgs/acme/actions/secrets/TALOSCONFIG',
      'GET /orgs/acme/actions/secrets/TALOSCONFIG/repositories',
      'GET /orgs/acme/actions/secrets/public-key',
      'PUT /orgs/acme/actions/secrets/TALOSCONFIG'
    ])
    assert.deepEqual(github?.violations, [])
  })

  it('make a new organization secret private, or selected by repository names', async () => {
    const store = await storeFor({ kind: 'organization', organization: 'acme', visibility: undefined, selectedRepositories: [] })
    await store.put('TALOSCONFIG', 'x', { dryRun: false })
    assert.equal(github?.secrets.get('orgs/acme/TALOSCONFIG')?.visibility, 'private')
    await github?.close()
    const selected = await storeFor({ kind: 'organization', organization: 'acme', visibility: undefined, selectedRepositories: ['ops', 'infra'] }, { repositories: { ops: 21, infra: 22 } })
    await selected.put('TALOSCONFIG', 'x', { dryRun: false })
    assert.deepEqual(github?.secrets.get('orgs/acme/TALOSCONFIG')?.selectedRepositoryIds, [21, 22])
    assert.deepEqual(github?.violations, [])
  })

  it('seal again once when the key was rotated (422)', async () => {
    const store = await storeFor({ kind: 'repository', repository: repo }, { faults: [{ kind: 'rotate-key', method: 'PUT', times: 1 }] })
    await store.put('TALOSCONFIG', 'x', { dryRun: false })
    assert.deepEqual(routes(), ['GET /repos/acme/ops/actions/secrets/public-key', 'PUT /repos/acme/ops/actions/secrets/TALOSCONFIG', 'GET /repos/acme/ops/actions/secrets/public-key', 'PUT /repos/acme/ops/actions/secrets/TALOSCONFIG'])
    assert.equal(github?.secrets.get('acme/ops/TALOSCONFIG')?.value, 'x')
  })

  it('refuse a value over 48 KB before any request', async () => {
    const store = await storeFor({ kind: 'repository', repository: repo })
    await assert.rejects(store.put('TALOSCONFIG', 'x'.repeat(48 * 1024 + 1), { dryRun: false }), /^UserError: The new value of secret TALOSCONFIG is 49153 bytes; GitHub secrets hold at most 49152\.$/)
    assert.deepEqual(routes(), [])
  })
})

describe('a request that never answers', () => {
  it('is abandoned after the attempt timeout and tried again', async () => {
    github = await startGitHubStandIn({ faults: [{ kind: 'stall', method: 'GET', times: 1 }] })
    const store = secretStore({ kind: 'repository', repository: repo }, { token: github.token, apiUrl: github.url, userAgent: 'test', clock: noWait, attemptTimeoutMs: 300 })
    const started = Date.now()
    await store.put('TALOSCONFIG', 'x', { dryRun: false })
    assert.ok(Date.now() - started >= 300)
    assert.deepEqual(routes(), ['GET /repos/acme/ops/actions/secrets/public-key', 'GET /repos/acme/ops/actions/secrets/public-key', 'PUT /repos/acme/ops/actions/secrets/TALOSCONFIG'])
    assert.equal(github.secrets.get('acme/ops/TALOSCONFIG')?.value, 'x')
  })
})

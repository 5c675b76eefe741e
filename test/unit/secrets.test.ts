// The secret stores against the loopback GitHub stand-in, for every scope and fault.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { secretStore, type SecretStore } from '../../src/github/secrets.js'
import type { SecretTarget } from '../../src/github/target.js'
import { startGitHubStandIn, type GitHubStandIn, type StandInOptions } from '../support/github-standin.js'

let github: GitHubStandIn | undefined
afterEach(() => github?.close())
const noWait = { now: () => 0, sleep: async () => undefined, random: () => 0 }
const repo = { owner: 'acme', repo: 'ops' }
async function storeFor(target: SecretTarget, options: StandInOptions = {}) {
  github = await startGitHubStandIn(options)
  return secretStore(target, {
    token: github.token,
    apiUrl: github.url,
    userAgent: 'talos-client-cert-renewal/0.1.0',
    clock: noWait
  })
}
const routes = () => (github?.requests ?? []).map((r) => `${r.method} ${r.path}`)
/** Seal, then write: what a run does for one secret. */
const put = async (store: SecretStore, name: string, value: string) => store.write(await store.seal(name, value))

describe('secret stores', () => {
  it('seal to the repository key and store, with the API version and User-Agent', async () => {
    const store = await storeFor({ kind: 'repository', repository: repo })
    await put(store, 'TALOSCONFIG', 'context: prod\n')
    assert.equal(github?.secrets.get('acme/ops/TALOSCONFIG')?.value, 'context: prod\n')
    assert.deepEqual(github?.violations, [])
    const last = github?.requests.at(-1)
    assert.equal(last?.headers['x-github-api-version'], '2022-11-28')
    assert.equal(last?.headers['user-agent']?.startsWith('talos-client-cert-renewal/0.1.0'), true)
    assert.equal(store.scope, 'repository acme/ops')
  })

  it('write an environment secret with the environment key, and name a missing environment', async () => {
    const store = await storeFor(
      { kind: 'environment', repository: repo, environment: 'production' },
      { environments: ['production'] }
    )
    await put(store, 'TALOSCONFIG', 'x')
    assert.equal(github?.secrets.get('acme/ops/environments/production/TALOSCONFIG')?.value, 'x')
    assert.deepEqual(github?.violations, [])
    await github?.close()
    const missing = await storeFor(
      { kind: 'environment', repository: repo, environment: 'staging' },
      { environments: ['production'] }
    )
    await assert.rejects(
      put(missing, 'TALOSCONFIG', 'x'),
      (error: Error) =>
        error.message ===
        "Could not read the Actions public key of the environment 'staging' of repository acme/ops: GitHub answered 404, the environment 'staging' of repository acme/ops was not found, or the token in 'github-token' cannot see it. Check 'environment' and 'repository' and the token's access."
    )
  })

  it('keep an existing organization secret visibility and repositories', async () => {
    const store = await storeFor(
      { kind: 'organization', organization: 'acme', visibility: undefined, selectedRepositories: [] },
      { orgSecrets: { 'acme/TALOSCONFIG': { visibility: 'selected', selectedRepositoryIds: [11, 12] } } }
    )
    await put(store, 'TALOSCONFIG', 'x')
    assert.deepEqual(github?.secrets.get('orgs/acme/TALOSCONFIG'), {
      value: 'x',
      keyId: github?.secrets.get('orgs/acme/TALOSCONFIG')?.keyId,
      visibility: 'selected',
      selectedRepositoryIds: [11, 12]
    })
    assert.equal(
      (await store.seal('TALOSCONFIG', 'y')).scope,
      'organization acme (visibility selected, 2 repositories)'
    )
    assert.deepEqual(routes().slice(0, 4), [
      'GET /orgs/acme/actions/secrets/TALOSCONFIG',
      'GET /orgs/acme/actions/secrets/TALOSCONFIG/repositories',
      'GET /orgs/acme/actions/secrets/public-key',
      'PUT /orgs/acme/actions/secrets/TALOSCONFIG'
    ])
    assert.deepEqual(github?.violations, [])
  })

  it('make a new organization secret private, or selected by repository names', async () => {
    const store = await storeFor({
      kind: 'organization',
      organization: 'acme',
      visibility: undefined,
      selectedRepositories: []
    })
    await put(store, 'TALOSCONFIG', 'x')
    assert.equal(github?.secrets.get('orgs/acme/TALOSCONFIG')?.visibility, 'private')
    await github?.close()
    const selected = await storeFor(
      { kind: 'organization', organization: 'acme', visibility: undefined, selectedRepositories: ['ops', 'infra'] },
      { repositories: { ops: 21, infra: 22 } }
    )
    await put(selected, 'TALOSCONFIG', 'x')
    assert.deepEqual(github?.secrets.get('orgs/acme/TALOSCONFIG')?.selectedRepositoryIds, [21, 22])
    assert.deepEqual(github?.violations, [])
  })

  it('seal again once when the key was rotated (422)', async () => {
    const store = await storeFor(
      { kind: 'repository', repository: repo },
      { faults: [{ kind: 'rotate-key', method: 'PUT', times: 1 }] }
    )
    await put(store, 'TALOSCONFIG', 'x')
    assert.deepEqual(routes(), [
      'GET /repos/acme/ops/actions/secrets/public-key',
      'PUT /repos/acme/ops/actions/secrets/TALOSCONFIG',
      'GET /repos/acme/ops/actions/secrets/public-key',
      'PUT /repos/acme/ops/actions/secrets/TALOSCONFIG'
    ])
    assert.equal(github?.secrets.get('acme/ops/TALOSCONFIG')?.value, 'x')
  })

  it('seal two organization secrets with their own visibility before writing either', async () => {
    const store = await storeFor(
      { kind: 'organization', organization: 'acme', visibility: undefined, selectedRepositories: [] },
      { orgSecrets: { 'acme/TALOSCONFIG': { visibility: 'all' } } }
    )
    const talos = await store.seal('TALOSCONFIG', 't')
    const kube = await store.seal('KUBECONFIG', 'k')
    assert.ok(!routes().some((route) => route.startsWith('PUT')), 'sealing writes nothing')
    await store.write(talos)
    await store.write(kube)
    assert.deepEqual(
      [
        github?.secrets.get('orgs/acme/TALOSCONFIG')?.visibility,
        github?.secrets.get('orgs/acme/KUBECONFIG')?.visibility
      ],
      ['all', 'private']
    )
    assert.deepEqual(github?.violations, [])
  })

  it('refuse a value over 48 KB before any request', async () => {
    const store = await storeFor({ kind: 'repository', repository: repo })
    await assert.rejects(
      store.seal('TALOSCONFIG', 'x'.repeat(48 * 1024 + 1)),
      /^UserError: The new value of secret TALOSCONFIG is 49153 bytes; GitHub secrets hold at most 49152\.$/
    )
    assert.deepEqual(routes(), [])
  })
})

describe('a request that never answers', () => {
  it('is abandoned after the attempt timeout and tried again', async () => {
    github = await startGitHubStandIn({ faults: [{ kind: 'stall', method: 'GET', times: 1 }] })
    const store = secretStore(
      { kind: 'repository', repository: repo },
      { token: github.token, apiUrl: github.url, userAgent: 'test', clock: noWait, attemptTimeoutMs: 300 }
    )
    const started = Date.now()
    await put(store, 'TALOSCONFIG', 'x')
    assert.ok(Date.now() - started >= 300)
    assert.deepEqual(routes(), [
      'GET /repos/acme/ops/actions/secrets/public-key',
      'GET /repos/acme/ops/actions/secrets/public-key',
      'PUT /repos/acme/ops/actions/secrets/TALOSCONFIG'
    ])
    assert.equal(github.secrets.get('acme/ops/TALOSCONFIG')?.value, 'x')
  })
})

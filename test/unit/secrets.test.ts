// The repository secret store against the loopback GitHub stand-in.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { repositorySecretStore } from '../../src/github/secrets.js'
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.js'

describe('repositorySecretStore', () => {
  let github: GitHubStandIn
  before(async () => (github = await startGitHubStandIn()))
  after(() => github.close())
  const store = () =>
    repositorySecretStore({ token: github.token, apiUrl: github.url, repository: { owner: 'acme', repo: 'ops' }, userAgent: 'talos-client-cert-renewal/0.1.0' })

  it('seals the value to the repository key and stores it', async () => {
    assert.equal(await store().put('TALOSCONFIG', 'context: prod\n', { dryRun: false }), true)
    assert.deepEqual(github.secrets.get('acme/ops/TALOSCONFIG'), { value: 'context: prod\n', keyId: '568250167242549743' })
    assert.deepEqual(github.violations, [])
    const put = github.requests.at(-1)
    assert.equal(put?.headers['content-type'], 'application/json; charset=utf-8')
    assert.equal(put?.headers['user-agent']?.startsWith('talos-client-cert-renewal/0.1.0'), true)
    assert.notEqual((put?.body as { encrypted_value: string }).encrypted_value, Buffer.from('context: prod\n').toString('base64'))
  })

  it('refuses a value over 48 KB before any request', async () => {
    const count = github.requests.length
    await assert.rejects(store().put('TALOSCONFIG', 'x'.repeat(48 * 1024 + 1), { dryRun: false }), /^UserError: The new value of secret TALOSCONFIG is 49153 bytes; GitHub secrets hold at most 49152\.$/)
    assert.equal(github.requests.length, count)
  })
})

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { parse } from 'yaml'
import { readConfig, list } from '../../src/inputs.js'
import { configReader } from '../support/refusals.js'

const base: Record<string, string> = {
  'secrets-bundle': 'certs: {}',
  talosconfig: 'contexts: {}',
  'github-token': 'ghs_x',
  repository: 'acme/cluster-ops'
}
// A scheduled run unless a test says otherwise: mode auto then renews.
const { read, failure } = configReader(base)

describe('readConfig', () => {
  it('applies the defaults action.yml declares', () => {
    const config = read({})
    assert.equal(config.credentials.talos.roles, undefined, "the current certificate's roles are kept")
    assert.equal(config.credentials.talos.ttlMs, 8760 * 3_600_000)
    assert.deepEqual(config.renewBefore, { kind: 'duration', ms: 30 * 86_400_000 })
    assert.equal(config.force, false)
    assert.equal(config.dryRun, false)
    assert.equal(config.credentials.talos.secretName, 'TALOSCONFIG')
    assert.equal(config.githubApiUrl, 'https://api.github.com')
    assert.deepEqual(config.secretTarget, { kind: 'repository', repository: { owner: 'acme', repo: 'cluster-ops' } })
  })

  it('falls back to the runner environment for repository, API URL and temp folder', () => {
    const env = {
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_API_URL: 'https://ghe.example/api/v3/',
      RUNNER_TEMP: '/runner/tmp'
    }
    const config = read({ repository: '' }, env)
    assert.deepEqual(config.secretTarget, { kind: 'repository', repository: { owner: 'o', repo: 'r' } })
    assert.equal(config.githubApiUrl, 'https://ghe.example/api/v3')
    assert.equal(config.runnerTemp, '/runner/tmp')
  })

  it('reads lists, roles and booleans', () => {
    const config = read({
      endpoints: '10.0.0.1, 10.0.0.2\n10.0.0.3,',
      roles: 'os:reader\nos:etcd:backup,os:reader',
      force: 'True',
      'dry-run': 'FALSE'
    })
    assert.deepEqual(config.credentials.talos.endpoints, ['10.0.0.1', '10.0.0.2', '10.0.0.3'])
    assert.deepEqual(config.credentials.talos.roles, ['os:reader', 'os:etcd:backup'])
    assert.equal(config.force, true)
    assert.equal(config.dryRun, false)
  })

  it('names each bad input', () => {
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [
        { 'secrets-bundle': '', talosconfig: '', context: 'x', endpoints: '10.0.0.1' },
        'secrets-bundle',
        /^Input 'secrets-bundle' is required/
      ],
      [
        { 'github-token': '' },
        'github-token',
        /^Input 'github-token' is required, and no value was given \(it is empty\)/
      ],
      [
        { roles: 'os:admin,admin' },
        'roles',
        /^Input 'roles' has unknown roles: admin\. Talos knows os:admin, os:operator/
      ],
      [{ roles: ' , ' }, 'roles', /^Input 'roles' is empty/],
      [{ ttl: '1y' }, 'ttl', /^Input 'ttl' is not a duration/],
      [{ 'renew-before': '120%' }, 'renew-before', /^Input 'renew-before'/],
      [{ force: 'yes' }, 'force', /^Input 'force' must be true or false; got 'yes'\.$/],
      [{ 'dry-run': '1' }, 'dry-run', /^Input 'dry-run' must be true or false/],
      [{ 'secret-name': 'GITHUB_TALOS' }, 'secret-name', /may not start with 'GITHUB_'/],
      [{ 'secret-name': '1TALOS' }, 'secret-name', /may not start with a digit/],
      [{ 'secret-name': 'TALOS-CONFIG' }, 'secret-name', /may contain only letters, digits and underscores/],
      [{ repository: 'cluster-ops' }, 'repository', /^Input 'repository' must be 'owner\/name'; got 'cluster-ops'\.$/],
      [{ talosconfig: '', context: 'x' }, 'endpoints', /set 'context' \(its name\) and 'endpoints'/],
      [{ talosconfig: '', endpoints: '10.0.0.1' }, 'context', /set 'context' \(its name\) and 'endpoints'/]
    ]
    for (const [inputs, input, message] of cases) {
      const error = failure(inputs)
      assert.equal(error.input, input, JSON.stringify(inputs))
      assert.match(error.message, message)
    }
  })

  it('resolves mode auto from the event', () => {
    for (const event of [
      'pull_request',
      'pull_request_target',
      'merge_group',
      'workflow_run',
      'issue_comment',
      'pull_request_review',
      ''
    ]) {
      assert.deepEqual(
        [read({}, { GITHUB_EVENT_NAME: event }).mode, read({}, { GITHUB_EVENT_NAME: event }).modeReason],
        ['check', `mode auto on ${event || 'an unknown event'}`]
      )
    }
    for (const event of ['schedule', 'workflow_dispatch', 'repository_dispatch', 'workflow_call', 'push'])
      assert.equal(read({}, { GITHUB_EVENT_NAME: event }).mode, 'renew')
    assert.deepEqual(
      [read({ mode: 'check' }, { GITHUB_EVENT_NAME: 'schedule' }).mode, read({ mode: 'check' }).modeReason],
      ['check', 'mode check']
    )
    assert.equal(read({ mode: 'renew' }, { GITHUB_EVENT_NAME: 'pull_request' }).mode, 'renew')
  })

  it('needs neither bundle nor token to check, and both to renew', () => {
    const check = read({ mode: 'check', 'secrets-bundle': '', 'github-token': '' })
    assert.equal(check.caSource, undefined)
    assert.equal(check.failOn, 'expiring')
    assert.match(
      failure({ mode: 'renew', 'secrets-bundle': '', talosconfig: '', context: 'x', endpoints: '10.0.0.1' }).message,
      /^Input 'secrets-bundle' is required/
    )
    assert.match(
      failure({ mode: 'renew', 'github-token': '' }).message,
      /^Input 'github-token' is required, and no value was given \(it is empty\)/
    )
    assert.match(
      failure({ mode: 'check', talosconfig: '' }).message,
      /^Input 'talosconfig' is empty, and a check reads nothing else\..*forks get no secrets\.$/
    )
    assert.equal(
      failure({ 'fail-on': 'soon' }).message,
      "Input 'fail-on' must be one of expiring, expired, never; got 'soon'."
    )
  })

  it('takes the CA from secrets-bundle or machine-config, never both', () => {
    assert.deepEqual(read({}).caSource, { input: 'secrets-bundle', value: 'certs: {}' })
    assert.deepEqual(read({ 'secrets-bundle': '', 'machine-config': 'machine: {}' }).caSource, {
      input: 'machine-config',
      value: 'machine: {}'
    })
    assert.equal(failure({ 'machine-config': 'machine: {}' }).input, 'machine-config')
    assert.match(
      failure({ 'secrets-bundle': '', talosconfig: '', context: 'x', endpoints: '10.0.0.1' }).message,
      /^Input 'secrets-bundle' is required to make a first talosconfig: .+; or give 'machine-config', a controlplane configuration\. Without a talosconfig there is no certificate to call the Talos API with\.$/
    )
  })

  it('renews through the API first by default, and refuses renew-through combinations that can never work', () => {
    assert.equal(read({}).renewThrough, 'auto')
    // A talosconfig alone renews through the API, the kubeconfig too.
    const apiOnly = read({ 'secrets-bundle': '', 'kubeconfig-secret-name': 'KUBECONFIG' })
    assert.deepEqual(
      [apiOnly.renewThrough, apiOnly.caSource, apiOnly.credentials.kube.secretName],
      ['auto', undefined, 'KUBECONFIG']
    )
    assert.equal(read({ 'secrets-bundle': '', 'renew-through': 'talos-api' }).renewThrough, 'talos-api')
    assert.equal(read({ 'renew-through': 'ca-key' }).renewThrough, 'ca-key')
    const withKey = failure({ 'renew-through': 'talos-api' })
    assert.equal(withKey.input, 'secrets-bundle')
    assert.equal(
      withKey.message,
      "Input 'secrets-bundle' is set, but 'renew-through' is talos-api, which never uses a CA key: leave 'secrets-bundle' empty, or set 'renew-through' to auto to keep it for when the API cannot be used."
    )
    assert.equal(
      failure({ 'renew-through': 'talos-api', 'secrets-bundle': '', 'machine-config': 'machine: {}' }).input,
      'machine-config'
    )
    const noKey = failure({ 'renew-through': 'ca-key', 'secrets-bundle': '' })
    assert.equal(noKey.input, 'secrets-bundle')
    assert.match(noKey.message, /^Input 'renew-through' is ca-key, which signs with the CA key: give 'secrets-bundle'/)
    // A check never renews, so it asks for neither.
    assert.equal(read({ mode: 'check', 'renew-through': 'ca-key', 'secrets-bundle': '' }).caSource, undefined)
    assert.equal(
      failure({ 'renew-through': 'api' }).message,
      "Input 'renew-through' must be one of auto, talos-api, ca-key; got 'api'."
    )
  })

  it('reads age identities from age-key, else from SOPS_AGE_KEY, and refuses anything else in them', () => {
    // A key made for this test by age-keygen; it opens nothing.
    const key = 'AGE-SECRET-KEY-1WY7PFCJFJYZ0JU4CPS0TUVYG8948U3AUUVQKXMWY397UPSE7N2LSCRLYR4'
    assert.deepEqual(
      read({
        'age-key': `# created: today

${key}
`
      }).ageKeys,
      { identities: [key], passphrase: undefined, identitiesFrom: "input 'age-key'" }
    )
    assert.deepEqual(read({ 'age-passphrase': 'pw' }, { SOPS_AGE_KEY: key }).ageKeys, {
      identities: [key],
      passphrase: 'pw',
      identitiesFrom: 'SOPS_AGE_KEY'
    })
    const bad = failure({ 'age-key': 'ssh-ed25519 AAAAC3Nza' })
    assert.equal(bad.input, 'age-key')
    assert.equal(
      bad.message,
      "Input 'age-key': identity 1 (line 1) is not a valid age identity: it is not an age identity (those start AGE-SECRET-KEY-1 and are upper case). It may hold identities (AGE-SECRET-KEY-1...), comment lines and blank lines only; copy the key again from its file."
    )
    assert.ok(!bad.message.includes('AAAAC3Nza'))
  })

  it('refuses a mistyped age identity by its checksum, naming where it came from and its place, never its text', () => {
    const key = 'AGE-SECRET-KEY-1WY7PFCJFJYZ0JU4CPS0TUVYG8948U3AUUVQKXMWY397UPSE7N2LSCRLYR4'
    // One character changed: bech32's checksum says so, and would say which to a reader of the key.
    const typo = key.replace('CJFJ', 'CJFK')
    const other = 'AGE-SECRET-KEY-1UGEU7SWAQAKMV4RYUAKLZ2VC2NT4N5YG06LHEL4Z8KUEZL5G8W8Q7MHWGL'
    const pieces = (text: string) => Array.from({ length: text.length - 19 }, (_, i) => text.slice(i, i + 20))
    for (const [inputs, env, where] of [
      [{ 'age-key': `${other}\n# old one\n${typo}\n` }, {}, "Input 'age-key': identity 2 (line 3)"],
      [{}, { SOPS_AGE_KEY: typo }, 'The environment variable SOPS_AGE_KEY: identity 1 (line 1)']
    ] as const) {
      const error = failure(inputs, env)
      assert.equal(error.input, 'age-key')
      assert.ok(
        error.message.startsWith(`${where} is not a valid age identity: its checksum does not match`),
        error.message
      )
      for (const piece of [...pieces(typo.slice(15)), ...pieces(other.slice(15))])
        assert.ok(!error.message.includes(piece), 'no 20 characters of any key')
    }
  })

  it('reads exactly the inputs action.yml declares', () => {
    const declared = Object.keys(parse(readFileSync('action.yml', 'utf8')).inputs).sort()
    const asked = new Set<string>()
    readConfig((name) => (asked.add(name), { ...base }[name] ?? ''), {})
    assert.deepEqual([...asked].sort(), declared)
  })
})

describe('list', () => {
  it('splits on commas and newlines and drops empties', () => {
    assert.deepEqual(list(' a ,b\n\n c,'), ['a', 'b', 'c'])
    assert.deepEqual(list(''), [])
  })

  it('takes plain http only for a loopback address itself', () => {
    for (const url of ['http://127.0.0.1:9', 'http://127.8.9.10/api/v3', 'http://[::1]:9', 'http://localhost:9'])
      assert.equal(read({ 'github-api-url': url }).githubApiUrl, url)
    for (const url of ['http://127.0.0.1.nip.io/api/v3', 'http://127.example/', 'http://[::2]:9', 'http://10.0.0.1/'])
      assert.throws(
        () => read({ 'github-api-url': url }),
        /^UserError: Input 'github-api-url' must be an https URL/,
        url
      )
  })

  it('drills the break-glass CA on the runs meant to act, and says why not on the others', () => {
    const on = (event: string, inputs: Record<string, string> = {}) =>
      read(inputs, { GITHUB_EVENT_NAME: event }).drillSkipped?.raw
    assert.equal(on('schedule'), undefined)
    assert.equal(on('workflow_dispatch'), undefined)
    assert.equal(on('push'), "'break-glass-drill: auto' drills scheduled and workflow_dispatch runs, not push")
    assert.equal(on('push', { 'break-glass-drill': 'always' }), undefined)
    assert.equal(on('schedule', { 'break-glass-drill': 'never' }), "turned off ('break-glass-drill: never')")
    assert.equal(on('schedule', { mode: 'check' }), 'this run only checks')
    assert.equal(on('pull_request', { 'break-glass-drill': 'always', mode: 'renew' }), 'pull requests never drill')
    assert.equal(
      on('schedule', { 'secrets-bundle': '', 'renew-through': 'talos-api' }),
      "no CA source to drill ('secrets-bundle' or 'machine-config')"
    )
    assert.throws(
      () => read({ 'break-glass-drill': 'sometimes' }),
      /^UserError: Input 'break-glass-drill' must be one of auto, always, never/
    )
  })
})

// Scenario: GitHub fails while the secret is written. Each fault, once and repeatedly: the
// secret is written exactly once, or the step fails plainly within the bound. Faults run
// under Node 24 only (the runtime action.yml declares): the waits are real.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Fault } from '../support/github-standin.js'
import { scenario } from '../support/scenario.js'
import { errorLines, RUNTIMES, runAction, visibleLog } from '../support/run-action.js'

const node24 = RUNTIMES[0] as { node: string }
const KEY = /\/public-key$/
const PUT = /\/actions\/secrets\/TALOSCONFIG$/

async function withFaults(faults: Fault[]) {
  const s = await scenario({ daysLeft: 5, standIn: { faults } })
  const started = Date.now()
  const run = await runAction(s.inputs(), { node: node24.node, timeoutMs: 90_000 })
  await s.close()
  const puts = s.github.requests.filter((r) => r.method === 'PUT')
  return { run, s, puts, seconds: (Date.now() - started) / 1000 }
}

const survived: Array<[string, Fault[]]> = [
  ['a 502 once', [{ method: 'GET', path: KEY, status: 502, message: 'Bad Gateway', times: 1 }]],
  ['a 503 twice on the write', [{ method: 'PUT', path: PUT, status: 503, message: 'Service Unavailable', times: 2 }]],
  ['a connection reset once', [{ kind: 'reset', method: 'PUT', path: PUT, times: 1 }]],
  [
    'a 429 with retry-after once',
    [{ method: 'GET', path: KEY, status: 429, message: 'Too Many Requests', headers: { 'retry-after': '1' }, times: 1 }]
  ],
  [
    'a secondary rate limit (403 with retry-after) once',
    [
      {
        method: 'PUT',
        path: PUT,
        status: 403,
        message: 'You have exceeded a secondary rate limit',
        headers: { 'retry-after': '1' },
        times: 1
      }
    ]
  ],
  [
    'a rate limit (x-ratelimit-remaining 0) once',
    [
      {
        method: 'GET',
        path: KEY,
        status: 403,
        message: 'API rate limit exceeded',
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1) },
        times: 1
      }
    ]
  ],
  ['a rotated public key (422) once', [{ kind: 'rotate-key', method: 'PUT', path: PUT, times: 1 }]],
  // The attempt timeout is 15 s: this case waits it out once.
  ['a request that never answers, once', [{ kind: 'stall', method: 'GET', path: KEY, times: 1 }]]
]

describe('GitHub faults, survived', () => {
  for (const [name, faults] of survived) {
    it(`${name}: the secret is written once`, async () => {
      const { run, s, seconds } = await withFaults(faults)
      assert.equal(run.code, 0, visibleLog(run))
      assert.equal(s.github.secrets.size, 1)
      assert.ok(s.github.secrets.get('acme/cluster-ops/TALOSCONFIG')?.value.startsWith('context: prod'))
      assert.deepEqual(s.github.violations, [])
      assert.ok(seconds < 30, `${seconds} s`)
    })
  }
})

describe('GitHub faults, repeated: one plain error within the bound', () => {
  it('5xx every time', async () => {
    const { run, s, seconds } = await withFaults([
      { method: 'GET', path: KEY, status: 503, message: 'Service Unavailable' }
    ])
    assert.equal(run.code, 1)
    assert.match(
      errorLines(run)[0] ?? '',
      /^::error::Could not read the Actions public key of the repository acme\/cluster-ops: 5 attempts over \d+ s got status 503\. GitHub or the network is failing; run it again later, and check 'github-api-url'\.$/
    )
    assert.equal(errorLines(run).length, 1)
    assert.equal(s.github.requests.length, 5)
    assert.equal(s.github.secrets.size, 0)
    assert.ok(seconds < 65, `${seconds} s`)
  })

  it('connection resets every time', async () => {
    const { run, s } = await withFaults([{ kind: 'reset', method: 'PUT', path: PUT }])
    assert.equal(run.code, 1)
    assert.match(
      errorLines(run)[0] ?? '',
      /^::error::Could not write secret TALOSCONFIG to the repository acme\/cluster-ops: 5 attempts over \d+ s got no answer \(.+\)\. GitHub or the network is failing/
    )
    assert.equal(s.github.secrets.size, 0)
  })

  it('a rate limit that asks for longer than the bound', async () => {
    const { run, s } = await withFaults([
      {
        method: 'GET',
        path: KEY,
        status: 403,
        message: 'You have exceeded a secondary rate limit',
        headers: { 'retry-after': '3600' }
      }
    ])
    assert.equal(run.code, 1)
    assert.deepEqual(errorLines(run), [
      '::error::Could not read the Actions public key of the repository acme/cluster-ops: GitHub asked to wait 3600 s (rate limit), longer than this action waits. Run it again later.'
    ])
    assert.equal(s.github.requests.length, 1)
  })

  it('422 every time: sealed again once, then named', async () => {
    const { run, puts } = await withFaults([
      { method: 'PUT', path: PUT, status: 422, message: 'Bad request: key_id does not match' }
    ])
    assert.equal(run.code, 1)
    assert.deepEqual(errorLines(run), [
      '::error::Could not write secret TALOSCONFIG to the repository acme/cluster-ops: GitHub answered 422 (Bad request: key_id does not match).'
    ])
    assert.equal(puts.length, 2)
  })
})

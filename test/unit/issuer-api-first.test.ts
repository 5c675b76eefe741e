// ApiFirstIssuer (renew-through auto): the one place that decides between the cluster's API
// and the CA key. Recording fakes stand in for both, so only the decision is under test.
import { outside, said } from '../../src/text.js'
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { UserError } from '../../src/errors.js'
import { ApiFirstIssuer } from '../../src/issuers/index.js'
import type { Issued, IssueRequest } from '../../src/issuers/issuer.js'
import { talosClientProfile } from '../../src/pki/profile.js'
import { Unreachable } from '../../src/talos-api/errors.js'

const request: IssueRequest = {
  kind: 'talosconfig',
  profile: talosClientProfile(['os:admin']),
  ttlMs: 1,
  ttlInput: 'ttl',
  ttlGiven: false,
  now: new Date(),
  allowCaChange: false
}
const issued = (through: Issued['through']): Issued => ({
  credential: { caPem: '', crtPem: '', keyPem: '' },
  through,
  caNotAfter: new Date(),
  expectedNotAfter: undefined,
  clockToleranceMs: 0,
  notes: []
})

function fakes(api: { unusable?: string; fails?: Error }) {
  const calls: string[] = []
  return {
    calls,
    issuer: new ApiFirstIssuer(
      {
        unusable: api.unusable === undefined ? undefined : outside(api.unusable),
        issue: async () => (calls.push('api'), api.fails ? Promise.reject(api.fails) : issued('talos-api'))
      },
      { input: 'secrets-bundle', issue: async () => (calls.push('ca-key'), issued('secrets-bundle')) }
    )
  }
}

describe('ApiFirstIssuer', () => {
  it('uses the API when it can, and never opens the CA source then', async () => {
    const { issuer, calls } = fakes({})
    assert.equal((await issuer.issue(request)).through, 'talos-api')
    assert.deepEqual(calls, ['api'])
  })

  it('signs with the CA key when the talosconfig cannot call the API, saying why', async () => {
    const { issuer, calls } = fakes({
      unusable: "talosconfig context 'home' has a client certificate that expired on 2026-01-01"
    })
    const result = await issuer.issue(request)
    assert.deepEqual(calls, ['ca-key'])
    assert.deepEqual(
      result.notes.map(({ level, message }) => ({ level, message: message.raw })),
      [
        {
          level: 'notice',
          message:
            "Not through the Talos API for the talosconfig: talosconfig context 'home' has a client certificate that expired on 2026-01-01; signed with the CA of 'secrets-bundle' instead."
        }
      ]
    )
  })

  it('falls back when no endpoint answers, and does not ask the API again in the same run', async () => {
    const { issuer, calls } = fakes({
      fails: new Unreachable(said`none answered`, [outside('10.5.0.2:50000 (connection refused)')])
    })
    const first = await issuer.issue(request)
    await issuer.issue({ ...request, kind: 'kubeconfig' })
    assert.deepEqual(calls, ['api', 'ca-key', 'ca-key'])
    assert.match(
      first.notes[0]?.message.raw ?? '',
      /: no endpoint answered: 10\.5\.0\.2:50000 \(connection refused\); signed with the CA of 'secrets-bundle' instead\.$/
    )
  })

  it('never signs around a refusal: PermissionDenied and the like are final', async () => {
    const refusal = new UserError(said`10.5.0.2:50000 refused GenerateClientConfiguration: permission denied.`)
    const { issuer, calls } = fakes({ fails: refusal })
    await assert.rejects(issuer.issue(request), (error) => error === refusal)
    assert.deepEqual(calls, ['api'])
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { headline, outputsOf, summaryOf, type RunResult } from '../../src/report.js'

const renewed: RunResult = {
  context: 'prod',
  roles: ['os:admin'],
  decision: { status: 'expiring', renew: true, reason: '9 days left, inside renew-before', daysRemaining: 9 },
  expiresAt: new Date('2026-12-07T10:00:00Z'),
  newExpiresAt: new Date('2027-11-28T10:00:00Z'),
  talosconfigPath: '/runner/temp/talos-renew-x/talosconfig',
  secretName: 'TALOSCONFIG',
  scope: 'repository acme/cluster-ops',
  secretUpdated: true
}

describe('report', () => {
  it('gives the outputs action.yml declares', () => {
    assert.deepEqual(outputsOf(renewed), {
      status: 'expiring',
      'expires-at': '2026-12-07T10:00:00.000Z',
      'days-remaining': '9',
      renewed: 'true',
      'new-expires-at': '2027-11-28T10:00:00.000Z',
      'secret-updated': 'true',
      'talosconfig-path': '/runner/temp/talos-renew-x/talosconfig'
    })
  })

  it('leaves outputs empty for a missing certificate that was not renewed', () => {
    const missing: RunResult = { ...renewed, decision: { status: 'missing', renew: true, reason: 'x' }, expiresAt: undefined, newExpiresAt: undefined, talosconfigPath: undefined, secretUpdated: false }
    assert.deepEqual(outputsOf(missing), { status: 'missing', 'expires-at': '', 'days-remaining': '', renewed: 'false', 'new-expires-at': '', 'secret-updated': 'false', 'talosconfig-path': '' })
  })

  it('writes a summary with context, roles, both expiries and where it went', () => {
    assert.equal(
      summaryOf(renewed),
      [
        '## Talos client certificate',
        '',
        '| | |',
        '|---|---|',
        '| Context | `prod` |',
        '| Roles | `os:admin` |',
        '| Status | expiring: 9 days left, inside renew-before |',
        '| Expires | 2026-12-07T10:00:00Z |',
        '| New certificate expires | 2027-11-28T10:00:00Z |',
        '| Written | secret `TALOSCONFIG` in repository acme/cluster-ops |',
        ''
      ].join('\n')
    )
  })

  it('says what happened in one line', () => {
    assert.equal(headline(renewed), "Renewed talosconfig context 'prod': 9 days left, inside renew-before; secret TALOSCONFIG written to repository acme/cluster-ops.")
    assert.equal(headline({ ...renewed, secretUpdated: false }), "Dry run: renewed talosconfig context 'prod' (9 days left, inside renew-before) but wrote no secret.")
    assert.equal(headline({ ...renewed, newExpiresAt: undefined, secretUpdated: false }), "Nothing to do for talosconfig context 'prod': 9 days left, inside renew-before.")
  })
})

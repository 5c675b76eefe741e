import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { reportContexts } from '../../src/credentials/talosconfig/pass.js'
import { readTalosconfig } from '../../src/credentials/talosconfig/file.js'
import { daysFromNow, makeCluster, talosconfigYaml } from '../support/cluster.js'

const cluster = makeCluster()
const rule = { renewBefore: { kind: 'duration' as const, ms: 30 * 86_400_000 }, force: false, ttlMs: 365 * 86_400_000 }
const client = cluster.clientCertificate({ notBefore: daysFromNow(-10), notAfter: daysFromNow(100) })

describe('reportContexts', () => {
  it('reports every context, the selected one first, Omni contexts without a certificate', () => {
    const talosconfig = readTalosconfig(
      talosconfigYaml('a', {
        omni: { endpoints: [], caPem: cluster.caCrtPem, extra: { auth: { siderov1: { identity: 'x' } } } },
        a: { endpoints: [], caPem: cluster.caCrtPem, client },
        b: { endpoints: [], caPem: cluster.caCrtPem, client }
      })
    )
    const reports = reportContexts(talosconfig, 'b', rule, new Date())
    assert.deepEqual(
      reports.map((r) => [r.name, r.selected, r.decision.status, r.certificate?.organizations]),
      [
        ['b', true, 'valid', ['os:admin']],
        ['omni', false, 'missing', undefined],
        ['a', false, 'valid', ['os:admin']]
      ]
    )
    assert.deepEqual(
      reports.map((r) => r.problems),
      [[], [], []]
    )
  })

  it('refuses a context whose crt or ca is not a certificate, naming it', () => {
    const broken = talosconfigYaml('a', {
      a: { endpoints: [], caPem: cluster.caCrtPem, client },
      b: { endpoints: [], caPem: cluster.caCrtPem, client: { crtPem: client.keyPem, keyPem: client.keyPem } }
    })
    assert.throws(
      () => reportContexts(readTalosconfig(broken), 'a', rule, new Date()),
      /^UserError: contexts\.b\.crt in input 'talosconfig' is not a PEM certificate\.$/
    )
    const badCa = talosconfigYaml('a', { a: { endpoints: [], caPem: client.keyPem, client } })
    assert.throws(
      () => reportContexts(readTalosconfig(badCa), 'a', rule, new Date()),
      /^UserError: contexts\.a\.ca in input 'talosconfig' is not a PEM certificate\.$/
    )
  })
})

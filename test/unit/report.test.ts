import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CREDENTIAL_OUTPUTS } from '../../src/credentials/index.js'
import type { ContextReport } from '../../src/credentials/judge.js'
import { reachesFailOn } from '../../src/plan.js'
import type { CredentialResult, RunResult } from '../../src/result.js'
import { Gate } from '../../src/story/gate.js'
import { annotationsOf, headlines, outputsOf } from '../../src/story/report.js'
import { summaryOf as gatedSummary } from '../../src/story/summary.js'
import { said, type Text } from '../../src/text.js'
import { checked, prod, renewal, renewed, renewedWith, talosconfig } from '../support/results.js'

const gate = new Gate()
const summaryOf = (result: RunResult): string => gatedSummary(result, gate, { readmeUrl: undefined })
const raw = (annotations: Array<{ level: string; message: Text }>) =>
  annotations.map(({ level, message }) => ({ level, message: message.raw }))
const lines = (texts: Text[]) => texts.map((text) => text.raw).join()

describe('report', () => {
  it('orders fail-on levels', () => {
    assert.deepEqual(
      (['valid', 'expiring', 'expired', 'missing'] as const).map((status) => [
        reachesFailOn(status, 'expiring'),
        reachesFailOn(status, 'expired'),
        reachesFailOn(status, 'never')
      ]),
      [
        [false, false, false],
        [true, false, false],
        [true, true, false],
        [false, false, false]
      ]
    )
  })

  it('gives the outputs action.yml declares, about the selected context', () => {
    const outputs = outputsOf(renewed, CREDENTIAL_OUTPUTS, gate)
    assert.deepEqual(
      { ...outputs, report: undefined },
      {
        status: 'expiring',
        'expires-at': '2026-12-07T10:00:00.000Z',
        'days-remaining': '9',
        renewed: 'true',
        'renewed-through': 'secrets-bundle',
        'new-expires-at': '2027-11-28T10:00:00.000Z',
        'secret-updated': 'true',
        'talosconfig-path': '/runner/temp/talos-renew-x/talosconfig',
        'ca-expires-at': '2036-11-25T10:00:00.000Z',
        'connection-verified': '',
        'break-glass': 'skipped',
        report: undefined,
        'issue-number': '',
        'kubeconfig-status': '',
        'kubeconfig-expires-at': '',
        'kubeconfig-renewed': '',
        'kubeconfig-renewed-through': '',
        'kubeconfig-path': ''
      }
    )
    assert.deepEqual(JSON.parse(outputs.report as string), [
      {
        kind: 'talosconfig',
        context: 'prod',
        roles: ['os:admin'],
        'expires-at': '2026-12-07T10:00:00.000Z',
        'days-remaining': 9,
        status: 'expiring',
        'ca-expires-at': '2036-11-25T10:00:00.000Z',
        'renewed-through': 'secrets-bundle'
      },
      {
        kind: 'talosconfig',
        context: 'staging',
        roles: ['os:reader', 'os:etcd:backup'],
        'expires-at': '2026-11-25T10:00:00.000Z',
        'days-remaining': -3,
        status: 'expired',
        'ca-expires-at': '2036-11-25T10:00:00.000Z',
        'renewed-through': null
      },
      {
        kind: 'talosconfig',
        context: 'omni',
        roles: [],
        'expires-at': null,
        'days-remaining': null,
        status: 'missing',
        'ca-expires-at': null,
        'renewed-through': null
      }
    ])
  })

  it("takes each kind's outputs from its own entry: the kubeconfig's under its own names", () => {
    const admin: ContextReport = { ...prod, kind: 'kubeconfig', name: 'admin@prod' }
    const kubeconfig: CredentialResult = {
      kind: 'kubeconfig',
      context: 'admin@prod',
      contexts: [admin],
      decision: admin.decision,
      secretName: 'KUBECONFIG',
      renewal: { ...renewal, through: 'talos-api', path: '/runner/temp/talos-renew-y/kubeconfig' }
    }
    const outputs = outputsOf(
      { ...checked, mode: 'renew', credentials: [talosconfig, kubeconfig] },
      CREDENTIAL_OUTPUTS,
      gate
    )
    assert.deepEqual(
      [outputs.renewed, outputs['renewed-through'], outputs['talosconfig-path']],
      ['false', '', ''],
      'the talosconfig was not renewed'
    )
    assert.deepEqual(
      [
        outputs['kubeconfig-status'],
        outputs['kubeconfig-expires-at'],
        outputs['kubeconfig-renewed'],
        outputs['kubeconfig-renewed-through'],
        outputs['kubeconfig-path']
      ],
      ['expiring', '2026-12-07T10:00:00.000Z', 'true', 'talos-api', '/runner/temp/talos-renew-y/kubeconfig']
    )
    assert.deepEqual(
      JSON.parse(outputs.report as string).map((entry: { kind: string; context: string }) => [
        entry.kind,
        entry.context
      ]),
      [
        ['talosconfig', 'prod'],
        ['talosconfig', 'staging'],
        ['talosconfig', 'omni'],
        ['kubeconfig', 'admin@prod']
      ]
    )
  })

  it('gives a path as it is: a dotted folder is not an address, nor a long path an outside value', () => {
    const knowing = new Gate()
    knowing.know('10.5.0.2')
    const path = `/runner/temp/10.5.0.2/cluster.example.com/${'d'.repeat(400)}/talosconfig`
    const outputs = outputsOf(renewedWith({ ...renewal, path }), CREDENTIAL_OUTPUTS, knowing)
    assert.equal(outputs['talosconfig-path'], path)
  })

  it('keeps the report JSON whatever its size: whole people left out from the last, contexts and drill kept', () => {
    // Roles at the longest a value is shown, so each person takes some 3 KB: 600 of them pass 1 MB.
    const roles = Array.from({ length: 8 }, (_, index) => `os:${String(index).repeat(400)}`)
    const people = Array.from({ length: 600 }, (_, index) => ({
      login: `person-${index}`,
      variable: `TALOSCONFIG__PERSON_${index}`,
      roles,
      status: 'kept' as const,
      reason: said`valid`,
      written: false
    }))
    const breakGlass = { status: 'proven' as const, source: 'secrets-bundle', message: said`proven`, credentials: [] }
    const big: RunResult = {
      ...renewed,
      breakGlass,
      people: { people, dryRun: false, stateVariable: 'TALOSCONFIG__PEOPLE', failed: false }
    }
    const report = outputsOf(big, CREDENTIAL_OUTPUTS, gate).report ?? ''
    assert.ok(Buffer.byteLength(report) <= 1000 * 1024, `${Buffer.byteLength(report)} bytes`)
    const entries = JSON.parse(report) as Array<{ kind: string; login?: string }>
    const kinds = entries.map(({ kind }) => kind)
    assert.deepEqual(kinds.slice(0, 3), ['talosconfig', 'talosconfig', 'talosconfig'])
    assert.equal(kinds.at(-1), 'break-glass')
    const listed = entries.filter(({ kind }) => kind === 'person').map(({ login }) => login)
    assert.ok(listed.length > 100 && listed.length < 600, `${listed.length} people`)
    assert.deepEqual(
      listed,
      people.slice(0, listed.length).map(({ login }) => login)
    )
  })

  it('leaves the renewal outputs empty when nothing was renewed', () => {
    const outputs = outputsOf(checked, CREDENTIAL_OUTPUTS, gate)
    assert.deepEqual(
      [outputs.renewed, outputs['new-expires-at'], outputs['secret-updated'], outputs['talosconfig-path']],
      ['false', '', 'false', '']
    )
  })

  it('annotates expiring and expired certificates, as errors where the check fails', () => {
    assert.deepEqual(raw(annotationsOf(checked, 'expiring')), [
      {
        level: 'error',
        message: "The client certificate of talosconfig context 'prod' expires on 2026-12-07 (9 days left)."
      },
      { level: 'warning', message: 'prod certificate problem' },
      {
        level: 'error',
        message: "The client certificate of talosconfig context 'staging' expired on 2026-11-25 (2 days ago)."
      },
      { level: 'warning', message: 'staging CA problem' }
    ])
    assert.deepEqual(
      annotationsOf(checked, 'expired').map((a) => a.level),
      ['warning', 'warning', 'error', 'warning']
    )
    assert.deepEqual(
      annotationsOf(checked, 'never').map((a) => a.level),
      ['warning', 'warning', 'warning', 'warning']
    )
  })

  it('does not annotate what a renewal has just cured', () => {
    assert.deepEqual(raw(annotationsOf(renewed, 'expiring')), [
      {
        level: 'warning',
        message: "The client certificate of talosconfig context 'staging' expired on 2026-11-25 (2 days ago)."
      },
      { level: 'warning', message: 'staging CA problem' }
    ])
  })

  it('names where it wrote as written: a dotted repository or environment is a place, not an address', () => {
    for (const scope of ['repository acme/infra.example.com', 'environment prod.eu']) {
      const dotted = renewedWith({ ...renewal, scope })
      assert.match(
        gate.text(headlines(dotted)[0] ?? said``),
        new RegExp(`written to ${scope.replaceAll('.', '\\.')}\\.$`)
      )
      assert.match(summaryOf(dotted), new RegExp(`secret \`TALOSCONFIG\` in ${scope.replaceAll('.', '\\.')}`))
    }
  })

  it('says what happened in one line a credential', () => {
    assert.equal(
      lines(headlines(renewed)),
      "Renewed talosconfig context 'prod': 9 days left, inside renew-before; secret TALOSCONFIG written to repository acme/cluster-ops."
    )
    assert.equal(
      lines(headlines({ ...renewedWith({ ...renewal, secretUpdated: false }), dryRun: true })),
      "Dry run: would renew talosconfig context 'prod' (9 days left, inside renew-before); no secret was written."
    )
    assert.equal(
      lines(headlines(checked)),
      "Checked talosconfig context 'prod' (mode auto on pull_request): 9 days left, inside renew-before."
    )
    const notDue = renewedWith(undefined)
    const valid = {
      ...prod.decision,
      status: 'valid' as const,
      renew: false,
      reason: '40 days left, outside renew-before'
    }
    notDue.credentials = [{ ...talosconfig, decision: valid }]
    assert.equal(
      lines(headlines(notDue)),
      "Nothing to do for talosconfig context 'prod': 40 days left, outside renew-before."
    )
  })

  it('never calls a refused write a dry run, nor a due credential that failed "not due"', () => {
    const refused = renewedWith({ ...renewal, secretUpdated: false, writeFailed: said`GitHub answered 403.` })
    assert.equal(
      lines(headlines(refused)),
      "Renewed talosconfig context 'prod' (9 days left, inside renew-before), but secret TALOSCONFIG was not written: GitHub answered 403."
    )
    assert.doesNotMatch(summaryOf(refused), /dry run|would/i)
    const failedFirst = { ...renewedWith(undefined), failure: said`input 'secrets-bundle' could not be decrypted.` }
    assert.equal(
      lines(headlines(failedFirst)),
      "Not renewed talosconfig context 'prod', although it is due (9 days left, inside renew-before): the run failed first."
    )
    assert.doesNotMatch(summaryOf(failedFirst), /not due/)
    assert.match(
      summaryOf(failedFirst),
      /^## ❌ Talos client certificates: the run failed; talosconfig `prod` expires on 2026-12-07\n/
    )
  })
})

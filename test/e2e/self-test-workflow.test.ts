// Scenario: the repository's own self-test workflow, its check job run here step by step as
// the runner would run it on a pull request: openssl makes the talosconfig, the action from
// this checkout checks it twice, and the workflow's own assertions judge the outputs.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { runWorkflowJob } from '../support/workflow-job.js'

// No token and a loopback API URL: a check makes no call, and any attempt would fail here.
const github = { event_name: 'pull_request', repository: 'acme/cluster-ops', token: '', api_url: 'http://127.0.0.1:9' }

describe('the self-test workflow, check job', () => {
  const job = runWorkflowJob('.github/workflows/self-test.yml', 'check', github)
  const step = (label: string) => {
    const found = job.steps.find((s) => s.label.startsWith(label))
    assert.ok(found, `no step '${label}' ran: ${job.steps.map((s) => s.label).join(', ')}`)
    return found
  }

  it('passes, every step with the outcome it expects', () => {
    const log = job.steps.map((s) => `--- ${s.label}: ${s.outcome}\n${s.log}`).join('\n')
    assert.equal(job.conclusion, 'success', log)
    assert.deepEqual(
      job.steps.map((s) => s.outcome),
      ['success', 'success', 'success', 'failure', 'success'],
      log
    )
  })

  it('masks the throwaway talosconfigs before handing them on', () => {
    const make = step('Make a throwaway talosconfig')
    for (const value of [make.outputs.fresh ?? '', make.outputs.expiring ?? '']) {
      assert.ok(value.length > 1000)
      assert.ok(!job.steps.some((s) => s.log.includes(value)))
    }
    // The runner shows *** wherever the masked value would appear; the emulator does too.
    assert.ok(make.log.includes('::add-mask::***'))
  })

  it('checks the fresh context as valid and the expiring one as failing the step', () => {
    assert.equal(step('Check the fresh context').outputs.status, 'valid')
    const expiring = step('Check the expiring context')
    assert.equal(expiring.outputs.status, 'expiring')
    assert.match(
      expiring.log,
      /^::error::The client certificate of talosconfig context 'expiring' expires on .* \(9 days left\)\.$/m
    )
    assert.match(step('Assert the outputs').log, /The check job's outputs are as expected\./)
  })
})

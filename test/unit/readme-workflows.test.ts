// Every complete workflow the README shows (a YAML block with `on:` and `jobs:`) is one a
// user can copy: it passes the same workflow validator as the repository's own workflows.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, it } from 'node:test'
import { parse } from 'yaml'

const validator = resolve('node_modules/.bin/action-validator')
const blocks = [...readFileSync('README.md', 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map(
  (match) => match[1] as string
)
const workflows = blocks.filter((text) => /^on:/m.test(text) && /^jobs:/m.test(text))

describe("the README's workflows", () => {
  it('are all there: three uses, the matrix, the reusable workflow with its caller, and a person asking for theirs', () => {
    assert.equal(workflows.length, 7)
    assert.ok(
      workflows.some((text) => /^\s+people-only: true/m.test(text)),
      'my-talosconfig.yml is among them'
    )
  })

  for (const [index, text] of workflows.entries()) {
    const name = String(parse(text).name)
    it(`'${name}' passes the workflow validator`, () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'readme-workflow-')), '.github', 'workflows')
      mkdirSync(dir, { recursive: true })
      const file = join(dir, `readme-${index}.yml`)
      writeFileSync(file, text)
      const result = spawnSync(validator, [file], { encoding: 'utf8' })
      assert.equal(result.status, 0, result.stdout + result.stderr)
    })
  }

  interface Step {
    uses?: string
    with?: Record<string, unknown>
  }
  interface Job {
    permissions?: Record<string, string>
    steps?: Step[]
  }
  const jobsOf = (text: string) => Object.entries((parse(text).jobs ?? {}) as Record<string, Job>)
  const isAction = (step: Step) => step.uses?.startsWith('OWNER/talos-client-cert-renewal@') ?? false
  const truthy = (value: unknown) => value === true || value === 'true'
  const falsy = (value: unknown) => value === false || value === 'false'
  /** The events a workflow runs on; a reusable one runs on its caller's, which in the README is scheduled. */
  const eventsOf = (text: string): string[] => {
    const on = Object.keys((parse(text).on ?? {}) as Record<string, unknown>)
    return on.includes('workflow_call') ? [...on, 'schedule', 'workflow_dispatch'] : on
  }
  /**
   * What the action asks of GITHUB_TOKEN (workflow-token) with its inputs, defaults included:
   * keep-schedule-alive (auto) on a schedule, which a public repository needs; open-issue
   * (auto) on scheduled and manual runs.
   */
  const tokenNeeds = (action: Record<string, unknown>, events: string[]): Record<string, string> => {
    const needs: Record<string, string> = {}
    if (events.includes('schedule') && !falsy(action['keep-schedule-alive'])) needs.actions = 'write'
    if (events.some((event) => ['schedule', 'workflow_dispatch'].includes(event)) && !falsy(action['open-issue']))
      needs.issues = 'write'
    return needs
  }

  it("mint exactly the permissions their steps use: the app token's for the action's inputs, the job's for GITHUB_TOKEN", () => {
    let checked = 0
    for (const text of workflows) {
      for (const [name, job] of jobsOf(text)) {
        const steps = job.steps ?? []
        const action = steps.find(isAction)?.with ?? {}
        const renews = action.mode !== 'check'
        // people-only writes no secret: only the person's variable and the record of people.
        const writesSecrets = renews && !truthy(action['people-only'])
        const needed = new Set<string>()
        if (writesSecrets) needed.add(action.organization ? 'permission-organization-secrets' : 'permission-secrets')
        if (renews && action.environment) needed.add('permission-environments')
        if (renews && (action['public-variable'] || action.people)) needed.add('permission-actions-variables')
        const minted = new Set(
          steps
            .filter((step) => step.uses?.startsWith('actions/create-github-app-token@'))
            .flatMap((step) => Object.keys(step.with ?? {}).filter((key) => key.startsWith('permission-')))
        )
        if (!steps.some(isAction)) continue
        checked++
        assert.deepEqual([...minted].sort(), [...needed].sort(), `job '${name}': the app token's permissions`)
        for (const permission of minted) {
          const value = steps.find((step) => step.with?.[permission] !== undefined)?.with?.[permission]
          assert.equal(value, 'write', `job '${name}': ${permission}`)
        }
        const jobNeeds: Record<string, string> = { ...tokenNeeds(action, eventsOf(text)) }
        // A step that checks the repository out (to read the list of people) reads its contents.
        if (steps.some((step) => step.uses?.startsWith('actions/checkout@'))) jobNeeds.contents = 'read'
        assert.deepEqual(job.permissions ?? {}, jobNeeds, `job '${name}': GITHUB_TOKEN's permissions`)
      }
    }
    assert.ok(checked >= 4, `${checked} jobs checked`)
  })

  it('grant a reusable workflow, where they call it, exactly what its job asks of GITHUB_TOKEN', () => {
    const called = workflows.find((text) => 'workflow_call' in (parse(text).on ?? {}))
    assert.ok(called, 'the README shows a reusable workflow')
    const [, calledJob] = jobsOf(called)[0] as [string, Job]
    let callers = 0
    for (const text of workflows)
      for (const [name, job] of jobsOf(text) as Array<[string, Job & { uses?: string }]>) {
        if (!job.uses?.includes('/.github/workflows/')) continue
        callers++
        assert.deepEqual(job.permissions ?? {}, calledJob.permissions ?? {}, `the caller's job '${name}'`)
      }
    assert.equal(callers, 1)
  })

  it('never force a real write with their defaults: a manual run is a dry run unless asked', () => {
    for (const text of workflows) {
      const inputs = (parse(text).on?.workflow_dispatch?.inputs ?? {}) as Record<string, { default?: unknown }>
      const resolve = (value: unknown) =>
        String(value ?? '').replace(/^\$\{\{ inputs\.([\w-]+) \}\}$/, (_all, input: string) =>
          String(inputs[input]?.default)
        )
      for (const [, job] of jobsOf(text)) {
        const action = job.steps?.find(isAction)?.with ?? {}
        if (resolve(action.force) === 'true') {
          assert.equal(resolve(action['dry-run']), 'true', `'${parse(text).name}' forces a write with its defaults`)
        }
      }
    }
  })
})

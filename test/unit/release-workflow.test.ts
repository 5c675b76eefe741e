// A job whose token can write the repository's contents runs no code that the repository or
// its dependencies ship: no checkout, no npm, no Node. The release checks that need them run
// in a job that can only read, and hand the commit on to the job that moves the major tag.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parse } from 'yaml'

interface Step {
  id?: string
  uses?: string
  run?: string
  shell?: string
  with?: Record<string, unknown>
  env?: Record<string, string>
}
interface Job {
  permissions?: Permissions
  needs?: string | string[]
  outputs?: Record<string, string>
  uses?: string
  defaults?: { run?: { shell?: string } }
  steps?: Step[]
}
type Permissions = string | Record<string, string> | undefined
interface Workflow {
  on: unknown
  permissions?: Permissions
  defaults?: { run?: { shell?: string } }
  jobs: Record<string, Job>
}

const DIR = '.github/workflows'
const workflows = readdirSync(DIR)
  .filter((file) => /\.ya?ml$/.test(file))
  .sort()
  .map((file) => ({ file, workflow: parse(readFileSync(join(DIR, file), 'utf8')) as Workflow }))

/**
 * A job's own permissions replace the workflow's; with neither, the token has the
 * repository's default, which can be write-all.
 */
function writesContents(workflow: Workflow, job: Job): boolean {
  const permissions = job.permissions ?? workflow.permissions
  if (permissions === undefined) return true
  if (typeof permissions === 'string') return permissions === 'write-all'
  return permissions.contents === 'write'
}

/** What a job runs that its repository or a registry supplies, each named for the message. */
function untrustedCode(workflow: Workflow, job: Job): string[] {
  // A reusable workflow's steps are not in this file: they cannot be judged here.
  if (job.uses) return [`the reusable workflow ${job.uses}`]
  const shell = job.defaults?.run?.shell ?? workflow.defaults?.run?.shell ?? ''
  return (job.steps ?? []).flatMap((step) => {
    const found: string[] = []
    if (/^actions\/(checkout|setup-node)@/.test(step.uses ?? '')) found.push(step.uses as string)
    if (step.uses?.startsWith('./')) found.push(`the local action ${step.uses}`)
    const runs = step.run ?? ''
    for (const match of runs.matchAll(/(?:^|[\s;&|(`'"/])(npm|npx|node)(?=[\s;&|)`'"]|$)/gm)) {
      const line = runs.slice(runs.lastIndexOf('\n', match.index) + 1).split('\n')[0]
      found.push(`${match[1]} in: ${line}`)
    }
    if (step.run !== undefined && /\bnode\b/.test(step.shell ?? shell)) found.push(`shell ${step.shell ?? shell}`)
    return found
  })
}

const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : [job.needs].flat())

describe('workflows', () => {
  it('are found', () => {
    assert.ok(
      workflows.some(({ file }) => file === 'release.yml'),
      workflows.map(({ file }) => file).join(', ')
    )
  })

  for (const { file, workflow } of workflows) {
    it(`${file}: no job that can write contents checks out, runs npm, npx or node, or sets Node up`, () => {
      for (const [name, job] of Object.entries(workflow.jobs)) {
        if (!writesContents(workflow, job)) continue
        assert.deepEqual(untrustedCode(workflow, job), [], `${file}: job ${name} can write contents`)
      }
    })
  }

  it('the judge of a job sees each form in which a job could run code', () => {
    const read: Workflow = { on: 'push', permissions: { contents: 'read' }, jobs: {} }
    assert.equal(writesContents(read, {}), false)
    assert.equal(writesContents(read, { permissions: { contents: 'write' } }), true)
    assert.equal(writesContents(read, { permissions: 'write-all' }), true)
    assert.equal(writesContents({ on: 'push', jobs: {} }, {}), true)
    assert.equal(writesContents({ on: 'push', permissions: 'read-all', jobs: {} }, {}), false)
    const steps: Step[] = [
      { uses: 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1' },
      { uses: 'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020' },
      { uses: './' },
      { run: 'npm ci --no-audit' },
      { run: 'set -e\nx=$(node -p 1)' },
      { run: 'true && npx tsc' },
      { run: '"/usr/bin/node" x.js' },
      { run: 'console.log(1)', shell: 'node {0}' },
      { run: 'echo "node-version and npm-shrinkwrap are words" && gh api user' }
    ]
    assert.deepEqual(untrustedCode(read, { steps }), [
      'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1',
      'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020',
      'the local action ./',
      'npm in: npm ci --no-audit',
      'node in: x=$(node -p 1)',
      'npx in: true && npx tsc',
      'node in: "/usr/bin/node" x.js',
      'shell node {0}'
    ])
    assert.deepEqual(untrustedCode(read, { uses: 'acme/ci/.github/workflows/x.yml@main' }), [
      'the reusable workflow acme/ci/.github/workflows/x.yml@main'
    ])
  })
})

describe('release.yml', () => {
  const release = workflows.find(({ file }) => file === 'release.yml')?.workflow as Workflow
  const jobs = Object.entries(release.jobs)
  const writers = jobs.filter(([, job]) => writesContents(release, job))
  const [writeName, write] = writers[0] ?? assert.fail('no job can write contents')
  const [verifyName, verify] = jobs.find(([, job]) => JSON.stringify(job.steps).includes('.ci/check-dist')) ?? []

  it('runs when a release is published, and only one job can write', () => {
    assert.deepEqual(release.on, { release: { types: ['published'] } })
    assert.deepEqual(release.permissions, { contents: 'read' })
    assert.deepEqual(
      writers.map(([name]) => name),
      [writeName]
    )
    assert.deepEqual(write.permissions, { contents: 'write' })
  })

  it('verifies the release tag in a job that can only read: dist/, and one version in the tag, package.json and src/version.ts', () => {
    assert.ok(verify && verifyName, 'no job runs .ci/check-dist')
    assert.deepEqual(verify.permissions, { contents: 'read' })
    const steps = verify.steps ?? []
    const checkout = steps.find((step) => step.uses?.startsWith('actions/checkout@'))
    assert.deepEqual(checkout?.with, {
      ref: 'refs/tags/${{ github.event.release.tag_name }}',
      'persist-credentials': false
    })
    const runs = steps.map((step) => step.run ?? '').join('\n')
    for (const check of ['.ci/check-dist', 'package.json', 'src/version.ts']) assert.ok(runs.includes(check), check)
  })

  it('moves the major tag to the commit the verify job names, which it takes before npm ci runs', () => {
    assert.ok(verify && verifyName)
    assert.ok(needsOf(write).includes(verifyName), `${writeName} does not need ${verifyName}`)
    const steps = verify.steps ?? []
    for (const output of ['sha', 'major']) {
      const [, id, name]: Array<string | undefined> =
        /^\$\{\{ steps\.([\w-]+)\.outputs\.(\w+) \}\}$/.exec(verify.outputs?.[output] ?? '') ?? []
      assert.equal(name, output, `${verifyName}'s output ${output}`)
      const from = steps.findIndex((step) => step.id === id)
      assert.ok(from >= 0, `${verifyName}'s output ${output} comes from no step`)
      const install = steps.findIndex((step) => /\bnpm ci\b/.test(step.run ?? ''))
      assert.ok(from < install, `${verifyName}'s output ${output} is set after npm ci`)
    }
    const moves = write.steps ?? []
    assert.equal(moves.length, 1)
    const [move] = moves as [Step]
    assert.deepEqual(move.env, {
      GH_TOKEN: '${{ github.token }}',
      TAG: '${{ github.event.release.tag_name }}',
      SHA: `\${{ needs.${verifyName}.outputs.sha }}`,
      MAJOR: `\${{ needs.${verifyName}.outputs.major }}`
    })
    assert.match(move.run ?? '', /gh api --method POST "\$refs\/refs" -f ref="refs\/tags\/\$MAJOR" -f sha="\$SHA"/)
    assert.match(move.run ?? '', /gh api --method PATCH "\$refs\/refs\/tags\/\$MAJOR" -f sha="\$SHA" -F force=true/)
  })

  it('holds the token only where the tag is moved', () => {
    const holding = jobs.flatMap(([name, job]) =>
      (job.steps ?? []).filter((step) => JSON.stringify(step).includes('github.token')).map(() => name)
    )
    assert.deepEqual(holding, [writeName])
  })
})

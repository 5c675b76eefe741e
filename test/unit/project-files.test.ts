// What a published action carries beside its code: licence, changelog, security policy, the
// Node version it runs on, and workflows that check, self-test and release it (release.yml's
// jobs are held in release-workflow.test.ts).
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { parse } from 'yaml'

const read = (path: string) => readFileSync(path, 'utf8')
const yaml = (path: string) => parse(read(path))
const pkg = JSON.parse(read('package.json'))
const lock = JSON.parse(read('package-lock.json'))

describe('project files', () => {
  it('LICENSE is the MIT licence package.json names', () => {
    assert.equal(pkg.license, 'MIT')
    assert.match(read('LICENSE'), /^MIT License\n\nCopyright \(c\) \d{4} /)
  })

  it('CHANGELOG.md starts at 1.0.0 and lists the package version', () => {
    const changelog = read('CHANGELOG.md')
    assert.match(changelog, /^## \[Unreleased\]$/m)
    assert.match(changelog, /^## \[1\.0\.0\] - \d{4}-\d{2}-\d{2}$/m)
    assert.match(changelog, new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\]`, 'm'))
  })

  it('SECURITY.md says how to report privately, which versions get fixes, and what happens to the CA key', () => {
    const security = read('SECURITY.md')
    for (const heading of [
      '## Reporting a vulnerability',
      '## Supported versions',
      '## What the action does with the CA key'
    ]) {
      assert.ok(security.includes(heading), heading)
    }
  })

  it('Node 24 everywhere: .node-version, engines, @types/node and action.yml', () => {
    assert.equal(read('.node-version').trim(), '24')
    assert.equal(pkg.engines.node, '>=24')
    assert.match(lock.packages['node_modules/@types/node'].version, /^24\./)
    assert.equal(yaml('action.yml').runs.using, 'node24')
  })

  it('ci.yml runs what .ci/run runs, on Node 24, with read-only contents', () => {
    const ci = yaml('.github/workflows/ci.yml')
    assert.deepEqual(Object.keys(ci.on).sort(), ['pull_request', 'push'])
    assert.deepEqual(ci.permissions, { contents: 'read' })
    const steps = ci.jobs.test.steps as Array<{ uses?: string; run?: string; with?: Record<string, string> }>
    assert.equal(
      steps.find((step) => step.uses?.startsWith('actions/setup-node@'))?.with?.['node-version-file'],
      '.node-version'
    )
    const runs = steps.map((step) => step.run).filter(Boolean)
    const ciRun = read('.ci/run')
    for (const command of [
      '.ci/install-tools',
      'npm ci --no-audit --no-fund',
      '.ci/check-dist',
      'npm run typecheck',
      'npm run lint',
      'npm test'
    ]) {
      assert.ok(runs.includes(command), `ci.yml does not run ${command}`)
      assert.ok(ciRun.includes(`\n${command}\n`), `.ci/run does not run ${command}`)
    }
  })

  it('every action the workflows use is pinned to a full commit SHA, with its tag beside it', () => {
    for (const file of readdirSync('.github/workflows')) {
      const text = read(`.github/workflows/${file}`)
      for (const [, ref, comment] of text.matchAll(/uses: ([\w.-]+\/[\w.-]+@\S+)(.*)/g)) {
        assert.match(ref as string, /@[0-9a-f]{40}$/, `${file}: ${ref}`)
        assert.match(comment as string, /^ # v\d+\.\d+\.\d+$/, `${file}: ${ref}`)
      }
    }
  })

  it('dependabot updates npm (runtime apart from dev tooling) and the actions, weekly', () => {
    interface Update {
      'package-ecosystem': string
      schedule: { interval: string }
      groups?: unknown
    }
    const { updates } = yaml('.github/dependabot.yml') as { updates: Update[] }
    const npm = updates.find((update) => update['package-ecosystem'] === 'npm')
    const actions = updates.find((update) => update['package-ecosystem'] === 'github-actions')
    assert.equal(npm?.schedule.interval, 'weekly')
    assert.equal(actions?.schedule.interval, 'weekly')
    assert.deepEqual(npm?.groups, {
      runtime: { 'dependency-type': 'production' },
      'dev-tooling': { 'dependency-type': 'development' }
    })
  })

  it('the test fixtures made by others carry their origin and licences', () => {
    const readme = read('test/fixtures/README.md')
    for (const file of [
      'talhelper-talsecret.sops.yaml',
      'talhelper-age-key.txt',
      'sops-age-secret.enc.yaml',
      'sops-age-secret.plain.json',
      'sops-age-key.txt'
    ]) {
      assert.ok(existsSync(`test/fixtures/sops/${file}`), file)
      assert.ok(readme.includes(`\`sops/${file}\``), `test/fixtures/README.md does not name ${file}`)
    }
    assert.match(read('test/fixtures/LICENSE.talhelper'), /BSD 3-Clause License\n\nCopyright \(c\) 2022, Budiman Jojo/)
    assert.match(read('test/fixtures/LICENSE.sops-age.md'), /MIT License\n\nCopyright 2024 David Humphrey/)
  })
})

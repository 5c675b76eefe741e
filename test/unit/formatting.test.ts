// Prettier is the one formatter, and CI holds the tree to it: .ci/run and the CI workflow both
// run format:check, and format:check fails on a file Prettier would change.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, it } from 'node:test'

const prettier = resolve('node_modules/.bin/prettier')
const checkIn = (dir: string) => spawnSync(prettier, ['--check', '.'], { cwd: dir, encoding: 'utf8' })

function treeWith(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'format-'))
  copyFileSync('.prettierrc.json', join(dir, '.prettierrc.json'))
  writeFileSync(join(dir, 'main.ts'), source)
  return dir
}

describe('formatting', () => {
  it('format:check passes a file as Prettier writes it, in the house style', () => {
    const run = checkIn(treeWith('export const greeting = (name: string): string => `hello ${name}`\n'))
    assert.equal(run.status, 0, run.stdout + run.stderr)
  })

  it('format:check fails a file Prettier would change, and names it', () => {
    const run = checkIn(treeWith('export const greeting = (name: string): string => "hello " + name;\n'))
    assert.equal(run.status, 1)
    assert.match(run.stdout + run.stderr, /main\.ts/)
  })

  it('runs in .ci/run and in the CI workflow, before the tests', () => {
    const script = readFileSync('.ci/run', 'utf8')
    assert.ok(script.indexOf('npm run format:check') > 0)
    assert.ok(script.indexOf('npm run format:check') < script.indexOf('npm test'))
    const workflow = readFileSync('.github/workflows/ci.yml', 'utf8')
    assert.match(workflow, /run: npm run format:check\n/)
    const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts
    assert.equal(scripts['format:check'], 'prettier --check .')
  })
})

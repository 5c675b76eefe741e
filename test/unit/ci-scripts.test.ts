// .ci/check-standalone, which .ci/run calls first: a tracked file that reaches outside the
// repository for the team's shared folder fails CI; files under .ci/ may name it.
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, it } from 'node:test'

const script = resolve('.ci/check-standalone')
// Built, not written out: this file is tracked too, and must not trip the check itself.
const SHARED = ['..', 'shared'].join('/')

function repoWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'standalone-'))
  execFileSync('git', ['init', '-q'], { cwd: dir })
  mkdirSync(join(dir, '.ci'))
  copyFileSync(script, join(dir, '.ci', 'check-standalone'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  execFileSync('git', ['add', '-A'], { cwd: dir })
  return dir
}

const check = (dir: string) => spawnSync('bash', ['.ci/check-standalone'], { cwd: dir, encoding: 'utf8' })

describe('.ci/check-standalone', () => {
  it('passes a repository that stands alone', () => {
    const run = check(
      repoWith({
        'test/support/fixtures.ts': "const SOPS = '../fixtures/sops'\n",
        '.ci/notes': `copied from ${SHARED}/fixtures\n`
      })
    )
    assert.equal(run.status, 0, run.stderr)
  })

  it('fails on a tracked file that reads the shared folder, and names it', () => {
    const run = check(repoWith({ 'test/support/fixtures.ts': `const SOPS = '../../${SHARED}/fixtures/sops'\n` }))
    assert.equal(run.status, 1)
    assert.match(run.stderr, /test\/support\/fixtures\.ts/)
  })
})

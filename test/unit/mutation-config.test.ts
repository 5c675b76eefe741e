// npm run mutate: the test processes Stryker starts must print TAP, or it reads every mutant
// as an error; and the per-module check fails a run whose tests could not run, rather than
// reading a module with no valid mutant as 100 %.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { judgeModule, judgeReport, scoreOf } from '../../scripts/mutation-scores.mjs'
import { RUNTIMES } from '../support/run-action.js'

const config = JSON.parse(readFileSync('stryker.config.json', 'utf8')) as {
  tap: { testFiles: string[]; nodeArgs: string[] }
}
const mutants = (statuses: Record<string, number>) =>
  Object.entries(statuses).flatMap(([status, n]) => Array.from({ length: n }, () => ({ status })))

describe('stryker.config.json', () => {
  for (const { name, node } of RUNTIMES) {
    it(`its test processes print TAP that names a failing test, under ${name}`, () => {
      const file = join(mkdtempSync(join(tmpdir(), 'tap-')), 'mutant.test.mjs')
      writeFileSync(
        file,
        "import { test } from 'node:test'\ntest('holds', () => {})\ntest('kills the mutant', () => { throw new Error('x') })\n"
      )
      // As Stryker starts it: not as a child of this test runner, which would ask for its own protocol.
      const env = { ...process.env, NODE_TEST_CONTEXT: undefined }
      const run = spawnSync(node, [...config.tap.nodeArgs, file], { encoding: 'utf8', env })
      assert.equal(run.status, 1)
      assert.match(run.stdout, /^TAP version 13\n/)
      assert.match(run.stdout, /^not ok \d+ - kills the mutant$/m)
      assert.match(run.stdout, /^ok \d+ - holds$/m)
    })
  }

  it('runs test files that exist, each once', () => {
    for (const file of config.tap.testFiles) assert.ok(existsSync(file), file)
    assert.equal(new Set(config.tap.testFiles).size, config.tap.testFiles.length)
  })
})

describe('scripts/mutation-scores.mjs', () => {
  it('scores as Stryker does: timeouts detected, no-coverage missed, errors and ignored ones outside', () => {
    assert.equal(
      scoreOf(mutants({ Killed: 6, Timeout: 2, Survived: 1, NoCoverage: 1, Ignored: 5, RuntimeError: 1 })),
      80
    )
  })

  it('holds the gate to 95 %, the guards to 90 % and the rest to 85 %', () => {
    const ninetyFour = mutants({ Killed: 94, Survived: 6 })
    for (const gate of ['src/story/gate.ts', 'src/story/addresses.ts']) {
      assert.equal(judgeModule(gate, ninetyFour).verdict, 'BELOW 95 %')
      assert.equal(judgeModule(gate, mutants({ Killed: 95, Survived: 5 })).ok, true)
    }
    assert.equal(judgeModule('src/story/inert.ts', ninetyFour).ok, true)
    const eightyNine = mutants({ Killed: 89, Survived: 11 })
    assert.equal(judgeModule('src/story/inert.ts', eightyNine).verdict, 'BELOW 90 %')
    assert.equal(judgeModule('src/pki/verify.ts', eightyNine).verdict, 'BELOW 90 %')
    assert.equal(judgeModule('src/credentials/judge.ts', eightyNine).ok, false)
    assert.equal(judgeModule('src/sources/sops.ts', eightyNine).verdict, 'ok')
    assert.equal(judgeModule('src/sources/sops.ts', mutants({ Killed: 84, Survived: 16 })).verdict, 'BELOW 85 %')
    assert.equal(judgeModule('src/pki/verify.ts', mutants({ Killed: 90, Survived: 10 })).ok, true)
  })

  it('fails a module whose tests could not run, which would otherwise read 100 %', () => {
    const broken = judgeModule('src/pki/verify.ts', mutants({ RuntimeError: 61 }))
    assert.equal(broken.score, 100)
    assert.equal(broken.ok, false)
    assert.equal(broken.broken, true)
    assert.match(broken.verdict, /BROKEN RUN: 61 mutants could not be tested/)
    assert.equal(judgeModule('src/pki/verify.ts', mutants({ Killed: 99, RuntimeError: 1 })).ok, true)
  })

  it('reads a report by module, under src/', () => {
    const rows = judgeReport({
      files: {
        '/ci/work/src/plan.ts': { mutants: mutants({ Killed: 1 }) },
        '/ci/work/src/encoding.ts': { mutants: mutants({ Survived: 1 }) }
      }
    })
    assert.deepEqual(
      rows.map(({ relative, ok }) => [relative, ok]),
      [
        ['src/encoding.ts', false],
        ['src/plan.ts', true]
      ]
    )
  })
})

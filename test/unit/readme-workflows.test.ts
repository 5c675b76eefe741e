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
  it('are all there: three uses, the matrix, and the reusable workflow with its caller', () => {
    assert.equal(workflows.length, 6)
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
})

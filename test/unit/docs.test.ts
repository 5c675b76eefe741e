// README, action.yml and the code describe one action: the same inputs with the same
// defaults, and the same outputs. A change to one that the others miss fails here.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { parse } from 'yaml'
import { CREDENTIAL_OUTPUTS } from '../../src/credentials/index.js'
import { readConfig } from '../../src/inputs.js'
import type { RunResult } from '../../src/result.js'
import { Gate } from '../../src/story/gate.js'
import { outputsOf } from '../../src/story/report.js'

interface ActionYml {
  inputs: Record<string, { description: string; default?: string }>
  outputs: Record<string, { description: string }>
}
const action = parse(readFileSync('action.yml', 'utf8')) as ActionYml
const readme = readFileSync('README.md', 'utf8')

/** The body rows of every Markdown table under a `## heading` (its `###` groups too): their cells, trimmed. */
function tableUnder(heading: string): string[][] {
  const start = readme.indexOf(`\n## ${heading}\n`)
  assert.notEqual(start, -1, `README has no '## ${heading}' section`)
  const section = readme.slice(start + 1).split(/\n## /)[0] as string
  const tables: string[][] = []
  let lines: string[] = []
  for (const line of section.split('\n')) {
    if (line.startsWith('|')) lines.push(line)
    else if (lines.length > 0) {
      tables.push(lines)
      lines = []
    }
  }
  if (lines.length > 0) tables.push(lines)
  return tables.flatMap((table) =>
    table.slice(2).map((row) =>
      row
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim())
    )
  )
}

/** `a`, `b` in a first cell: the names it documents. */
const namesIn = (cell: string): string[] => [...cell.matchAll(/`([a-z-]+)`/g)].map((match) => match[1] as string)

describe('README, action.yml and the code agree', () => {
  it('document the same inputs', () => {
    const documented = tableUnder('Inputs').flatMap(([name]) => namesIn(name ?? ''))
    assert.deepEqual([...documented].sort(), Object.keys(action.inputs).sort())
    assert.equal(new Set(documented).size, documented.length, 'an input is documented twice')
  })

  it("give the same defaults: action.yml's, in code quotes, and no default where it has none", () => {
    for (const [cell, defaultCell] of tableUnder('Inputs')) {
      const name = namesIn(cell ?? '')[0] as string
      const declared = action.inputs[name]?.default
      if (declared !== undefined) assert.equal(defaultCell, `\`${declared}\``, `the README's default of '${name}'`)
      else
        assert.ok(
          !defaultCell?.startsWith('`'),
          `README gives '${name}' a default (${defaultCell}) that action.yml does not`
        )
    }
  })

  it('the code falls back to exactly the defaults action.yml declares', () => {
    // The runner fills in action.yml's defaults; a run outside it gets the code's. Both must
    // make the same Config. A pull request makes mode auto a check, which needs no token.
    const env = {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REPOSITORY: 'acme/cluster-ops',
      GITHUB_API_URL: 'https://ghe.example/api/v3'
    }
    const github: Record<string, string> = {
      'github.token': '',
      'github.repository': env.GITHUB_REPOSITORY,
      'github.api_url': env.GITHUB_API_URL
    }
    const given: Record<string, string> = { talosconfig: 'contexts: {}', context: 'prod' }
    const declared = Object.fromEntries(
      Object.entries(action.inputs)
        .filter(([, spec]) => spec.default !== undefined)
        .map(([name, spec]) => [
          name,
          String(spec.default).replace(
            /^\$\{\{ (.+) \}\}$/,
            (_all, expression: string) => github[expression] ?? assert.fail(expression)
          )
        ])
    )
    const fromCode = readConfig((name) => given[name] ?? '', env)
    const fromActionYml = readConfig((name) => given[name] ?? declared[name] ?? '', env)
    assert.deepEqual(fromCode, fromActionYml)
  })

  it('document the same outputs, and the code sets exactly those', () => {
    const documented = tableUnder('Outputs').flatMap(([name]) => namesIn(name ?? ''))
    const result: RunResult = {
      at: new Date('2026-12-01T00:00:00Z'),
      mode: 'check',
      modeReason: 'mode check',
      credentials: [
        {
          kind: 'talosconfig',
          context: 'prod',
          contexts: [],
          decision: { status: 'missing', renew: false, reason: '' },
          secretName: 'TALOSCONFIG'
        }
      ],
      failed: false
    }
    assert.deepEqual([...documented].sort(), Object.keys(action.outputs).sort())
    assert.deepEqual(
      Object.keys(outputsOf(result, CREDENTIAL_OUTPUTS, new Gate())).sort(),
      Object.keys(action.outputs).sort()
    )
  })
})

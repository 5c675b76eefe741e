// Every text for people leaves through the story's gate: the lint rule that holds it refuses,
// outside src/story/, each way around it (the runner's writers, the issues API, the console,
// the process's streams), and lets the story itself use them.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ESLint } from 'eslint'
import tseslint from 'typescript-eslint'
import { gateRule } from '../../eslint.config.js'

const eslint = new ESLint({
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, gateRule]
})

async function problems(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`)
}

const BYPASSES = [
  "import { info } from '@actions/core'",
  "import { setOutput as out } from '@actions/core'",
  "import { summary } from '@actions/core'",
  "import * as core from '@actions/core'",
  "import { issuesApi } from './github/issues.js'",
  "import { issuesApi } from '../github/issues.js'",
  "const api = await import('../github/issues.js')",
  "console.log('x')",
  "process.stdout.write('x')",
  "process.stderr.write('x')"
]

describe('the gate rule', () => {
  for (const code of BYPASSES) {
    it(`refuses outside src/story/: ${code}`, async () => {
      const found = await problems(code, 'src/credentials/bypass.ts')
      assert.ok(found.length > 0, 'the rule let it through')
      assert.match(found.join('\n'), /^no-(restricted-imports|restricted-properties|restricted-syntax|console): /m)
    })
  }

  it('lets the story use the writers, and everyone else the rest of @actions/core', async () => {
    for (const code of BYPASSES.slice(0, 6)) assert.deepEqual(await problems(code, 'src/story/runner.ts'), [], code)
    assert.deepEqual(await problems("import { getInput, setSecret } from '@actions/core'", 'src/run.ts'), [])
  })
})

// Validates every workflow under .github/workflows/ against GitHub's workflow schema with
// action-validator, which takes one file a call. It knows no schema for dependabot.yml, and
// its action schema predates `runs.using: node24`: the project's own tests check those two.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

const files = readdirSync('.github/workflows', { recursive: true })
  .map(String)
  .filter((file) => /\.ya?ml$/.test(file))
  .map((file) => join('.github/workflows', file))
  .sort()
let failed = 0
for (const file of files) {
  const result = spawnSync('action-validator', [file], { stdio: 'inherit' })
  if (result.status !== 0) failed++
}
console.log(`action-validator: ${files.length - failed} of ${files.length} workflows are valid.`)
process.exit(failed > 0 || files.length === 0 ? 1 : 0)

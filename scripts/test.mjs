// Runs every test file under test/ with Node's test runner (TypeScript through tsx), on the
// machine's own Node, with the loopback guard preloaded; the end-to-end tests run the bundle
// under Node 24 as well.
// `npm test -- e2e` runs only the files whose path contains 'e2e'.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { machineNode } from './machine-node.mjs'

const filters = process.argv.slice(2)
const files = readdirSync('test', { recursive: true })
  .map(String)
  .filter(
    (file) => file.endsWith('.test.ts') && (filters.length === 0 || filters.some((filter) => file.includes(filter)))
  )
  .map((file) => join('test', file))
  .sort()
// The loopback guard runs in every test process too: no test may reach past loopback.
const guard = ['--import', './test/support/loopback-guard.mjs']
const result = spawnSync(machineNode(), [...guard, '--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit'
})
process.exit(result.status ?? 1)

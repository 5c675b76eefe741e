// `npm run mutate`: mutation testing of the guards with StrykerJS (stryker.config.json), then
// each mutated module held to its own score (scripts/mutation-scores.mjs). Stryker needs
// Node 22 or later: it runs on the action's Node 24 (scripts/node24.mjs), and so do the test
// processes it starts (it starts `node` from PATH). Their reporter is set to TAP in
// stryker.config.json: Node 23 and later print the spec reporter by default, which Stryker
// cannot read, and would count every mutant as an error.
import { spawnSync } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { delimiter, dirname } from 'node:path'
import { node24OrExit } from './node24.mjs'

const node = node24OrExit('npm run mutate (Stryker)')
const REPORT = 'reports/mutation/mutation.json'
const env = { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` }
// A report left by an earlier run must not be judged as this one's.
rmSync(REPORT, { force: true })
const stryker = spawnSync(
  node,
  ['node_modules/@stryker-mutator/core/bin/stryker.js', 'run', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env
  }
)
// The per-module check runs whenever there is a report, also when Stryker's own threshold
// failed: a run whose tests could not run fails both, and only the check says why.
if (!existsSync(REPORT)) {
  console.error(`Stryker wrote no ${REPORT} (keep the json reporter), so no module was judged.`)
  process.exit(stryker.status || 1)
}
const scores = spawnSync(node, ['scripts/mutation-scores.mjs'], { stdio: 'inherit', env })
process.exit((stryker.status ?? 1) || (scores.status ?? 1))

// `npm run bench`: times the bundled action against a bare Node start in the same run, on
// the runtime action.yml declares, and prints the bundle size. A benchmark, not a test.
// BENCH_BASELINE=<a dist/ folder built from another commit> times that bundle too, in the same
// rounds, alternating with this one: the same harness before and after a change.
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { daysFromNow, makeCluster, talosconfigYaml } from '../test/support/cluster.js'
import { startGitHubStandIn } from '../test/support/github-standin.js'
import { GUARDED_ENTRY, RUNTIMES } from '../test/support/run-action.js'
import { withoutAddresses } from '../src/story/addresses.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15)
/** Start-up ratios to a bare start, and the JavaScript of dist/ (licenses.txt is not code). */
const BUDGET = { check: 1.6, renew: 2.5, bundleBytes: 2.5 * 1024 * 1024 }
const BASELINE = process.env.BENCH_BASELINE
const node = (RUNTIMES[0] as { node: string }).node

async function timed(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const start = performance.now()
  const code = await new Promise<number | null>((resolve) =>
    spawn(node, args, { env, stdio: 'ignore' }).on('close', resolve)
  )
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}`)
  return performance.now() - start
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number

const cluster = makeCluster()
const github = await startGitHubStandIn()
const talosconfigFor = (daysLeft: number) =>
  talosconfigYaml('bench', {
    bench: {
      endpoints: ['127.0.0.1:9'],
      caPem: cluster.caCrtPem,
      client: cluster.clientCertificate({ notBefore: daysFromNow(daysLeft - 365), notAfter: daysFromNow(daysLeft) })
    }
  })
const envFor = (talosconfig: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  RUNNER_TEMP: cluster.dir,
  GITHUB_OUTPUT: join(cluster.dir, 'output'),
  GITHUB_STEP_SUMMARY: join(cluster.dir, 'summary'),
  'INPUT_SECRETS-BUNDLE': cluster.bundleYaml,
  INPUT_TALOSCONFIG: talosconfig,
  'INPUT_GITHUB-TOKEN': github.token,
  'INPUT_GITHUB-API-URL': github.url,
  INPUT_REPOSITORY: 'acme/cluster-ops'
})
// A check-only run, as on a pull request: it needs the talosconfig alone.
const checkEnv = {
  ...envFor(talosconfigFor(200)),
  INPUT_MODE: 'check',
  'INPUT_SECRETS-BUNDLE': '',
  'INPUT_GITHUB-TOKEN': ''
}
// A renewal with the CA key and no proof, as before renew-through and verify-connection
// existed: its endpoint is never tried, so the numbers compare with earlier ones.
const renewEnv = {
  ...envFor(talosconfigFor(5)),
  INPUT_MODE: 'renew',
  'INPUT_RENEW-THROUGH': 'ca-key',
  'INPUT_VERIFY-CONNECTION': 'never'
}

// A scheduled run with nothing due, with and without the break-glass drill: the difference is
// the drill's own cost, paid once per scheduled run (its endpoint refuses at once, so it ends
// 'checked' after opening the bundle and signing a throwaway certificate).
const scheduledEnv = { ...envFor(talosconfigFor(200)), GITHUB_EVENT_NAME: 'schedule' }
const undrilledEnv = { ...scheduledEnv, 'INPUT_BREAK-GLASS-DRILL': 'never' }
// The same without any CA source: renewals would go through the Talos API, there is nothing to drill.
const keylessEnv = { ...scheduledEnv, 'INPUT_SECRETS-BUNDLE': '' }

for (const file of ['output', 'summary']) writeFileSync(join(cluster.dir, file), '')
/** The guarded start of a bundle: this checkout's dist/, or the baseline's. */
const entryOf = (dist: string | undefined) =>
  dist ? [...GUARDED_ENTRY.slice(0, 2), join(dist, 'index.js')] : GUARDED_ENTRY
const scenarios: Array<{ name: string; env: NodeJS.ProcessEnv; budget?: number }> = [
  { name: 'check (mode check)', env: checkEnv, budget: BUDGET.check },
  { name: 'renew (issue + write secret)', env: renewEnv, budget: BUDGET.renew },
  { name: 'scheduled, nothing due, no CA source', env: keylessEnv },
  { name: 'scheduled, nothing due, no drill', env: undrilledEnv },
  { name: 'scheduled, nothing due, drill', env: scheduledEnv }
]
const runs = [undefined, ...(BASELINE ? [BASELINE] : [])].flatMap((dist) =>
  scenarios.map((scenario) => ({ ...scenario, dist, name: dist ? `${scenario.name}, baseline` : scenario.name }))
)
const times: Record<string, number[]> = { bare: [] }
for (const run of runs) times[run.name] = []
try {
  await timed(['-e', '0'], {}) // warm the file cache
  for (let round = 0; round < ROUNDS; round++) {
    // Every run has the loopback guard preloaded, the bare start too, so that ratios compare
    // like with like and no run can leave loopback. Odd rounds go in reverse order, so that
    // neither bundle always runs right after the other.
    times.bare?.push(await timed([...GUARDED_ENTRY.slice(0, 2), '-e', '0'], { PATH: process.env.PATH }))
    for (const run of round % 2 === 0 ? runs : [...runs].reverse()) {
      times[run.name]?.push(await timed(entryOf(run.dist), run.env))
    }
  }
} finally {
  await github.close()
}

const bare = median(times.bare ?? [])
const line = (name: string, ms: number, budget?: number): string => {
  const ratio = ms / bare
  const verdict = budget === undefined ? '' : ratio <= budget ? `  within ${budget}x` : `  OVER ${budget}x budget`
  return `${name.padEnd(48)} ${ms.toFixed(1).padStart(7)} ms  ${ratio.toFixed(2)}x${verdict}`
}
const files = readdirSync('dist', { recursive: true })
  .map(String)
  .filter((file) => file.endsWith('.js'))
const bytes = (file: string) => statSync(join('dist', file)).size
const total = files.reduce((sum, file) => sum + bytes(file), 0)
/** index.js and the chunks it imports statically: what every run loads before its first line. */
function loadedAtStart(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen
  seen.add(file)
  const source = readFileSync(join('dist', file), 'utf8')
  for (const [, imported] of source.matchAll(/(?:^|[;\s])import\s*(?:[^"'();]*?from\s*)?["']\.\/([^"']+)["']/g)) {
    loadedAtStart(join(dirname(file), imported as string), seen)
  }
  return seen
}
const startup = [...loadedAtStart('index.js')].reduce((sum, file) => sum + bytes(file), 0)
const over =
  runs.some((run) => !run.dist && run.budget !== undefined && median(times[run.name] ?? []) / bare > run.budget) ||
  total > BUDGET.bundleBytes

console.log(`${(RUNTIMES[0] as { name: string }).name} (the runtime action.yml declares), median of ${ROUNDS} rounds`)
console.log(line('bare start (node -e 0)', bare))
for (const run of runs) console.log(line(run.name, median(times[run.name] ?? []), run.dist ? undefined : run.budget))
const drillCost =
  median(times['scheduled, nothing due, drill'] ?? []) - median(times['scheduled, nothing due, no drill'] ?? [])
console.log(`break-glass drill's own cost on a scheduled run: ${drillCost.toFixed(1)} ms`)
const kib = (count: number): string => `${(count / 1024).toFixed(0)} KiB`
const bundleVerdict = total <= BUDGET.bundleBytes ? 'within' : 'OVER'
console.log(
  `bundle: ${kib(total)} of JavaScript in ${files.length} files, ${bundleVerdict} the budget of ${kib(BUDGET.bundleBytes)}; ` +
    `loaded at every start: ${kib(startup)}`
)
for (const file of files.filter((f) => f !== 'index.js').sort())
  console.log(`  ${file.padEnd(40)} ${(bytes(file) / 1024).toFixed(0).padStart(5)} KiB`)
if (over) console.log('Over budget: see the lines marked OVER.')

// The gate's address remover, on the largest answer a node can send (gRPC's 4 MiB message),
// in the shapes that cost a backtracking expression the most: one pass, whatever the text.
const NODE_ANSWER_BYTES = 4 * 1024 * 1024
const hostile: Record<string, string> = {
  'dots and digits': '1.'.repeat(NODE_ANSWER_BYTES / 2),
  'one long token': 'a'.repeat(NODE_ANSWER_BYTES),
  'colons and hex': 'f:'.repeat(NODE_ANSWER_BYTES / 2),
  'addresses and words': 'dial 10.20.30.40:50000 see https://evil.example/x '.repeat(NODE_ANSWER_BYTES / 48)
}
for (const [shape, text] of Object.entries(hostile)) {
  const started = performance.now()
  withoutAddresses(text.slice(0, NODE_ANSWER_BYTES))
  console.log(`address remover, ${kib(NODE_ANSWER_BYTES)} of ${shape}: ${(performance.now() - started).toFixed(1)} ms`)
}

// Holds each mutated module to its mutation score, from Stryker's JSON report: the guards that
// stand between a bad credential and a cluster (verify, inspect, the encodings, inert, the
// judge of contexts) to 90 %, every other mutated module to 85 %. Stryker's own `break`
// threshold is for the whole run; this is per module, so that a weak file cannot hide.
import { readFileSync } from 'node:fs'

const REPORT = 'reports/mutation/mutation.json'
const STRICT = [
  'src/pki/verify.ts',
  'src/pki/inspect.ts',
  'src/encoding.ts',
  'src/inert.ts',
  'src/credentials/judge.ts'
]
const STRICT_SCORE = 90
const SCORE = 85

/** Stryker's mutation score: detected among all that could have been (no-coverage ones count as missed). */
export function scoreOf(mutants) {
  const count = (...statuses) => mutants.filter((mutant) => statuses.includes(mutant.status)).length
  const detected = count('Killed', 'Timeout')
  const valid = detected + count('Survived', 'NoCoverage')
  return valid === 0 ? 100 : (100 * detected) / valid
}

const report = JSON.parse(readFileSync(REPORT, 'utf8'))
let failed = false
const rows = Object.entries(report.files)
  .map(([path, file]) => {
    const relative = path.replace(/^.*?(src\/)/, '$1')
    const needed = STRICT.includes(relative) ? STRICT_SCORE : SCORE
    const score = scoreOf(file.mutants)
    const survivors = file.mutants.filter((mutant) => mutant.status === 'Survived' || mutant.status === 'NoCoverage')
    if (score < needed) failed = true
    return { relative, score, needed, survivors: survivors.length, mutants: file.mutants.length }
  })
  .sort((a, b) => a.relative.localeCompare(b.relative))
for (const { relative, score, needed, survivors, mutants } of rows) {
  const verdict = score >= needed ? 'ok' : `BELOW ${needed} %`
  console.log(
    `${relative.padEnd(40)} ${score.toFixed(1).padStart(6)} %  (${survivors} of ${mutants} survive)  ${verdict}`
  )
}
if (failed) {
  console.error(
    `A module is below its mutation score (${STRICT_SCORE} % for ${STRICT.join(', ')}; ${SCORE} % for the rest).`
  )
  process.exit(1)
}

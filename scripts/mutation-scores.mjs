// Holds each mutated module to its mutation score, from Stryker's JSON report: the gate every
// text for people passes (the story's gate and its address remover) to 95 %; the guards that
// stand between a bad credential and a cluster (verify, inspect, the encodings, inert, the
// judge of contexts) to 90 %; every other mutated module to 85 %. Stryker's own `break`
// threshold is for the whole run; this is per module, so that a weak file cannot hide.
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

const REPORT = 'reports/mutation/mutation.json'
const GATE = ['src/story/gate.ts', 'src/story/addresses.ts']
const GATE_SCORE = 95
const STRICT = [
  'src/pki/verify.ts',
  'src/pki/inspect.ts',
  'src/encoding.ts',
  'src/story/inert.ts',
  'src/credentials/judge.ts'
]
const STRICT_SCORE = 90
const SCORE = 85
/**
 * Stryker leaves mutants whose tests could not run (a test process that printed no TAP, a
 * file that did not load) out of the score. A few are normal; more than this share means the
 * run itself is broken, and a module with every mutant in error would otherwise read 100 %.
 */
const MAX_ERROR_SHARE = 0.05

const count = (mutants, ...statuses) => mutants.filter((mutant) => statuses.includes(mutant.status)).length

/** Stryker's mutation score: detected among all that could have been (no-coverage ones count as missed). */
export function scoreOf(mutants) {
  const detected = count(mutants, 'Killed', 'Timeout')
  const valid = detected + count(mutants, 'Survived', 'NoCoverage')
  return valid === 0 ? 100 : (100 * detected) / valid
}

/** One module's row: its score, what it needs, and whether its run can be trusted. */
export function judgeModule(relative, mutants) {
  const needed = GATE.includes(relative) ? GATE_SCORE : STRICT.includes(relative) ? STRICT_SCORE : SCORE
  const score = scoreOf(mutants)
  const errors = count(mutants, 'RuntimeError', 'CompileError')
  const survivors = count(mutants, 'Survived', 'NoCoverage')
  const broken = errors > MAX_ERROR_SHARE * mutants.length
  const verdict = broken
    ? `BROKEN RUN: ${errors} mutants could not be tested`
    : score >= needed
      ? 'ok'
      : `BELOW ${needed} %`
  return { relative, score, needed, survivors, mutants: mutants.length, errors, broken, ok: verdict === 'ok', verdict }
}

/** The rows of a Stryker JSON report, by path. */
export function judgeReport(report) {
  return Object.entries(report.files)
    .map(([path, file]) => judgeModule(path.replace(/^.*?(src\/)/, '$1'), file.mutants))
    .sort((a, b) => a.relative.localeCompare(b.relative))
}

function main() {
  const report = JSON.parse(readFileSync(REPORT, 'utf8'))
  const rows = judgeReport(report)
  for (const { relative, score, survivors, mutants, verdict } of rows) {
    console.log(
      `${relative.padEnd(40)} ${score.toFixed(1).padStart(6)} %  (${survivors} of ${mutants} survive)  ${verdict}`
    )
  }
  if (rows.some((row) => row.broken)) {
    // Only the reason's first line: the rest is a test process's stderr, which is not ours to
    // print into a workflow log (the runner would read any command in it).
    const reason = Object.values(report.files)
      .flatMap((file) => file.mutants)
      .find((mutant) => mutant.status === 'RuntimeError' || mutant.status === 'CompileError')
      ?.statusReason?.split('\n')[0]
    console.error(
      `Stryker could not run the tests for many mutants. The first reason it gave: ${reason}\n` +
        `The whole reason, with the command that reproduces it, is in ${REPORT}.`
    )
    process.exit(1)
  }
  if (rows.some((row) => !row.ok)) {
    console.error(
      `A module is below its mutation score (${GATE_SCORE} % for ${GATE.join(', ')}; ` +
        `${STRICT_SCORE} % for ${STRICT.join(', ')}; ${SCORE} % for the rest).`
    )
    process.exit(1)
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main()

// The runner's writers: the only place the action prints, annotates, sets outputs or writes the
// job summary (a lint rule holds that). Each takes gated text, and every line is made inert for
// both of the runner's command forms, whatever it quotes.
import { debug, error, info, isDebug, notice, setFailed, setOutput, warning } from '@actions/core'
import { appendFileSync } from 'node:fs'
import type { Gated } from './gate.js'
import type { Writers } from './index.js'
import { inert, inertAnnotation } from './inert.js'

export function runnerWriters(summaryPath: string | undefined): Writers {
  return {
    info: (line) => info(inert(line)),
    notice: (line) => notice(inertAnnotation(line)),
    warning: (line) => warning(inertAnnotation(line)),
    error: (line) => error(inertAnnotation(line)),
    setOutput: (name, value) => setOutput(name, value),
    // Plain appends, as the runner reads the file: core.summary would load fs/promises at
    // every start for one write.
    writeSummary: async (markdown) => writeSummary(summaryPath, markdown)
  }
}

export function writeSummary(path: string | undefined, markdown: Gated): void {
  if (path) appendFileSync(path, `${markdown}\n`)
}

/** The step's one error line, and the stack only when the runner debugs. */
export function failStep(line: Gated, stack: string | undefined): void {
  setFailed(inertAnnotation(line))
  // The runner's toolkit sets it in setFailed; a stand-in toolkit (local-action) may not.
  process.exitCode = 1
  if (isDebug() && stack) debug(inertAnnotation(stack))
}

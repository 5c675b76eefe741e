// The story of a run, as people read it: log lines, annotations, the step's outputs and the
// job summary, all through one gate (gate.ts). main tells it; the writers under it are the
// runner's (runner.ts) or a test's, and take only gated text.
import type { OutputNames } from '../credentials/pass.js'
import type { FailOn } from '../plan.js'
import type { RunResult } from '../result.js'
import type { Text } from '../text.js'
import type { Gate, Gated } from './gate.js'
import type { Links } from './links.js'
import { annotationsOf, headlines, outputsOf } from './report.js'
import { summaryOf } from './summary.js'

/** Where gated words go. */
export interface Writers {
  info(line: Gated): void
  notice(line: Gated): void
  warning(line: Gated): void
  /** An error annotation that does not by itself end the run. */
  error(line: Gated): void
  setOutput(name: string, value: Gated): void
  writeSummary(markdown: Gated): Promise<void>
}

export type Level = 'info' | 'notice' | 'warning' | 'error'

export class Story {
  constructor(
    readonly gate: Gate,
    private readonly writers: Writers,
    private readonly links: Links = { readmeUrl: undefined }
  ) {}

  /** One line at its level, gated. */
  say(level: Level, text: Text): void {
    this.writers[level](this.gate.text(text))
  }

  /** The end of a run, success or failure alike: outputs, a headline a credential, annotations, the summary. */
  async tell(result: RunResult, failOn: FailOn, kinds: readonly OutputNames[]): Promise<void> {
    for (const [name, value] of Object.entries(outputsOf(result, kinds, this.gate))) this.writers.setOutput(name, value)
    for (const line of headlines(result)) this.say('info', line)
    for (const { level, message } of annotationsOf(result, failOn)) this.say(level, message)
    await this.writers.writeSummary(summaryOf(result, this.gate, this.links))
  }
}

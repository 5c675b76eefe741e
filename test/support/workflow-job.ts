// Runs one job of a workflow file here, step by step, as the runner would: `run:` steps in
// bash with GITHUB_OUTPUT and their env, `uses: ./` as the bundled action with INPUT_*
// variables (action.yml's defaults filled in), outcomes and continue-on-error. Only the
// expressions the project's own workflows use are understood; any other is an error, so a
// workflow cannot drift away from what this runs without a test saying so.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { GUARDED_ENTRY, parseOutputFile, RUNTIMES } from './run-action.js'

interface Step {
  id?: string
  name?: string
  uses?: string
  run?: string
  shell?: string
  if?: string
  env?: Record<string, string>
  with?: Record<string, string | boolean>
  'continue-on-error'?: boolean
}

export interface StepResult {
  label: string
  outcome: 'success' | 'failure' | 'skipped'
  outputs: Record<string, string>
  log: string
}

export interface JobResult {
  conclusion: 'success' | 'failure'
  steps: StepResult[]
}

/** The `github` context of the emulated run. */
export interface GitHubContext {
  event_name: string
  repository: string
  token: string
  api_url: string
}

export function runWorkflowJob(workflowPath: string, jobName: string, github: GitHubContext): JobResult {
  const workflow = parse(readFileSync(workflowPath, 'utf8'))
  const job = workflow.jobs[jobName] as { steps: Step[]; env?: Record<string, string> }
  const action = parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, { default?: string }> }
  const results = new Map<string, StepResult>()
  const steps: StepResult[] = []
  const masks: string[] = []
  let failed = false
  const evaluate = (text: string): string =>
    text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_whole, expression: string) => valueOf(expression))
  const valueOf = (expression: string): string => {
    const step = /^steps\.([\w-]+)\.(outputs\.([\w-]+)|outcome)$/.exec(expression)
    if (step) {
      const result = results.get(step[1] as string)
      return step[3] ? (result?.outputs[step[3]] ?? '') : (result?.outcome ?? '')
    }
    const context = /^github\.(event_name|repository|token|api_url)$/.exec(expression)
    if (context) return github[context[1] as keyof GitHubContext]
    throw new Error(`the workflow uses an expression this emulator does not know: ${expression}`)
  }
  for (const [index, step] of job.steps.entries()) {
    const label = step.name ?? step.id ?? step.uses ?? `step ${index + 1}`
    if (step.if !== undefined) throw new Error(`step '${label}' has an if:, which this emulator does not evaluate`)
    let result: StepResult
    if (step.uses?.startsWith('actions/checkout@')) {
      result = { label, outcome: 'success', outputs: {}, log: 'the working tree is the checkout' }
    } else if (step.uses === './') {
      const inputs: Record<string, string> = {}
      for (const [name, spec] of Object.entries(action.inputs))
        if (spec.default !== undefined) inputs[name] = evaluate(String(spec.default))
      for (const [name, value] of Object.entries(step.with ?? {})) inputs[name] = evaluate(String(value))
      result = runStep(label, [(RUNTIMES[0] as { node: string }).node, ...GUARDED_ENTRY], github, {
        ...inputEnv(inputs),
        ...evaluateAll(job.env, evaluate)
      })
    } else if (step.run !== undefined) {
      const script = join(mkdtempSync(join(tmpdir(), 'workflow-step-')), 'step.sh')
      writeFileSync(script, step.run)
      const shell =
        step.shell === 'bash' ? ['bash', '--noprofile', '--norc', '-eo', 'pipefail', script] : ['bash', '-e', script]
      result = runStep(label, shell, github, { ...evaluateAll(job.env, evaluate), ...evaluateAll(step.env, evaluate) })
    } else {
      throw new Error(`step '${label}' uses ${step.uses}, which this emulator does not run`)
    }
    // As the runner does: a value added with ::add-mask:: shows as *** in every later line.
    for (const line of result.log.split('\n'))
      if (line.startsWith('::add-mask::')) masks.push(line.slice('::add-mask::'.length))
    result.log = masked(result.log, masks)
    steps.push(result)
    if (step.id) results.set(step.id, result)
    if (result.outcome === 'failure' && !step['continue-on-error']) {
      failed = true
      break
    }
  }
  return { conclusion: failed ? 'failure' : 'success', steps }
}

function masked(log: string, masks: string[]): string {
  return log
    .split('\n')
    .map((line) =>
      line.startsWith('::add-mask::')
        ? '::add-mask::***'
        : masks.reduce((text, mask) => (mask ? text.split(mask).join('***') : text), line)
    )
    .join('\n')
}

function evaluateAll(
  env: Record<string, string> | undefined,
  evaluate: (text: string) => string
): Record<string, string> {
  return Object.fromEntries(Object.entries(env ?? {}).map(([name, value]) => [name, evaluate(String(value))]))
}

/** INPUT_<NAME> as the runner passes inputs: upper case, hyphens kept. */
const inputEnv = (inputs: Record<string, string>) =>
  Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]))

function runStep(label: string, command: string[], github: GitHubContext, env: Record<string, string>): StepResult {
  const work = mkdtempSync(join(tmpdir(), 'workflow-run-'))
  const outputFile = join(work, 'output')
  writeFileSync(outputFile, '')
  const [file, ...args] = command as [string, ...string[]]
  const run = spawnSync(file, args, {
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? work,
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: github.event_name,
      GITHUB_REPOSITORY: github.repository,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: join(work, 'summary'),
      RUNNER_TEMP: work,
      ...env
    }
  })
  return {
    label,
    outcome: run.status === 0 ? 'success' : 'failure',
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    log: `${run.stdout}${run.stderr}`
  }
}

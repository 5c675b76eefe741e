// Runs the bundled action exactly as the runner does: `node dist/index.js` with INPUT_*
// variables (hyphens kept), and GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and RUNNER_TEMP files.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { machineNode } from '../../scripts/machine-node.mjs'
import { node24OrExit } from '../../scripts/node24.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const ACTION_ENTRY = join(root, 'dist', 'index.js')

/**
 * How every test, the demo and the bench start the bundle: with the loopback guard preloaded,
 * so that no run can reach past 127.0.0.0/8 and ::1 whatever its fixture names.
 */
export const GUARDED_ENTRY = [
  '--import',
  pathToFileURL(join(root, 'test', 'support', 'loopback-guard.mjs')).href,
  ACTION_ENTRY
]

const runtime = (node: string) => ({
  name: `node ${execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()}`,
  node
})

/**
 * The runtimes the bundle is tested under: the one action.yml declares (24), and this machine's.
 * Without a Node 24 the tests, the demo and the bench cannot say anything about the action's
 * runtime: they stop at import with the one line that says what to install.
 */
export const RUNTIMES: Array<{ name: string; node: string }> = [
  runtime(node24OrExit('running dist/index.js as the runner does')),
  runtime(machineNode())
]

export interface ActionRun {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  runnerTemp: string
  /** What the loopback guard refused: `connect HOST:PORT` or `lookup NAME`, in order. */
  refused: string[]
}

/**
 * GITHUB_OUTPUT holds, per output, `name<<DELIMITER`, the value and the delimiter (as the
 * toolkit writes it), or `name=value` on one line (as shell steps write it).
 */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    const match = /^([^<=]+)<<(.+)$/.exec(line)
    if (!match) {
      const single = /^([^<=]+)=(.*)$/.exec(line)
      if (single) outputs[single[1] as string] = single[2] as string
      continue
    }
    const end = lines.indexOf(match[2] as string, i + 1)
    outputs[match[1] as string] = lines.slice(i + 1, end).join('\n')
    i = end
  }
  return outputs
}

export async function runAction(
  inputs: Record<string, string>,
  options: { node?: string; env?: Record<string, string>; timeoutMs?: number } = {}
): Promise<ActionRun> {
  const work = mkdtempSync(join(tmpdir(), 'action-run-'))
  const outputFile = join(work, 'output')
  const summaryFile = join(work, 'summary')
  const runnerTemp = mkdtempSync(join(work, 'temp-'))
  const guardLog = join(work, 'refused')
  writeFileSync(guardLog, '')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? work,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: runnerTemp,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'schedule',
    GITHUB_REPOSITORY: 'acme/cluster-ops',
    ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
    ...options.env,
    LOOPBACK_GUARD_LOG: guardLog
  }
  const node = options.node ?? (RUNTIMES[0] as { node: string }).node
  if (!existsSync(node)) throw new Error(`no Node binary at ${node}; run npm ci`)
  const child = spawn(node, GUARDED_ENTRY, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearTimeout(timer)
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    runnerTemp,
    refused: readFileSync(guardLog, 'utf8').split('\n').filter(Boolean)
  }
}

/** The ::error lines of a run, unescaped as the runner reads workflow commands. */
export function errorLines(run: ActionRun): string[] {
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('::error'))
    .map((line) => line.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'))
}

/**
 * Every line of the log with ::add-mask:: commands taken out (the runner consumes those and
 * never shows them), so tests can check that no key material reaches what people see.
 */
export function visibleLog(run: ActionRun): string {
  return (run.stdout + run.stderr)
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
}

/** The values the action asked the runner to mask. */
export function maskedValues(run: ActionRun): string[] {
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('::add-mask::'))
    .map((line) => line.slice('::add-mask::'.length))
}

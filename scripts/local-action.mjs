// `npm run local-action`: runs the action with @github/local-action, inputs from .env (or the
// file named as the first argument), on Node 24 as the runner does, and shows what the runner
// would: the action's log, its outputs and its job summary; it exits with the action's exit
// status. Without the env file it says, in one line, what to do.
// Where the tool's stand-in for @actions/core is not the runner, this script puts it right:
// - Its getInput() reads an empty INPUT_* as unset and gives action.yml's default as written,
//   so an empty token became the literal `${{ github.token }}`. No value in the env file can
//   mean empty (the stand-in keeps any, and run.ts would take it for a token), so the tool
//   reads a copy of action.yml without the runner's expressions, which nothing here can
//   evaluate: the action's own fallbacks apply (GITHUB_REPOSITORY, GITHUB_API_URL).
// - Its setFailed() leaves the exit status at 0; the action sets process.exitCode itself
//   beside it (src/story/runner.ts), as it does for a failed check, so the tool's own exit
//   status is the action's.
// - It prints outputs and annotations as ::commands:: between its banner and tables; the log
//   is cut from them by the frame scripts/local-action-entry.ts prints around the run.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parse, stringify } from 'yaml'
import { node24OrExit } from './node24.mjs'

/** How wide an output's value may be in the table: the report output is JSON of any length. */
const VALUE_WIDTH = 60

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const given = process.argv[2] ?? '.env'
const envFile = resolve(given)
if (!existsSync(envFile)) {
  console.error(
    `No ${given} file: copy .env.example to ${given}, fill in the inputs, and run 'npm run local-action' again.`
  )
  process.exit(1)
}
const node = node24OrExit('npm run local-action')

/** action.yml as the tool should read it: inputs whose default is a runner expression have none. */
function actionFolder(work) {
  const folder = join(work, 'action')
  mkdirSync(folder)
  const action = parse(readFileSync(join(root, 'action.yml'), 'utf8'))
  for (const input of Object.values(action.inputs ?? {}))
    if (String(input?.default ?? '').includes('${{')) delete input.default
  writeFileSync(join(folder, 'action.yml'), stringify(action))
  // The tool picks its package manager from the first package.json at or above the action.
  writeFileSync(join(folder, 'package.json'), '{}\n')
  return folder
}

/**
 * Reads the framed log line by line as the runner reads workflow commands: each line of the
 * stand-in starts with one (it does not escape a message's line breaks, so a line without one
 * continues the last). read() gives what the runner's log shows of a line, or null.
 */
function logReader() {
  const outputs = {}
  let output
  function read(line) {
    const command = /^::([a-z-]+)( [^:]*)?::(.*)$/.exec(line)
    if (!command) {
      if (output === undefined) return line
      outputs[output] += `\n${line}`
      return null
    }
    const [, name, properties = '', message] = command
    output = undefined
    if (name === 'set-output') {
      output = /name=([^,]+)/.exec(properties)?.[1] ?? ''
      outputs[output] = message
      return null
    }
    if (name === 'info' || name === 'group') return message
    if (!['error', 'warning', 'notice', 'debug'].includes(name)) return null // endgroup, and the like
    return `${name[0].toUpperCase()}${name.slice(1)}: ${message}`
  }
  return { read, outputs }
}

function outputsTable(outputs) {
  const set = Object.entries(outputs).filter(([, value]) => value !== '')
  const empty = Object.keys(outputs).length - set.length
  if (set.length === 0) return [empty > 0 ? `(${empty} set, every one empty)` : '(none set)']
  const width = Math.max(...set.map(([name]) => name.length))
  const cut = (value) => (value.length > VALUE_WIDTH ? `${value.slice(0, VALUE_WIDTH - 1)}…` : value)
  return [
    `${'output'.padEnd(width)}  value`,
    ...set.map(([name, value]) => `${name.padEnd(width)}  ${cut(value.replace(/\s+/g, ' '))}`),
    ...(empty > 0 ? [`(and ${empty} set empty)`] : [])
  ]
}

const work = mkdtempSync(join(tmpdir(), 'local-action-'))
const summaryFile = join(work, 'summary.md')
writeFileSync(summaryFile, '')
// New for each run: the action's log quotes its inputs, and an input can hold any line.
const frame = `local-action-frame-${randomUUID()}`
let status = 1
try {
  const tool = spawn(
    node,
    [
      join(root, 'node_modules/@github/local-action/bin/local-action.js'),
      'run',
      actionFolder(work),
      join(root, 'scripts/local-action-entry.ts'),
      envFile
    ],
    {
      cwd: root,
      stdio: ['inherit', 'pipe', 'inherit'],
      env: {
        ...process.env,
        // The tool starts npm and tsx by name: they, and the action, get this Node.
        PATH: [dirname(node), join(root, 'node_modules/.bin'), process.env.PATH].join(delimiter),
        GITHUB_STEP_SUMMARY: summaryFile,
        LOCAL_ACTION_FRAME: frame
      }
    }
  )
  const exited = new Promise((done) => tool.on('close', (code, signal) => done({ code, signal })))
  const before = []
  const log = logReader()
  let part = 'before'
  for await (const raw of createInterface({ input: tool.stdout, crlfDelay: Infinity })) {
    // The stand-in colours its lines when told to (FORCE_COLOR); the runner's log has none.
    const line = raw.replace(/\x1b\[[0-9;]*m/g, '') // eslint-disable-line no-control-regex
    if (line === `${frame} start`) {
      part = 'action'
      console.log('== Log ==')
    } else if (line === `${frame} end`) part = 'after'
    else if (part === 'action') {
      const shown = log.read(line)
      if (shown !== null) console.log(shown)
    } else if (part === 'before') before.push(line)
  }
  const { code, signal } = await exited
  if (part === 'before') {
    // The action never ran: what the tool printed is all there is to say why.
    console.log(before.join('\n'))
    console.error(`local-action stopped before the action ran (${signal ?? `exit status ${code}`}).`)
  } else {
    status = code ?? 1
    console.log('\n== Outputs ==')
    for (const line of outputsTable(log.outputs)) console.log(line)
    console.log('\n== Job summary (GITHUB_STEP_SUMMARY) ==')
    console.log(terminalSummary(readFileSync(summaryFile, 'utf8')) || '(the action wrote no job summary)')
    console.log(`\n== Exit status ${status}${status === 0 ? '' : ': the step fails'} ==`)
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
process.exit(status)

/** The summary for a terminal: its chart is for a browser, so it is one line here; the rest as written. */
function terminalSummary(markdown) {
  return markdown
    .trim()
    .replace(
      /```mermaid\n[\s\S]*?\n```/g,
      (block) => `(a Mermaid chart of ${block.split('\n').length - 2} lines: GitHub draws it)`
    )
}

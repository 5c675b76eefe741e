// The runner's edge: it builds the Config and the real collaborators, runs main, and turns
// any failure into exactly one error line. `@github/local-action` calls run() directly.
import { getInput, setSecret } from '@actions/core'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CREDENTIAL_OUTPUTS, inputAddresses } from './credentials/index.js'
import { failureLine } from './errors.js'
import { scopeWords } from './github/target.js'
import { readConfig, type Config } from './inputs.js'
import { main, type Deps } from './main.js'
import { Gate } from './story/gate.js'
import { Story } from './story/index.js'
import { failStep, runnerWriters, writeSummary } from './story/runner.js'
import { failureSummary } from './story/summary.js'
import { Text } from './text.js'
import type { Outcome } from './unattended/index.js'
import { ACTION_NAME, VERSION } from './version.js'

const USER_AGENT = `${ACTION_NAME}/${VERSION}`

function runnerDeps(config: Config, story: Story): Deps {
  const { gate } = story
  return {
    now: () => new Date(),
    mask(value) {
      setSecret(value)
      gate.mask(value)
    },
    know: (address) => gate.know(address),
    info: (message) => story.say('info', message),
    notice: (message) => story.say('notice', message),
    warning: (message) => story.say('warning', message),
    error: (message) => story.say('error', message),
    tell: (result) => story.tell(result, config.failOn, CREDENTIAL_OUTPUTS),
    async saveFile(name, text) {
      const path = join(mkdtempSync(join(config.runnerTemp, 'talos-renew-')), name)
      writeFileSync(path, text, { mode: 0o600, flag: 'wx' })
      return path
    },
    async openSecretStore({ githubToken, githubApiUrl, secretTarget }) {
      const { secretStore } = await import('./github/secrets.js')
      return secretStore(secretTarget, { token: githubToken, apiUrl: githubApiUrl, userAgent: USER_AGENT })
    },
    attend: (config, outcome) => attend(config, outcome, story),
    async openVariableStore({ githubToken, githubApiUrl, secretTarget }) {
      const { variableStore } = await import('./github/variables.js')
      return variableStore(secretTarget, { token: githubToken, apiUrl: githubApiUrl, userAgent: USER_AGENT })
    }
  }
}

/** Keep-alive and the issue, loaded only when a run is asked for either (it then decides by event). */
async function attend(config: Config, outcome: Outcome, story: Story): Promise<number | undefined> {
  if (!config.unattended.keepScheduleAlive && !config.unattended.openIssue) return undefined
  const unattended = await import('./unattended/index.js')
  const { talos, kube } = config.credentials
  const secretNames = [talos.secretName, kube.secretName].filter(Boolean).join(', ')
  const context = {
    apiUrl: config.githubApiUrl,
    credentialSet: `${scopeWords(config.secretTarget)} ${secretNames}`,
    readmeUrl: config.readmeUrl
  }
  return unattended.attend(config.unattended, context, outcome, {
    info: (message) => story.say('info', message),
    warning: (message) => story.say('warning', message),
    gate: story.gate
  })
}

/** The event that started the workflow, as the runner wrote it; undefined when there is none to read. */
function eventPayload(path: string | undefined): unknown {
  try {
    return path ? JSON.parse(readFileSync(path, 'utf8')) : undefined
  } catch {
    return undefined
  }
}

/** The frames of a stack, without its message (the error line has said that, through the gate). */
const framesOf = (error: unknown): Text | undefined => {
  const stack = error instanceof Error ? error.stack : undefined
  const frames = stack?.split('\n').filter((line) => line.trimStart().startsWith('at '))
  return frames?.length ? new Text([{ own: frames.join('\n') }]) : undefined
}

export async function run(): Promise<void> {
  const gate = new Gate()
  // The tokens first of all: no later line, whatever it quotes, may show them.
  for (const name of ['github-token', 'workflow-token']) {
    const token = getInput(name)
    if (token) {
      setSecret(token)
      gate.mask(token)
    }
  }
  const writers = runnerWriters(process.env.GITHUB_STEP_SUMMARY || undefined)
  let config: Config | undefined
  try {
    config = readConfig(
      (name) => getInput(name),
      process.env,
      () => eventPayload(process.env.GITHUB_EVENT_PATH)
    )
    const story = new Story(gate, writers, { readmeUrl: config.readmeUrl })
    for (const address of inputAddresses(config.credentials)) gate.know(address)
    const result = await main(config, runnerDeps(config, story))
    // The check's own ::error annotations have said why; no further error line is wanted.
    if (result.failed) process.exitCode = 1
  } catch (error) {
    const line = failureLine(error)
    // main has told a failed run's story (summary, outputs, issue); a failure before it had
    // a Config still leaves the error in the summary.
    if (!config) writeSummary(process.env.GITHUB_STEP_SUMMARY, failureSummary(line, gate))
    const frames = framesOf(error)
    failStep(gate.text(line), frames && gate.text(frames))
  }
}

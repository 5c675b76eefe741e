// The runner's edge: it builds the Config and the real collaborators, runs main, and turns
// any failure into exactly one error line. `@github/local-action` calls run() directly.
import * as core from '@actions/core'
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { failureLine } from './errors.js'
import { readConfig, type Config } from './inputs.js'
import { main, type Deps } from './main.js'
import { failureSummary } from './summary.js'
import { credentialAddresses } from './credentials/index.js'
import { scopeWords } from './github/target.js'
import type { Outcome } from './unattended/index.js'
import { inert, inertAnnotation } from './inert.js'
import { ACTION_NAME, VERSION } from './version.js'

const USER_AGENT = `${ACTION_NAME}/${VERSION}`

function runnerDeps(config: Config): Deps {
  return {
    now: () => new Date(),
    mask: (value) => core.setSecret(value),
    // Every line is inert for both of the runner's command forms, whatever it quotes.
    info: (message) => core.info(inert(message)),
    notice: (message) => core.notice(inertAnnotation(message)),
    warning: (message) => core.warning(inertAnnotation(message)),
    error: (message) => core.error(inertAnnotation(message)),
    setOutput: (name, value) => core.setOutput(name, value),
    // Plain appends, as the runner reads the file: core.summary would load fs/promises at
    // every start for one write.
    writeSummary: async (markdown) => writeSummary(config.stepSummaryPath, markdown),
    async saveFile(name, text) {
      const path = join(mkdtempSync(join(config.runnerTemp, 'talos-renew-')), name)
      writeFileSync(path, text, { mode: 0o600, flag: 'wx' })
      return path
    },
    async openSecretStore({ githubToken, githubApiUrl, secretTarget }) {
      const { secretStore } = await import('./github/secrets.js')
      return secretStore(secretTarget, { token: githubToken, apiUrl: githubApiUrl, userAgent: USER_AGENT })
    },
    attend: (config, outcome) => attend(config, outcome),
    async openVariableStore({ githubToken, githubApiUrl, secretTarget }) {
      const { variableStore } = await import('./github/variables.js')
      return variableStore(secretTarget, { token: githubToken, apiUrl: githubApiUrl, userAgent: USER_AGENT })
    }
  }
}

/** Keep-alive and the issue, loaded only when a run is asked for either (it then decides by event). */
async function attend(config: Config, outcome: Outcome): Promise<number | undefined> {
  if (!config.unattended.keepScheduleAlive && !config.unattended.openIssue) return undefined
  const unattended = await import('./unattended/index.js')
  const { talos, kube } = config.credentials
  const secretNames = [talos.secretName, kube.secretName].filter(Boolean).join(', ')
  const context = {
    apiUrl: config.githubApiUrl,
    credentialSet: `${scopeWords(config.secretTarget)} ${secretNames}`,
    addresses: credentialAddresses(config.credentials)
  }
  return unattended.attend(config.unattended, context, outcome, {
    info: (message) => core.info(inert(message)),
    warning: (message) => core.warning(inertAnnotation(message))
  })
}

function writeSummary(path: string | undefined, markdown: string): void {
  if (path) appendFileSync(path, `${markdown}\n`)
}

/** The event that started the workflow, as the runner wrote it; undefined when there is none to read. */
function eventPayload(path: string | undefined): unknown {
  try {
    return path ? JSON.parse(readFileSync(path, 'utf8')) : undefined
  } catch {
    return undefined
  }
}

export async function run(): Promise<void> {
  // The tokens first of all: no later line, whatever it quotes, may show them.
  for (const name of ['github-token', 'workflow-token']) {
    const token = core.getInput(name)
    if (token) core.setSecret(token)
  }
  let config: Config | undefined
  try {
    config = readConfig(
      (name) => core.getInput(name),
      process.env,
      () => eventPayload(process.env.GITHUB_EVENT_PATH)
    )
    const result = await main(config, runnerDeps(config))
    // The check's own ::error annotations have said why; no further error line is wanted.
    if (result.failed) process.exitCode = 1
  } catch (error) {
    const line = failureLine(error)
    // main has told a failed run's story (summary, outputs, issue); a failure before it had
    // a Config still leaves the error in the summary.
    if (!config) writeSummary(process.env.GITHUB_STEP_SUMMARY, failureSummary(line))
    core.setFailed(inertAnnotation(line))
    if (core.isDebug() && error instanceof Error && error.stack) core.debug(inertAnnotation(error.stack))
  }
}

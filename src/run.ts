// The runner's edge: it builds the Config and the real collaborators, runs main, and turns
// any failure into exactly one error line. `@github/local-action` calls run() directly.
import * as core from '@actions/core'
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError, describe } from './errors.js'
import { readConfig, type Config } from './inputs.js'
import { main, type Deps } from './main.js'
import { ACTION_NAME, VERSION } from './version.js'

function runnerDeps(config: Config): Deps {
  return {
    now: () => new Date(),
    mask: (value) => core.setSecret(value),
    info: (message) => core.info(message),
    notice: (message) => core.notice(message),
    warning: (message) => core.warning(message),
    error: (message) => core.error(message),
    setOutput: (name, value) => core.setOutput(name, value),
    // Plain appends, as the runner reads the file: core.summary would load fs/promises at
    // every start for one write.
    async writeSummary(markdown) {
      if (config.stepSummaryPath) appendFileSync(config.stepSummaryPath, `${markdown}\n`)
    },
    async saveFile(name, text) {
      const path = join(mkdtempSync(join(config.runnerTemp, 'talos-renew-')), name)
      writeFileSync(path, text, { mode: 0o600, flag: 'wx' })
      return path
    },
    async openSecretStore({ githubToken, githubApiUrl, secretTarget }) {
      const { secretStore } = await import('./github/secrets.js')
      return secretStore(secretTarget, { token: githubToken, apiUrl: githubApiUrl, userAgent: `${ACTION_NAME}/${VERSION}` })
    }
  }
}

export async function run(): Promise<void> {
  try {
    const config = readConfig((name) => core.getInput(name), process.env)
    const result = await main(config, runnerDeps(config))
    // The check's own ::error annotations have said why; no further error line is wanted.
    if (result.failed) process.exitCode = 1
  } catch (error) {
    if (error instanceof UserError) {
      core.setFailed(error.message)
    } else {
      core.setFailed(`Unexpected failure: ${describe(error)}. This is a bug in ${ACTION_NAME}; please report it.`)
    }
    if (core.isDebug() && error instanceof Error && error.stack) core.debug(error.stack)
  }
}


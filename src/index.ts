// The entry the runner starts: it builds the Config and the real collaborators, runs main,
// and turns any failure into exactly one error line.
import * as core from '@actions/core'
import { chmod, mkdtemp, writeFile } from 'node:fs/promises'
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
    warning: (message) => core.warning(message),
    setOutput: (name, value) => core.setOutput(name, value),
    async writeSummary(markdown) {
      if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write()
    },
    async saveFile(name, text) {
      const dir = await mkdtemp(join(config.runnerTemp, 'talos-renew-'))
      const path = join(dir, name)
      await writeFile(path, text, { mode: 0o600 })
      await chmod(path, 0o600)
      return path
    },
    async openSecretStore({ githubToken, githubApiUrl, repository }) {
      const { repositorySecretStore } = await import('./github/secrets.js')
      return repositorySecretStore({
        token: githubToken,
        apiUrl: githubApiUrl,
        repository,
        userAgent: `${ACTION_NAME}/${VERSION}`
      })
    }
  }
}

async function run(): Promise<void> {
  try {
    const config = readConfig((name) => core.getInput(name), process.env)
    await main(config, runnerDeps(config))
  } catch (error) {
    if (error instanceof UserError) {
      core.setFailed(error.message)
    } else {
      core.setFailed(`Unexpected failure: ${describe(error)}. This is a bug in ${ACTION_NAME}; please report it.`)
    }
    if (core.isDebug() && error instanceof Error && error.stack) core.debug(error.stack)
  }
}

await run()

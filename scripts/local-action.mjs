// `npm run local-action`: runs src/run.ts with @github/local-action, inputs from .env (or the
// file named as the first argument). Without that file it says, in one line, what to do.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, resolve } from 'node:path'

const envFile = process.argv[2] ?? '.env'
if (!existsSync(envFile)) {
  console.error(
    `No ${envFile} file: copy .env.example to ${envFile}, fill in the inputs, and run 'npm run local-action' again.`
  )
  process.exit(1)
}
// npm puts node_modules/.bin on PATH for its scripts; a direct `node scripts/...` has not.
const PATH = [resolve('node_modules/.bin'), process.env.PATH].join(delimiter)
const result = spawnSync('local-action', ['run', '.', 'src/run.ts', envFile], {
  stdio: 'inherit',
  env: { ...process.env, PATH }
})
if (result.error) console.error(`Could not start local-action (${result.error.message}); run 'npm ci' first.`)
process.exit(result.status ?? 1)

// The entrypoint scripts/local-action.mjs hands @github/local-action instead of src/run.ts: it
// runs the action, between two lines that carry LOCAL_ACTION_FRAME. The tool prints its banner
// and tables on the same stdout as the action's log, and has no option to leave them out; the
// frame, which only that script knows, is how it finds the log whatever the tool prints.
import { run as action } from '../src/run.js'

export async function run(): Promise<void> {
  const frame = process.env.LOCAL_ACTION_FRAME ?? ''
  console.log(`${frame} start`)
  try {
    await action()
  } finally {
    console.log(`${frame} end`)
  }
}

// The entry the runner starts (action.yml: dist/index.js).
import { run } from './run.js'

await run()

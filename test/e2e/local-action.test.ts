// A newcomer's first local try: `npm run local-action` with the .env.example as shipped and
// only their own talosconfig filled in runs a check (no token, no API call) through
// @github/local-action, which passes action.yml's defaults as written.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { daysFromNow, makeCluster, talosconfigYaml } from '../support/cluster.js'
import { GUARDED_ENTRY } from '../support/run-action.js'

describe('npm run local-action with .env.example as shipped', () => {
  it('checks the talosconfig filled in, and calls nothing', () => {
    const cluster = makeCluster()
    const talosconfig = talosconfigYaml('home', {
      home: {
        endpoints: ['127.0.0.1:9'],
        caPem: cluster.caCrtPem,
        client: cluster.clientCertificate({ notBefore: daysFromNow(-300), notAfter: daysFromNow(60) })
      }
    })
    const dir = mkdtempSync(join(tmpdir(), 'local-action-'))
    const envFile = join(dir, '.env')
    const shipped = readFileSync('.env.example', 'utf8')
    assert.match(shipped, /^INPUT_TALOSCONFIG=$/m, 'the talosconfig is the one line to fill in')
    writeFileSync(
      envFile,
      shipped.replace(/^INPUT_TALOSCONFIG=$/m, `INPUT_TALOSCONFIG=${Buffer.from(talosconfig).toString('base64')}`)
    )
    // The loopback guard, preloaded as everywhere: a check must not even try the network.
    const run = spawnSync('node', ['scripts/local-action.mjs', envFile], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NODE_OPTIONS: `--import ${GUARDED_ENTRY[1]}` }
    })
    assert.equal(run.status, 0, run.stdout + run.stderr)
    assert.match(run.stdout, /::set-output name=status::valid/)
    assert.match(run.stdout, /Checked talosconfig context 'home' \(mode check\): 59 days left, outside renew-before\./)
    assert.doesNotMatch(run.stdout, /::error::/)
  })
})

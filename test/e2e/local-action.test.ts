// A newcomer's first local try: `npm run local-action` with the .env.example as shipped and
// only their own talosconfig filled in runs a check (no token, no API call) through
// @github/local-action. It shows what the runner would show, in a screenful: the action's log,
// its outputs and its job summary, and exits with the action's exit status; and an empty
// token reaches the action empty, not as action.yml's `${{ github.token }}` written out.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { daysFromNow, makeCluster, talosconfigYaml } from '../support/cluster.js'
import { GUARDED_ENTRY } from '../support/run-action.js'

const cluster = makeCluster()
const shipped = readFileSync('.env.example', 'utf8')

/** .env.example with a talosconfig whose certificate ends `daysLeft` days from now, and `lines` set. */
function envFile(daysLeft: number, lines: Record<string, string> = {}): string {
  const talosconfig = talosconfigYaml('home', {
    home: {
      endpoints: ['127.0.0.1:9'],
      caPem: cluster.caCrtPem,
      client: cluster.clientCertificate({ notBefore: daysFromNow(daysLeft - 360), notAfter: daysFromNow(daysLeft) })
    }
  })
  let text = shipped.replace(
    /^INPUT_TALOSCONFIG=$/m,
    `INPUT_TALOSCONFIG=${Buffer.from(talosconfig).toString('base64')}`
  )
  for (const [name, value] of Object.entries(lines)) {
    const line = new RegExp(`^${name}=.*$`, 'm')
    text = line.test(text) ? text.replace(line, `${name}=${value}`) : `${text}${name}=${value}\n`
  }
  const file = join(mkdtempSync(join(tmpdir(), 'local-action-')), '.env')
  writeFileSync(file, text)
  return file
}

function localAction(file: string) {
  // The loopback guard, preloaded as everywhere: a check must not even try the network.
  const run = spawnSync('node', ['scripts/local-action.mjs', file], {
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, NODE_OPTIONS: `--import ${GUARDED_ENTRY[1]}` }
  })
  return { ...run, lines: run.stdout.trimEnd().split('\n') }
}

describe('npm run local-action with .env.example as shipped', () => {
  it('is the talosconfig line the one to fill in, and the tokens are left empty', () => {
    assert.match(shipped, /^INPUT_TALOSCONFIG=$/m)
    assert.match(shipped, /^INPUT_GITHUB-TOKEN=$/m)
    assert.match(shipped, /^INPUT_WORKFLOW-TOKEN=$/m)
  })

  it('checks the talosconfig filled in, calls nothing, and exits 0', () => {
    const run = localAction(envFile(60))
    assert.equal(run.status, 0, run.stdout + run.stderr)
    assert.match(
      run.stdout,
      /^Checked talosconfig context 'home' \(mode check\): 59 days left, outside renew-before\.$/m
    )
    assert.match(run.stdout, /^status +valid$/m)
    assert.doesNotMatch(run.stdout, /^Error: /m)
  })

  it('shows an expired certificate in a screenful: the log, the outputs, the summary, and exit status 1', () => {
    const run = localAction(envFile(-5))
    const output = run.stdout + run.stderr
    assert.equal(run.status, 1, output)
    assert.ok(run.lines.length <= 60, `${run.lines.length} lines:\n${output}`)
    assert.deepEqual(
      run.lines.filter((line) => line.length > 200),
      [],
      'no line of a metadata table'
    )
    // The log as the runner shows it: the annotation readable, no workflow command left.
    assert.match(
      run.stdout,
      /^Error: The client certificate of talosconfig context 'home' expired on .* \(5 days ago\)\.$/m
    )
    assert.doesNotMatch(run.stdout, /^::/m)
    // The outputs, one line each, the long JSON cut short.
    assert.match(run.stdout, /^== Outputs ==\noutput +value\nstatus +expired$/m)
    assert.match(run.stdout, /^days-remaining +-5$/m)
    const report = run.lines.find((line) => line.startsWith('report '))
    assert.ok(report && report.length <= 80 && report.endsWith('…'), report)
    // The job summary the action wrote, under its heading.
    assert.match(
      run.stdout,
      /^== Job summary \(GITHUB_STEP_SUMMARY\) ==\n## ❌ Talos client certificates: talosconfig `home` expired on /m
    )
    assert.match(run.stdout, /\| ❌ \| talosconfig \| `home` \|/)
  })

  it('gives a renewal with the token left empty no token, and fails as the runner would', () => {
    // A loopback API URL: were a token to reach the action, no request could leave the machine.
    const run = localAction(envFile(-5, { INPUT_MODE: 'renew', 'INPUT_GITHUB-API-URL': 'http://127.0.0.1:9' }))
    const output = run.stdout + run.stderr
    assert.match(output, /^Error: Input 'github-token' is required, and no value was given \(it is empty\)/m)
    assert.doesNotMatch(output, /github\.token|401/)
    // setFailed: the runner fails the step; local-action's stand-in alone would exit 0.
    assert.equal(run.status, 1, output)
    assert.match(
      run.stdout,
      /^## ❌ Talos client certificates: the run failed\n\n> \[!CAUTION\]\n> Input 'github-token' is required/m
    )
  })
})

// The guard every run of the bundle starts with: nothing a test runs may reach past
// loopback. Outside addresses and names are refused at once, as a refused connection or an
// unknown name would be, and recorded; loopback works as ever.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { daysFromNow, makeCluster, talosconfigYaml } from '../support/cluster.js'
import { GUARDED_ENTRY, RUNTIMES, runAction, visibleLog } from '../support/run-action.js'

const PROBE = `
import net from 'node:net'
import tls from 'node:tls'
import dns from 'node:dns/promises'
const started = Date.now()
const outcome = (socket) => new Promise((done) => socket.on('error', (e) => done(e.code)).on('connect', () => done('connected')).on('secureConnect', () => done('connected')))
const server = net.createServer((c) => c.end()).listen(0, '127.0.0.1')
await new Promise((done) => server.on('listening', done))
const results = {
  private: await outcome(net.connect(50000, '10.5.0.2')),
  tls: await outcome(tls.connect({ host: '192.0.2.10', port: 443 })),
  name: await outcome(net.connect({ host: 'api.github.com', port: 443 })),
  lookup: await dns.lookup('cluster.example').then(() => 'resolved', (e) => e.code),
  fetch: await fetch('https://api.github.com/').then(() => 'answered', (e) => e.cause?.code),
  loopback: await outcome(net.connect(server.address().port, '127.0.0.1')),
  ms: Date.now() - started
}
server.close()
console.log(JSON.stringify(results))
`

for (const runtime of RUNTIMES) {
  describe(`the loopback guard (${runtime.name})`, () => {
    it('refuses every outside address and name at once, records each, and lets loopback through', () => {
      const dir = mkdtempSync(join(tmpdir(), 'guard-'))
      writeFileSync(join(dir, 'probe.mjs'), PROBE)
      const log = join(dir, 'refused')
      writeFileSync(log, '')
      const run = spawnSync(runtime.node, [...GUARDED_ENTRY.slice(0, 2), join(dir, 'probe.mjs')], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, LOOPBACK_GUARD_LOG: log },
        timeout: 10_000
      })
      assert.equal(run.status, 0, run.stderr)
      const results = JSON.parse(run.stdout)
      assert.deepEqual(
        { ...results, ms: undefined },
        {
          private: 'ECONNREFUSED',
          tls: 'ECONNREFUSED',
          name: 'ECONNREFUSED',
          lookup: 'ENOTFOUND',
          fetch: 'ECONNREFUSED',
          loopback: 'connected',
          ms: undefined
        }
      )
      assert.ok(results.ms < 1000, `took ${results.ms} ms`)
      assert.deepEqual(readFileSync(log, 'utf8').split('\n').filter(Boolean), [
        'connect 10.5.0.2:50000',
        'connect 192.0.2.10:443',
        'connect api.github.com:443',
        'lookup cluster.example',
        'connect api.github.com:443'
      ])
    })

    it('stops a run of the bundle whose talosconfig names an outside endpoint, before any packet leaves', async () => {
      const cluster = makeCluster()
      const client = cluster.clientCertificate({ notBefore: daysFromNow(-360), notAfter: daysFromNow(5) })
      const talosconfig = talosconfigYaml('prod', {
        prod: { endpoints: ['10.5.0.2'], caPem: cluster.caCrtPem, client }
      })
      const started = Date.now()
      const run = await runAction(
        {
          talosconfig,
          'github-token': 'ghs_unused',
          'github-api-url': 'http://127.0.0.1:9',
          repository: 'acme/cluster-ops'
        },
        { node: runtime.node }
      )
      assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`)
      assert.deepEqual(run.refused, ['connect 10.5.0.2:50000'])
      assert.equal(run.code, 1, visibleLog(run))
      assert.match(visibleLog(run), /No endpoint of talosconfig context 'prod' answered/)
    })
  })
}

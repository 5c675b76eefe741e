// The guard every run of the bundle starts with: nothing a test runs may reach past
// loopback. Outside addresses and names are refused at once, as a refused connection or an
// unknown name would be, and recorded; loopback works as ever.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, it } from 'node:test'
import { daysFromNow, makeCluster, talosconfigYaml } from '../support/cluster.js'
import { GUARDED_ENTRY, RUNTIMES, runAction, visibleLog } from '../support/run-action.js'

// Outside targets are documentation addresses (TEST-NET, 2001:db8::/32) and .invalid names:
// even where the guard failed, nothing could answer them, and the stub below sees them first.
const PROBE = `
import net from 'node:net'
import tls from 'node:tls'
import dns from 'node:dns/promises'
const started = Date.now()
const outcome = (socket) => new Promise((done) => socket.on('error', (e) => done(e.code)).on('connect', () => done('connected')).on('secureConnect', () => done('connected')))
const results = {}
const attempt = async (label, start) => {
  globalThis.currentCase = label
  results[label] = await start()
}
await attempt('address', () => outcome(net.connect(50000, '198.51.100.7')))
await attempt('tls', () => outcome(tls.connect({ host: '192.0.2.10', port: 443 })))
await attempt('name', () => outcome(net.connect({ host: 'api.github.invalid', port: 443 })))
await attempt('lookup', () => dns.lookup('cluster.invalid').then(() => 'resolved', (e) => e.code))
await attempt('fetch', () => fetch('https://api.github.invalid/').then(() => 'answered', (e) => e.cause?.code))
await attempt('loopback', () => outcome(net.connect(50000, '127.0.0.1')))
results.ms = Date.now() - started
console.log(JSON.stringify({ results, reachedStub: globalThis.reachedStub }))
`

// Stands in for the real connect, underneath the guard (it is imported first, so the guard
// wraps it): nothing can leave even where the guard fails. It records which case reached it.
const STUB = `
import dns from 'node:dns'
import net from 'node:net'
globalThis.reachedStub = []
const stubbed = () => Object.assign(new Error('stubbed'), { code: 'ESTUB' })
net.Socket.prototype.connect = function stubbedConnect() {
  globalThis.reachedStub.push(globalThis.currentCase)
  process.nextTick(() => this.destroy(stubbed()))
  return this
}
dns.promises.lookup = async () => {
  globalThis.reachedStub.push(globalThis.currentCase)
  throw stubbed()
}
`

// Every form in which a client hands a target to net.Socket.prototype.connect: http (an array
// with path: null), https and tls (an options object), net.connect, and (port, host).
const CALL_FORMS = `
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import tls from 'node:tls'
const request = (client, url, options) => client.request(url, options).end()
const cases = [
  ['http 192.0.2.10, agent: false', () => request(http, 'http://192.0.2.10:8080/api/v1/namespaces', { agent: false })],
  ['http 198.51.100.7, default agent', () => request(http, 'http://198.51.100.7:8080/healthz', {})],
  ['http name, agent: false', () => request(http, 'http://cluster.invalid/version', { agent: false })],
  ['https [2001:db8::1], agent: false', () => request(https, 'https://[2001:db8::1]:6443/version', { agent: false })],
  ['https 192.0.2.10, default agent', () => request(https, 'https://192.0.2.10:6443/version', {})],
  ['https name, agent: false', () => request(https, 'https://cluster.invalid:6443/version', { agent: false })],
  ['https name, default agent', () => request(https, 'https://cluster.invalid:6443/version', {})],
  ['net.connect(port, 198.51.100.7)', () => net.connect(50000, '198.51.100.7')],
  ['net.connect 2001:db8::1', () => net.connect({ host: '2001:db8::1', port: 50000 })],
  ['net.connect name', () => net.connect({ host: 'cluster.invalid', port: 50000 })],
  ['net.connect 192.0.2.10 with a URL path', () => net.connect({ host: '192.0.2.10', port: 6443, path: '/version' })],
  ['tls.connect 192.0.2.10', () => tls.connect({ host: '192.0.2.10', port: 443 })],
  ['tls.connect(port, name)', () => tls.connect(443, 'cluster.invalid')],
  ['socket.connect(port, 198.51.100.7)', () => new net.Socket().connect(443, '198.51.100.7')],
  ['http 127.0.0.1, agent: false', () => request(http, 'http://127.0.0.1:8080/version', { agent: false })],
  ['http localhost, default agent', () => request(http, 'http://localhost:8080/version', {})],
  ['https [::1], agent: false', () => request(https, 'https://[::1]:6443/version', { agent: false })],
  ['https 127.0.0.2, default agent', () => request(https, 'https://127.0.0.2:6443/version', {})],
  ['net.connect(port, 127.0.0.1)', () => net.connect(50000, '127.0.0.1')],
  ['net.connect(port)', () => net.connect(50000)],
  ['tls.connect ::1', () => tls.connect({ host: '::1', port: 443 })],
  ['net.connect unix socket', () => net.connect({ path: '/nonexistent/guard-probe.sock' })],
  ['net.connect(unix socket path)', () => net.connect('/nonexistent/guard-probe.sock')],
  ['http over a unix socket', () => request(http, 'http://localhost/version', { socketPath: '/nonexistent/guard-probe.sock' })]
]
const results = {}
for (const [label, start] of cases) {
  globalThis.currentCase = label
  const started = Date.now()
  const error = await new Promise((done) => start().on('error', done))
  const outcome = error.code === 'ESTUB' ? 'reached'
    : error.code === 'ECONNREFUSED' && error.message.includes("refused by the tests' loopback guard") ? \`refused \${error.address}:\${error.port}\`
    : \`\${error.code}: \${error.message}\`
  results[label] = { outcome, ms: Date.now() - started }
}
console.log(JSON.stringify({ results, reachedStub: globalThis.reachedStub }))
`

// Each outside case, and the target its refusal must name (as the guard's log records it).
const OUTSIDE: Record<string, string> = {
  'http 192.0.2.10, agent: false': '192.0.2.10:8080',
  'http 198.51.100.7, default agent': '198.51.100.7:8080',
  'http name, agent: false': 'cluster.invalid:80',
  'https [2001:db8::1], agent: false': '2001:db8::1:6443',
  'https 192.0.2.10, default agent': '192.0.2.10:6443',
  'https name, agent: false': 'cluster.invalid:6443',
  'https name, default agent': 'cluster.invalid:6443',
  'net.connect(port, 198.51.100.7)': '198.51.100.7:50000',
  'net.connect 2001:db8::1': '2001:db8::1:50000',
  'net.connect name': 'cluster.invalid:50000',
  'net.connect 192.0.2.10 with a URL path': '192.0.2.10:6443',
  'tls.connect 192.0.2.10': '192.0.2.10:443',
  'tls.connect(port, name)': 'cluster.invalid:443',
  'socket.connect(port, 198.51.100.7)': '198.51.100.7:443'
}
// The cases that must reach the connect underneath, in the order the probe makes them.
const LOOPBACK = [
  'http 127.0.0.1, agent: false',
  'http localhost, default agent',
  'https [::1], agent: false',
  'https 127.0.0.2, default agent',
  'net.connect(port, 127.0.0.1)',
  'net.connect(port)',
  'tls.connect ::1',
  'net.connect unix socket',
  'net.connect(unix socket path)',
  'http over a unix socket'
]

for (const runtime of RUNTIMES) {
  describe(`the loopback guard (${runtime.name})`, () => {
    it('refuses every outside address and name at once, records each, and lets loopback through', () => {
      const dir = mkdtempSync(join(tmpdir(), 'guard-'))
      writeFileSync(join(dir, 'stub.mjs'), STUB)
      writeFileSync(join(dir, 'probe.mjs'), PROBE)
      const log = join(dir, 'refused')
      writeFileSync(log, '')
      const stub = pathToFileURL(join(dir, 'stub.mjs')).href
      const run = spawnSync(runtime.node, ['--import', stub, ...GUARDED_ENTRY.slice(0, 2), join(dir, 'probe.mjs')], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, LOOPBACK_GUARD_LOG: log },
        timeout: 10_000
      })
      assert.equal(run.status, 0, run.stderr)
      const { results, reachedStub } = JSON.parse(run.stdout)
      assert.deepEqual(
        { ...results, ms: undefined },
        {
          address: 'ECONNREFUSED',
          tls: 'ECONNREFUSED',
          name: 'ECONNREFUSED',
          lookup: 'ENOTFOUND',
          fetch: 'ECONNREFUSED',
          // Let through to the connect underneath: the stub's own error.
          loopback: 'ESTUB',
          ms: undefined
        }
      )
      assert.deepEqual(reachedStub, ['loopback'], 'only loopback reached the connect underneath')
      assert.ok(results.ms < 1000, `took ${results.ms} ms`)
      assert.deepEqual(readFileSync(log, 'utf8').split('\n').filter(Boolean), [
        'connect 198.51.100.7:50000',
        'connect 192.0.2.10:443',
        'connect api.github.invalid:443',
        'lookup cluster.invalid',
        'connect api.github.invalid:443'
      ])
    })

    it('refuses an outside target in every call form before it reaches the connect underneath', () => {
      const dir = mkdtempSync(join(tmpdir(), 'guard-'))
      writeFileSync(join(dir, 'stub.mjs'), STUB)
      writeFileSync(join(dir, 'probe.mjs'), CALL_FORMS)
      const log = join(dir, 'refused')
      writeFileSync(log, '')
      const stub = pathToFileURL(join(dir, 'stub.mjs')).href
      const run = spawnSync(runtime.node, ['--import', stub, ...GUARDED_ENTRY.slice(0, 2), join(dir, 'probe.mjs')], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, LOOPBACK_GUARD_LOG: log },
        timeout: 10_000
      })
      assert.equal(run.status, 0, run.stderr)
      const { results, reachedStub } = JSON.parse(run.stdout) as {
        results: Record<string, { outcome: string; ms: number }>
        reachedStub: string[]
      }
      assert.deepEqual(reachedStub, LOOPBACK)
      assert.deepEqual(Object.fromEntries(Object.entries(results).map(([label, { outcome }]) => [label, outcome])), {
        ...Object.fromEntries(Object.entries(OUTSIDE).map(([label, target]) => [label, `refused ${target}`])),
        ...Object.fromEntries(LOOPBACK.map((label) => [label, 'reached']))
      })
      for (const [label, { ms }] of Object.entries(results)) assert.ok(ms < 1000, `${label} took ${ms} ms`)
      assert.deepEqual(
        readFileSync(log, 'utf8').split('\n').filter(Boolean),
        Object.values(OUTSIDE).map((target) => `connect ${target}`)
      )
    })

    it('stops a run of the bundle whose talosconfig names an outside endpoint, before any packet leaves', async () => {
      const cluster = makeCluster()
      const client = cluster.clientCertificate({ notBefore: daysFromNow(-360), notAfter: daysFromNow(5) })
      const talosconfig = talosconfigYaml('prod', {
        prod: { endpoints: ['198.51.100.7'], caPem: cluster.caCrtPem, client }
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
      assert.deepEqual(run.refused, ['connect 198.51.100.7:50000'])
      assert.equal(run.code, 1, visibleLog(run))
      assert.match(visibleLog(run), /No endpoint of talosconfig context 'prod' answered/)
    })
  })
}

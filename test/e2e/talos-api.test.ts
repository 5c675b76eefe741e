// Scenario: no CA in GitHub at all. The talosconfig renews itself through a controlplane
// node's apid (a loopback stand-in that verifies client certificates as apid does).
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { parse } from 'yaml'
import { startApid, type ApidStandIn } from '../support/apid-standin.js'
import { daysFromNow, makeCluster, talosconfigYaml } from '../support/cluster.js'
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.js'
import { opensslText, opensslVerifyClient } from '../support/judge.js'
import { errorLines, RUNTIMES, runAction, visibleLog } from '../support/run-action.js'

const cluster = makeCluster()
const certificate = (roles: string[], daysLeft: number) =>
  cluster.clientCertificate({ roles, notBefore: daysFromNow(daysLeft - 365), notAfter: daysFromNow(daysLeft + 0.5) })

/** A loopback port nothing listens on. */
async function deadEndpoint(): Promise<string> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  await new Promise<void>((done) => server.close(() => done()))
  return `127.0.0.1:${port}`
}

for (const runtime of RUNTIMES) {
  describe(`renewal through the Talos API (${runtime.name})`, () => {
    let apid: ApidStandIn
    let worker: ApidStandIn
    let github: GitHubStandIn
    before(async () => {
      apid = await startApid(cluster)
      worker = await startApid(cluster, { worker: true })
      github = await startGitHubStandIn()
    })
    after(async () => {
      await apid.close()
      await worker.close()
      await github.close()
    })
    const renew = (talosconfig: string, extra: Record<string, string> = {}) => {
      apid.calls.length = 0
      github.requests.length = 0
      github.secrets.clear()
      return runAction(
        {
          talosconfig,
          'github-token': github.token,
          'github-api-url': github.url,
          repository: 'acme/cluster-ops',
          ...extra
        },
        { node: runtime.node }
      )
    }
    const talosconfigFor = (endpoints: string[], roles = ['os:admin'], daysLeft = 5) =>
      talosconfigYaml('home', {
        home: {
          endpoints,
          nodes: ['127.0.0.2:9'],
          caPem: cluster.caCrtPem,
          client: certificate(roles, daysLeft),
          extra: { cluster: 'home-lab' }
        },
        other: { endpoints: ['127.0.0.4:9'], caPem: cluster.caCrtPem, client: certificate(['os:reader'], 300) }
      })

    it('renews a talosconfig alone, keeping its context, endpoints, nodes and other fields', async () => {
      const dead = await deadEndpoint()
      const talosconfig = talosconfigFor([dead, apid.endpoint])
      const run = await renew(talosconfig, { ttl: '720h' })
      assert.equal(run.code, 0, visibleLog(run))
      assert.deepEqual(apid.calls, [{ roles: ['os:admin'], crtTtlSeconds: 720 * 3600, callerRoles: ['os:admin'] }])
      const stored = parse(github.secrets.get('acme/cluster-ops/TALOSCONFIG')?.value ?? '')
      const original = parse(talosconfig)
      assert.equal(stored.context, 'home')
      assert.deepEqual(stored.contexts.other, original.contexts.other)
      assert.deepEqual(
        { ...stored.contexts.home, crt: undefined, key: undefined },
        { ...original.contexts.home, crt: undefined, key: undefined }
      )
      assert.notEqual(stored.contexts.home.crt, original.contexts.home.crt)
      const crtPem = Buffer.from(stored.contexts.home.crt, 'base64').toString()
      assert.ok(opensslVerifyClient(cluster.caCrtPem, crtPem).ok)
      assert.match(opensslText(crtPem), /Subject: O = os:admin\n/)
      assert.equal(run.outputs.renewed, 'true')
      assert.match(visibleLog(run), /Asking the Talos API at <address>, <address> for a new client certificate\./)
      // The node's address is checked against its certificate without sending it as the TLS server name.
      assert.doesNotMatch(run.stderr, /DEP0123|DeprecationWarning/)
      assert.deepEqual(github.violations, [])
    })

    it('a reader certificate is refused before any call: os:admin is needed', async () => {
      const run = await renew(talosconfigFor([apid.endpoint], ['os:reader']))
      assert.equal(run.code, 1)
      assert.deepEqual(errorLines(run), [
        "::error::Cannot renew through the Talos API: talosconfig context 'home' has a client certificate for os:reader, and the Talos API issues only to os:admin. Give 'secrets-bundle' or 'machine-config' to sign with the CA key instead."
      ])
      assert.deepEqual(apid.calls, [])
      assert.deepEqual(github.requests, [])
    })

    it('an expired certificate is refused before any call, pointing to the other sources', async () => {
      const run = await renew(talosconfigFor([apid.endpoint], ['os:admin'], -2))
      assert.equal(run.code, 1)
      assert.match(
        errorLines(run)[0] ?? '',
        /^::error::Cannot renew through the Talos API: talosconfig context 'home' has a client certificate that expired on .+: it cannot authenticate to the Talos API any more\. Give 'secrets-bundle' or 'machine-config' to sign with the CA key instead\.$/
      )
      assert.deepEqual(apid.calls, [])
      assert.deepEqual(github.requests, [])
    })

    it('a worker node is refused: a controlplane endpoint is needed', async () => {
      const run = await renew(talosconfigFor([worker.endpoint]))
      assert.equal(run.code, 1)
      assert.deepEqual(errorLines(run), [
        `::error::<address> refused GenerateClientConfiguration for talosconfig context 'home': client configuration (talosconfig) can only be generated on a control plane node. Only controlplane nodes answer GenerateClientConfiguration: list a controlplane node first in 'endpoints'.`
      ])
    })

    it('a node whose certificate does not name its address is refused, not skipped', async () => {
      const elsewhere = await startApid(cluster, { host: '127.0.0.2' })
      try {
        const run = await renew(talosconfigFor([elsewhere.endpoint]))
        assert.equal(run.code, 1)
        assert.match(
          errorLines(run)[0] ?? '',
          new RegExp(
            `^::error::<address> refused GenerateClientConfiguration for talosconfig context 'home': the server's certificate does not name the address it was reached at \\(ERR_TLS_CERT_ALTNAME_INVALID\\)`
          )
        )
        assert.deepEqual(elsewhere.calls, [])
      } finally {
        await elsewhere.close()
      }
    })

    it('an endpoint that does not answer is named, within the bound', async () => {
      const dead = await deadEndpoint()
      const started = Date.now()
      const run = await renew(talosconfigFor([dead]))
      assert.equal(run.code, 1)
      assert.match(
        errorLines(run)[0] ?? '',
        new RegExp(
          `^::error::No endpoint of talosconfig context 'home' answered GenerateClientConfiguration: <address> \\(.+\\)\\. The runner must reach a controlplane node on port 50000 \\(self-hosted runner or VPN\\), or renew with 'secrets-bundle' or 'machine-config'\\.$`
        )
      )
      assert.ok(Date.now() - started < 35_000)
      assert.deepEqual(github.requests, [])
    })
  })
}

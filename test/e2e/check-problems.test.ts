// Scenario: a check warns about what Talos would refuse, or what would stop the next renewal,
// before it happens.
import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { describe, it } from 'node:test'
import { daysFromNow, makeCluster, talosconfigYaml, type ClientCertificate, type Cluster } from '../support/cluster.js'
import { RUNTIMES, runAction, visibleLog } from '../support/run-action.js'

const day = (date: Date) => date.toISOString().slice(0, 10)
const caDay = (cluster: Cluster) => day(new Date(new X509Certificate(cluster.caCrtPem).validTo))

async function warningsFor(
  node: string,
  cluster: Cluster,
  client: ClientCertificate,
  caPem = cluster.caCrtPem
): Promise<string[]> {
  const talosconfig = talosconfigYaml('prod', { prod: { endpoints: ['127.0.0.1:9'], caPem, client } })
  const run = await runAction({ talosconfig, mode: 'check', 'fail-on': 'never' }, { node })
  assert.equal(run.code, 0, visibleLog(run))
  return run.stdout.split('\n').filter((line) => line.startsWith('::warning'))
}

const cluster = makeCluster()
const fresh = { notBefore: daysFromNow(-10), notAfter: daysFromNow(300) }

for (const runtime of RUNTIMES) {
  describe(`problems a check reports (${runtime.name})`, () => {
    it('an extended key usage other than exactly clientAuth', async () => {
      const legacy = cluster.clientCertificate({ ...fresh, usages: 'legacy' })
      assert.deepEqual(await warningsFor(runtime.node, cluster, legacy), [
        "::warning::The client certificate of context 'prod' has extended key usages other than exactly clientAuth (1.3.6.1.5.5.7.3.1, 1.3.6.1.5.5.7.3.2); Talos 1.12 and later refuse it. Renew it with force."
      ])
    })

    it('a certificate without roles', async () => {
      const roleless = cluster.clientCertificate({ ...fresh, roles: [] })
      assert.deepEqual(await warningsFor(runtime.node, cluster, roleless), [
        "::warning::The client certificate of context 'prod' carries no roles (no O in its subject); Talos grants it nothing."
      ])
    })

    it('a ca that did not issue the certificate', async () => {
      const other = makeCluster()
      assert.deepEqual(await warningsFor(runtime.node, cluster, cluster.clientCertificate(fresh), other.caCrtPem), [
        "::warning::The ca of context 'prod' did not issue its client certificate; check that both belong to the same cluster."
      ])
    })

    it('a CA that expires before a renewed certificate would', async () => {
      const shortCa = makeCluster({ caDays: 200 })
      const client = shortCa.clientCertificate({ notBefore: daysFromNow(-1), notAfter: daysFromNow(100) })
      const renewal = day(daysFromNow(70))
      assert.deepEqual(await warningsFor(runtime.node, shortCa, client), [
        `::warning::The Talos API CA of context 'prod' expires on ${caDay(shortCa)}, before a certificate renewed on ${renewal} for the configured ttl would; rotate the CA or shorten ttl.`
      ])
    })

    it('a CA that expires before the next renewal', async () => {
      const dyingCa = makeCluster({ caDays: 50 })
      const client = dyingCa.clientCertificate({ notBefore: daysFromNow(-1), notAfter: daysFromNow(100) })
      assert.deepEqual(await warningsFor(runtime.node, dyingCa, client), [
        `::warning::The Talos API CA of context 'prod' expires on ${caDay(dyingCa)}, before the next renewal (due ${day(daysFromNow(70))}); rotate the CA.`
      ])
    })

    it('nothing for a certificate as Talos makes it', async () => {
      assert.deepEqual(await warningsFor(runtime.node, cluster, cluster.clientCertificate(fresh)), [])
    })
  })
}

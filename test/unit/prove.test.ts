// The proof's bounds are wall-clock deadlines: a server that accepts the certificate and then
// trickles its answer a byte at a time must not hold the run past them.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { prove } from '../../src/prove/index.js'
import { daysFromNow, makeCluster } from '../support/cluster.js'
import { startKubeApi, type KubeApiStandIn } from '../support/kube-apiserver-standin.js'

const cluster = makeCluster()
const admin = cluster.kubeAdminCertificate({ notBefore: daysFromNow(-1), notAfter: daysFromNow(300) })
const credential = { caPem: cluster.k8sCaPem, crtPem: admin.crtPem, keyPem: admin.keyPem }

describe('prove', () => {
  let trickling: KubeApiStandIn
  before(async () => (trickling = await startKubeApi(cluster, { trickle: true })))
  after(() => trickling.close())

  it('gives up on a server that trickles its answer, within the bounds it was given', { timeout: 15_000 }, async () => {
    const started = Date.now()
    const target = { kind: 'kubeconfig' as const, context: 'admin@demo', server: trickling.server }
    const proof = await prove(target, credential, { mode: 'auto' }, { attemptMs: 1_000, totalMs: 1_500 })
    const elapsed = Date.now() - started
    assert.equal(proof?.verified, false)
    assert.match(proof?.message.raw ?? '', /no answer within 1 s/)
    // The two attempts (v1, then v1beta1) share 1.5 s of wall clock; the server would go on for ever.
    assert.ok(elapsed < 5_000, `${elapsed} ms`)
    assert.equal(trickling.requests.length, 1, 'one request, whose answer never ended')
  })
})

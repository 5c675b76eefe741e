// TalosApiIssuer: which talosconfigs can call the API at all (decided before any call), and
// both credential kinds from a loopback apid stand-in.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { UserError } from '../../src/errors.js'
import type { IssueRequest } from '../../src/issuers/issuer.js'
import { TalosApiIssuer } from '../../src/issuers/talos-api.js'
import { kubernetesAdminProfile, talosClientProfile } from '../../src/pki/profile.js'
import { verifyCredential } from '../../src/pki/verify.js'
import { startApid, type ApidStandIn } from '../support/apid-standin.js'
import { daysFromNow, makeCluster } from '../support/cluster.js'

const cluster = makeCluster()
const now = new Date()
const context = (endpoints: string[], roles = ['os:admin'], daysLeft = 100) => ({
  name: 'home',
  endpoints,
  caPem: cluster.caCrtPem,
  ...cluster.clientCertificate({ roles, notBefore: daysFromNow(daysLeft - 365), notAfter: daysFromNow(daysLeft) })
})
const request = (kind: IssueRequest['kind']): IssueRequest => ({
  kind,
  profile: kind === 'talosconfig' ? talosClientProfile(['os:admin']) : kubernetesAdminProfile(),
  ttlMs: 86_400_000,
  ttlInput: 'ttl',
  ttlGiven: false,
  now,
  allowCaChange: false
})

describe('TalosApiIssuer', () => {
  let apid: ApidStandIn
  before(async () => (apid = await startApid(cluster)))
  after(() => apid.close())

  it('says, before any call, why a talosconfig cannot call the API', () => {
    const reasons = [
      TalosApiIssuer.for(undefined, now, () => undefined).unusable,
      TalosApiIssuer.for({ name: 'home', endpoints: ['127.0.0.1:9'], caPem: cluster.caCrtPem }, now, () => undefined)
        .unusable,
      TalosApiIssuer.for(context(['127.0.0.1:9'], ['os:admin'], -1), now, () => undefined).unusable,
      TalosApiIssuer.for(context(['127.0.0.1:9'], ['os:operator']), now, () => undefined).unusable,
      TalosApiIssuer.for(context([]), now, () => undefined).unusable,
      TalosApiIssuer.for(context(['127.0.0.1:9']), now, () => undefined).unusable
    ]
    assert.equal(reasons[0], 'there is no talosconfig to call the Talos API with')
    assert.equal(
      reasons[1],
      "talosconfig context 'home' has no client certificate, key and ca to call the Talos API with"
    )
    assert.match(reasons[2] ?? '', /^talosconfig context 'home' has a client certificate that expired on /)
    assert.equal(
      reasons[3],
      "talosconfig context 'home' has a client certificate for os:operator, and the Talos API issues only to os:admin"
    )
    assert.match(reasons[4] ?? '', /has no endpoints to call/)
    assert.equal(reasons[5], undefined)
  })

  it('refuses to issue when it cannot call, as a UserError that names renew-through', async () => {
    await assert.rejects(
      TalosApiIssuer.for(undefined, now, () => undefined).issue(request('talosconfig')),
      (error) => error instanceof UserError && error.input === 'renew-through'
    )
  })

  it('issues both kinds through the node, saying where it asks', async () => {
    const said: string[] = []
    const issuer = TalosApiIssuer.for(context([apid.endpoint]), now, (message) => said.push(message))
    const talos = await issuer.issue(request('talosconfig'))
    const kube = await issuer.issue(request('kubeconfig'))
    assert.deepEqual(said, [
      `Asking the Talos API at ${apid.endpoint} for a new client certificate.`,
      `Asking the Talos API at ${apid.endpoint} for the admin kubeconfig.`
    ])
    assert.deepEqual([talos.through, kube.through], ['talos-api', 'talos-api'])
    assert.deepEqual([talos.credential.crtPem, kube.credential.crtPem], apid.issued.slice(-2))
    assert.equal(kube.expectedNotAfter, undefined, 'the cluster decides the kubeconfig lifetime')
    assert.ok(kube.document?.includes('current-context: admin@demo'))
    assert.deepEqual(
      verifyCredential(talos.credential, {
        profile: talosClientProfile(['os:admin']),
        notAfter: talos.expectedNotAfter,
        now,
        skewToleranceMs: talos.clockToleranceMs
      }),
      []
    )
    assert.deepEqual(
      verifyCredential(kube.credential, {
        profile: kubernetesAdminProfile(),
        notAfter: undefined,
        now,
        skewToleranceMs: kube.clockToleranceMs
      }),
      []
    )
  })
})

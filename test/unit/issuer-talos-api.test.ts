// TalosApiIssuer: which talosconfigs can call the API at all (decided before any call), and
// both credential kinds from a loopback apid stand-in.
import { said } from '../../src/text.js'
import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { UserError } from '../../src/errors.js'
import type { IssueRequest } from '../../src/issuers/issuer.js'
import { TalosApiIssuer } from '../../src/issuers/talos-api.js'
import { kubernetesAdminProfile, talosClientProfile } from '../../src/pki/profile.js'
import { verifyCredential } from '../../src/pki/verify.js'
import { startApid, type ApidStandIn } from '../support/apid-standin.js'
import { daysFromNow, makeCluster } from '../support/cluster.js'

const cluster = makeCluster()
const other = makeCluster()
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
  let foreign: ApidStandIn
  before(async () => {
    apid = await startApid(cluster)
    foreign = await startApid(cluster, { foreignCa: other })
  })
  after(async () => {
    await apid.close()
    await foreign.close()
  })

  it('says, before any call, why a talosconfig cannot call the API', () => {
    const reasons = [
      TalosApiIssuer.for(undefined, now, () => undefined).unusable,
      TalosApiIssuer.for({ name: 'home', endpoints: ['127.0.0.1:9'], caPem: cluster.caCrtPem }, now, () => undefined)
        .unusable,
      TalosApiIssuer.for(context(['127.0.0.1:9'], ['os:admin'], -1), now, () => undefined).unusable,
      TalosApiIssuer.for(context(['127.0.0.1:9'], ['os:operator']), now, () => undefined).unusable,
      TalosApiIssuer.for(context([]), now, () => undefined).unusable,
      TalosApiIssuer.for(context(['127.0.0.1:9']), now, () => undefined).unusable
    ].map((reason) => reason?.raw)
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
    const issuer = TalosApiIssuer.for(context([apid.endpoint]), now, (message) => said.push(message.raw))
    const talos = await issuer.issue(request('talosconfig'))
    const kube = await issuer.issue(request('kubeconfig'))
    assert.deepEqual(said, [
      `Asking the Talos API at ${apid.endpoint} for a new client certificate.`,
      `Asking the Talos API at ${apid.endpoint} for the admin kubeconfig.`
    ])
    assert.deepEqual([talos.through, kube.through], ['talos-api', 'talos-api'])
    assert.deepEqual([talos.credential.crtPem, kube.credential.crtPem], apid.issued.slice(-2))
    assert.equal(kube.expectedNotAfter, undefined, 'the cluster decides the kubeconfig lifetime')
    assert.deepEqual([kube.clusterName, kube.server], ['demo', 'https://127.0.0.1:9'])
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

  it("keeps the file's trust list when the node signs with a CA it trusts, and says nothing", async () => {
    const issuer = TalosApiIssuer.for(context([apid.endpoint]), now, () => undefined)
    const current = { name: said`talosconfig context 'home'`, caPem: cluster.caCrtPem, caField: said`contexts.home.ca` }
    const talos = await issuer.issue({ ...request('talosconfig'), current })
    assert.deepEqual([talos.credential.caPem, talos.notes, talos.caChanged], [cluster.caCrtPem, [], false])
  })

  it("refuses a node's CA the current file does not trust, for both kinds, unless allow-ca-change", async () => {
    const issuer = TalosApiIssuer.for(context([foreign.endpoint]), now, () => undefined)
    const currents = {
      talosconfig: { name: said`talosconfig context 'home'`, caPem: cluster.caCrtPem, caField: said`contexts.home.ca` },
      kubeconfig: {
        name: said`kubeconfig context 'admin@demo'`,
        caPem: cluster.k8sCaPem,
        caField: said`clusters.demo.cluster.certificate-authority-data`
      }
    }
    for (const kind of ['talosconfig', 'kubeconfig'] as const) {
      await assert.rejects(issuer.issue({ ...request(kind), current: currents[kind] }), (error: UserError) => {
        assert.equal(error.input, 'allow-ca-change')
        assert.match(
          error.message,
          new RegExp(
            `^The CA that would sign the new ${kind} certificate, the CA the Talos API signed with \\(.+SHA-256 [0-9A-F:]{95}\\), ` +
              `is not a CA that ${kind} context '[a-z@]+' trusts or was issued by \\(.+\\)\\. Either the cluster is in the middle of a CA rotation`
          )
        )
        return true
      })
      const allowed = await issuer.issue({ ...request(kind), current: currents[kind], allowCaChange: true })
      assert.equal(allowed.caChanged, true, 'a changed CA must be proven')
      assert.equal(allowed.notes[0]?.level, 'warning')
      assert.match(
        allowed.notes[0]?.message.raw ?? '',
        /^allow-ca-change: the new .+ It is written only once the cluster accepts it/
      )
    }
  })

  it('names each missing part and the edge of expiry: a key alone missing, a certificate ending this instant, no role', () => {
    const full = context(['127.0.0.1:9'])
    const reason = (ctx: Parameters<typeof TalosApiIssuer.for>[0], at = now) =>
      TalosApiIssuer.for(ctx, at, () => undefined).unusable?.raw
    assert.match(reason({ ...full, keyPem: undefined }) ?? '', /has no client certificate, key and ca to call/)
    assert.match(reason({ ...full, caPem: undefined }) ?? '', /has no client certificate, key and ca to call/)
    const endsAt = new Date(new X509Certificate(full.crtPem).validTo)
    assert.match(reason(full, endsAt) ?? '', /has a client certificate that expired on /)
    assert.equal(reason(full, new Date(endsAt.getTime() - 1000)), undefined)
    assert.match(reason(context(['127.0.0.1:9'], [])) ?? '', /has a client certificate for no role, and the Talos API/)
    assert.match(reason(context(['127.0.0.1:9'])) ?? 'none', /^none$/)
  })

  it('says in words, naming renew-through, why it cannot issue and what to give instead', async () => {
    await assert.rejects(TalosApiIssuer.for(undefined, now, () => undefined).issue(request('talosconfig')), {
      message:
        "Cannot renew through the Talos API: there is no talosconfig to call the Talos API with. Give 'secrets-bundle' " +
        "or 'machine-config' to sign with the CA key instead."
    })
  })

  it("says kubeconfig-ttl is not the node's to honour only when it was given", async () => {
    const issuer = TalosApiIssuer.for(context([apid.endpoint]), now, () => undefined)
    const given = await issuer.issue({ ...request('kubeconfig'), ttlInput: 'kubeconfig-ttl', ttlGiven: true })
    assert.deepEqual(
      given.notes.map(({ level, message }) => ({ level, message: message.raw })),
      [
        {
          level: 'notice',
          message:
            "Input 'kubeconfig-ttl' is not honoured through the Talos API: the cluster's machine configuration " +
            '(cluster.adminKubeconfig.certLifetime) sets the lifetime of the admin kubeconfig.'
        }
      ]
    )
    assert.deepEqual((await issuer.issue(request('kubeconfig'))).notes, [])
  })

  it('refuses a node kubeconfig without a current context, or without a key, in words', async () => {
    for (const extras of [{ top: { 'current-context': '' } }, { user: { 'client-key-data': '' } }]) {
      const odd = await startApid(cluster, { kubeconfig: { extras } })
      try {
        const issuer = TalosApiIssuer.for(context([odd.endpoint]), now, () => undefined)
        await assert.rejects(issuer.issue(request('kubeconfig')), (error: UserError) => {
          assert.equal(error.input, 'kubeconfig-secret-name')
          assert.match(error.message, /^The Talos API answered Kubeconfig with a file that is not the admin kubeconfig/)
          return true
        })
      } finally {
        await odd.close()
      }
    }
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { X509Certificate } from 'node:crypto'
import { rejudgeCa, reportContext } from '../../src/credentials/judge.js'
import { kubeChecked } from '../../src/credentials/kubeconfig/pass.js'
import { reportContexts, talosChecked } from '../../src/credentials/talosconfig/pass.js'
import { readTalosconfig } from '../../src/credentials/talosconfig/file.js'
import { daysFromNow, makeCluster, talosconfigYaml } from '../support/cluster.js'

const cluster = makeCluster()
const rule = { renewBefore: { kind: 'duration' as const, ms: 30 * 86_400_000 }, force: false, ttlMs: 365 * 86_400_000 }
const client = cluster.clientCertificate({ notBefore: daysFromNow(-10), notAfter: daysFromNow(100) })

describe('reportContexts', () => {
  it('reports every context, the selected one first, Omni contexts without a certificate', () => {
    const talosconfig = readTalosconfig(
      talosconfigYaml('a', {
        omni: { endpoints: [], caPem: cluster.caCrtPem, extra: { auth: { siderov1: { identity: 'x' } } } },
        a: { endpoints: [], caPem: cluster.caCrtPem, client },
        b: { endpoints: [], caPem: cluster.caCrtPem, client }
      })
    )
    const reports = reportContexts(talosconfig, 'b', rule, new Date())
    assert.deepEqual(
      reports.map((r) => [r.name, r.selected, r.decision.status, r.certificate?.organizations]),
      [
        ['b', true, 'valid', ['os:admin']],
        ['omni', false, 'missing', undefined],
        ['a', false, 'valid', ['os:admin']]
      ]
    )
    assert.deepEqual(
      reports.map((r) => r.problems),
      [[], [], []]
    )
  })

  it('refuses a context whose crt or ca is not a certificate, naming it', () => {
    const broken = talosconfigYaml('a', {
      a: { endpoints: [], caPem: cluster.caCrtPem, client },
      b: { endpoints: [], caPem: cluster.caCrtPem, client: { crtPem: client.keyPem, keyPem: client.keyPem } }
    })
    assert.throws(
      () => reportContexts(readTalosconfig(broken), 'a', rule, new Date()),
      /^UserError: contexts\.b\.crt in input 'talosconfig' is not a PEM certificate\.$/
    )
    const badCa = talosconfigYaml('a', { a: { endpoints: [], caPem: client.keyPem, client } })
    assert.throws(
      () => reportContexts(readTalosconfig(badCa), 'a', rule, new Date()),
      /^UserError: contexts\.a\.ca in input 'talosconfig' is not a PEM certificate\.$/
    )
  })

  const expiry = (pem: string) => new Date(new X509Certificate(pem).validTo).getTime()
  const checked = (client: { crtPem: string }, caPem = cluster.caCrtPem) =>
    talosChecked({ name: 'prod', endpoints: [], nodes: [], caPem, crtPem: client.crtPem, hasAuth: false })
  const now = new Date()
  const messages = (report: ReturnType<typeof reportContext>) =>
    report.problems.map(({ about, message }) => `${about}: ${message}`)

  it('finds what Talos would refuse: EKU not exactly clientAuth, no roles, a ca that did not issue it', () => {
    const legacy = cluster.clientCertificate({
      notBefore: daysFromNow(-10),
      notAfter: daysFromNow(100),
      legacyUsages: true
    })
    assert.deepEqual(messages(reportContext(checked(legacy), true, rule, now)), [
      "certificate: The client certificate of context 'prod' has extended key usages other than exactly clientAuth (1.3.6.1.5.5.7.3.1, 1.3.6.1.5.5.7.3.2); Talos 1.12 and later refuse it. Renew it with force."
    ])
    const roleless = cluster.clientCertificate({ roles: [], notBefore: daysFromNow(-10), notAfter: daysFromNow(100) })
    assert.deepEqual(messages(reportContext(checked(roleless), true, rule, now)), [
      "certificate: The client certificate of context 'prod' carries no roles (no O in its subject); Talos grants it nothing."
    ])
    const other = makeCluster()
    assert.deepEqual(messages(reportContext(checked(client, other.caCrtPem), true, rule, now)).slice(0, 1), [
      "ca: The ca of context 'prod' did not issue its client certificate; check that both belong to the same cluster."
    ])
  })

  it('judges a kubeconfig by its own rules: no Talos EKU or role rules, its own words', () => {
    const admin = cluster.kubeAdminCertificate({ notBefore: daysFromNow(-10), notAfter: daysFromNow(100) })
    const context = {
      name: 'admin@lab',
      clusterName: 'lab',
      userName: 'admin@lab',
      server: undefined,
      keyPem: undefined
    }
    const report = reportContext(
      kubeChecked({ ...context, caPem: cluster.k8sCaPem, crtPem: admin.crtPem }),
      true,
      rule,
      now
    )
    assert.deepEqual([report.kind, report.decision.status, report.problems], ['kubeconfig', 'valid', []])
    const foreign = reportContext(
      kubeChecked({ ...context, caPem: cluster.caCrtPem, crtPem: admin.crtPem }),
      true,
      rule,
      now
    )
    assert.deepEqual(messages(foreign).slice(0, 1), [
      "ca: The ca of kubeconfig context 'admin@lab' did not issue its client certificate; check that both belong to the same cluster."
    ])
    assert.throws(
      () => reportContext(kubeChecked({ ...context, caPem: cluster.k8sCaPem, crtPem: admin.keyPem }), true, rule, now),
      /^UserError: users\.admin@lab\.user\.client-certificate-data in input 'kubeconfig' is not a PEM certificate\.$/
    )
  })

  it('warns of a CA that expires before the next renewal, or before a renewed certificate would', () => {
    const day = (date: Date) => date.toISOString().slice(0, 10)
    const ending = makeCluster({ caValidity: { notBefore: daysFromNow(-100), notAfter: daysFromNow(50) } })
    const soon = ending.clientCertificate({ notBefore: daysFromNow(-10), notAfter: daysFromNow(100) })
    const caEnd = new Date(new X509Certificate(ending.caCrtPem).validTo)
    // The window opens 30 days before day 100, on day 70: after the CA is gone.
    const before = reportContext(checked(soon, ending.caCrtPem), true, rule, now)
    assert.match(
      messages(before)[0] ?? '',
      new RegExp(
        `^ca: The Talos API CA of context 'prod' expires on ${day(caEnd)}, before the next renewal \\(due ${day(new Date(expiry(soon.crtPem) - 30 * 86_400_000))}\\); rotate the CA\\.$`
      )
    )
    // Renewed on day 20 (inside the window), a year's certificate would outlive it.
    const inside = ending.clientCertificate({ notBefore: daysFromNow(-300), notAfter: daysFromNow(20) })
    assert.match(
      messages(reportContext(checked(inside, ending.caCrtPem), true, rule, now))[0] ?? '',
      /before a certificate renewed on .+ for the configured ttl would; rotate the CA or shorten ttl\.$/
    )
    // A ttl shorter than what is left of the CA: nothing to say.
    assert.deepEqual(
      reportContext(checked(inside, ending.caCrtPem), true, { ...rule, ttlMs: 10 * 86_400_000 }, now).problems,
      []
    )
    assert.equal(before.caNotAfter?.getTime(), caEnd.getTime())
  })

  it('gives the date the renewal window opens: renew-before ahead of expiry, or a share of the lifetime', () => {
    const report = reportContext(checked(client), true, rule, now)
    assert.equal(report.renewalOpens?.getTime(), expiry(client.crtPem) - 30 * 86_400_000)
    const share = reportContext(checked(client), true, { ...rule, renewBefore: { kind: 'share', fraction: 0.5 } }, now)
    const lifetime = expiry(client.crtPem) - new Date(new X509Certificate(client.crtPem).validFrom).getTime()
    assert.equal(share.renewalOpens?.getTime(), expiry(client.crtPem) - lifetime / 2)
    const missing = talosChecked({ name: 'new', endpoints: [], nodes: [], caPem: cluster.caCrtPem, hasAuth: false })
    assert.equal(reportContext(missing, true, rule, now).renewalOpens, undefined)
  })

  it('judges the CA again against a renewed certificate, keeping the certificate problems it cured out', () => {
    const legacy = cluster.clientCertificate({
      notBefore: daysFromNow(-300),
      notAfter: daysFromNow(20),
      legacyUsages: true
    })
    const report = reportContext(checked(legacy), true, rule, now)
    const fresh = cluster.clientCertificate({ notBefore: daysFromNow(0), notAfter: daysFromNow(365) })
    rejudgeCa(report, checked(fresh), rule, now)
    assert.deepEqual(
      messages(report).map((message) => message.split(':')[0]),
      ['certificate']
    )
  })
})

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
    report.problems.map(({ about, message }) => `${about}: ${message.raw}`)

  it('finds what Talos would refuse: EKU not exactly clientAuth, no roles, a ca that did not issue it', () => {
    const legacy = cluster.clientCertificate({
      notBefore: daysFromNow(-10),
      notAfter: daysFromNow(100),
      usages: 'legacy'
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

  it('judges the CA again against a renewed certificate: its own CA problems replace the old ones, the rest stay', () => {
    const ending = makeCluster({ caValidity: { notBefore: daysFromNow(-100), notAfter: daysFromNow(200) } })
    // EKU and a CA that ends before this certificate's renewal window opens (day 270).
    const legacy = ending.clientCertificate({
      notBefore: daysFromNow(-65),
      notAfter: daysFromNow(300),
      usages: 'legacy'
    })
    const report = reportContext(checked(legacy, ending.caCrtPem), true, rule, now)
    assert.deepEqual(
      report.problems.map(({ about }) => about),
      ['certificate', 'ca']
    )
    assert.match(report.problems[1]?.message.raw ?? '', /before the next renewal/)
    // Renewed today for a month: the next renewal (in a few days) comes before the CA ends, but a
    // year's certificate renewed then would outlive it.
    const fresh = ending.clientCertificate({ notBefore: daysFromNow(0), notAfter: daysFromNow(31) })
    rejudgeCa(report, checked(fresh, ending.caCrtPem), rule, now)
    assert.deepEqual(
      report.problems.map(({ about }) => about),
      ['certificate', 'ca']
    )
    assert.equal(report.problems[0]?.message.raw.startsWith('The client certificate of'), true, 'kept as it was')
    assert.match(
      report.problems[1]?.message.raw ?? '',
      /^The Talos API CA of context 'prod' expires on .+, before a certificate renewed on .+ would/
    )
    assert.equal(report.caNotAfter?.getTime(), expiry(ending.caCrtPem))
    // Renewed against a CA that outlives it all: no CA problem is left, and the file's CA gives the date.
    rejudgeCa(
      report,
      checked(cluster.clientCertificate({ notBefore: daysFromNow(0), notAfter: daysFromNow(365) })),
      rule,
      now
    )
    assert.deepEqual(
      report.problems.map(({ about }) => about),
      ['certificate']
    )
    assert.equal(report.caNotAfter?.getTime(), expiry(cluster.caCrtPem))
    const noCa = { ...checked(client), caPem: undefined }
    rejudgeCa(report, noCa, rule, now)
    assert.equal(report.caNotAfter, undefined)
  })

  it('says nothing of the CA of a context that has none, and reads an empty extended key usage as none', () => {
    assert.deepEqual(reportContext({ ...checked(client), caPem: undefined }, true, rule, now).problems, [])
    const bare = cluster.clientCertificate({ notBefore: daysFromNow(-10), notAfter: daysFromNow(100), usages: 'none' })
    assert.deepEqual(messages(reportContext(checked(bare), true, rule, now)), [
      "certificate: The client certificate of context 'prod' has extended key usages other than exactly clientAuth (none); Talos 1.12 and later refuse it. Renew it with force."
    ])
  })

  it('draws the CA lines exactly: on the renewal day, and at renewal plus ttl', () => {
    const ending = makeCluster({ caValidity: { notBefore: daysFromNow(-100), notAfter: daysFromNow(50) } })
    const caEnd = new Date(expiry(ending.caCrtPem))
    const due = ending.clientCertificate({ notBefore: daysFromNow(-300), notAfter: daysFromNow(20) })
    // The window is open: the next renewal is now. A CA ending exactly now ends before it.
    const atEnd = reportContext(checked(due, ending.caCrtPem), true, rule, caEnd)
    assert.match(messages(atEnd)[0] ?? '', /^ca: .+, before the next renewal \(due/)
    // Renewed now for exactly what is left of the CA: it does not outlive it.
    const exact = { ...rule, ttlMs: caEnd.getTime() - now.getTime() }
    assert.deepEqual(reportContext(checked(due, ending.caCrtPem), true, exact, now).problems, [])
    const over = { ...rule, ttlMs: exact.ttlMs + 1 }
    assert.match(
      messages(reportContext(checked(due, ending.caCrtPem), true, over, now))[0] ?? '',
      /^ca: .+ for the configured ttl would; rotate the CA or shorten ttl\.$/
    )
  })
})

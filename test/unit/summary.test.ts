// The summary's rules, checked on its Markdown without a browser (test/e2e/summary-browser.test.ts
// renders it): a verdict first with a date or what to do, the table as it stands after the run,
// the same table builder for the issue, a chart scaled to the certificates with what it leaves
// out said in words, the drill folded, a dry run's words, and no address anywhere.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { RunResult } from '../../src/result.js'
import { Gate } from '../../src/story/gate.js'
import { issueText } from '../../src/story/issue.js'
import { README_SECTIONS } from '../../src/story/links.js'
import { summaryOf as gatedSummary } from '../../src/story/summary.js'
import { said } from '../../src/text.js'
import {
  AT,
  checked,
  expiredStaging,
  omni,
  prod,
  renewal,
  renewed,
  renewedWith,
  talosconfig
} from '../support/results.js'

const links = { readmeUrl: 'https://github.com/acme/talos-client-cert-renewal/blob/v2/README.md' }
const summaryOf = (result: RunResult, gate = new Gate()): string => gatedSummary(result, gate, links)
const firstLine = (markdown: string) => markdown.split('\n')[0] ?? ''
/** The gantt's task lines: label, tags, start and end, as Mermaid reads them. */
function tasks(markdown: string) {
  return [...markdown.matchAll(/^ {2}(.+?) :(?:(done|active|crit|milestone), )?t\d+, (\S+ \S+), (\S+ \S+)$/gm)].map(
    ([, label, tag, start, end]) => ({ label, tag, start: new Date(`${start}Z`), end: new Date(`${end}Z`) })
  )
}
const axis = (markdown: string) => {
  const bars = tasks(markdown).filter(({ tag }) => tag !== 'milestone')
  return { from: Math.min(...bars.map(({ start }) => +start)), to: Math.max(...bars.map(({ end }) => +end)) }
}
/** A run in which the talosconfig is valid for long and nothing was due. */
const quiet: RunResult = {
  ...renewedWith(undefined),
  credentials: [
    {
      ...talosconfig,
      contexts: [
        {
          ...prod,
          certificate: {
            ...(prod.certificate as NonNullable<typeof prod.certificate>),
            notAfter: new Date('2027-06-07T10:00:00Z')
          },
          renewalOpens: new Date('2027-05-08T10:00:00Z'),
          decision: {
            status: 'valid',
            renew: false,
            reason: '191 days left, outside renew-before',
            daysRemaining: 191
          },
          problems: []
        }
      ]
    }
  ]
}

const quietProd = quiet.credentials[0]?.contexts[0] as (typeof quiet.credentials)[0]['contexts'][0]

describe('the summary', () => {
  it('opens with a verdict: valid until a date and when the next window opens', () => {
    assert.equal(
      firstLine(summaryOf(quiet)),
      '## ✅ Talos client certificates: all valid until 2027-06-07; the next renewal window opens 2027-05-08'
    )
    const onlyProd = { ...renewed, credentials: [{ ...talosconfig, contexts: [prod, omni], renewal }] }
    assert.equal(
      firstLine(summaryOf(onlyProd)),
      '## ✅ Talos client certificates: renewed talosconfig `prod`; all valid until 2027-11-28; the next renewal window opens 2027-10-29'
    )
  })

  it('never says all is valid while another context of the file is due: it names that one and what to do', () => {
    const summary = summaryOf(renewed)
    assert.equal(
      firstLine(summary),
      '## ⚠️ Talos client certificates: renewed talosconfig `prod`; talosconfig context `staging` expired on 2026-11-25, and this action does not renew it'
    )
    assert.match(
      summary,
      /\n> \[!WARNING\]\n> Only the selected context is renewed: select this one with the `context` input, or remove it from the file if nobody uses it \(\[The credentials to keep alive\]\(https:\/\/github\.com\/acme\/talos-client-cert-renewal\/blob\/v2\/README\.md#2-the-credentials-to-keep-alive\)\)\.\n/
    )
    // A check that fails on that context alone is red, whatever the selected one says.
    const failsOnStaging = { ...checked, credentials: [{ ...talosconfig, contexts: [quietProd, expiredStaging] }] }
    assert.match(
      firstLine(summaryOf(failsOnStaging)),
      /^## ❌ Talos client certificates: talosconfig context `staging`/
    )
  })

  it('has nothing to call valid when no context has a client certificate', () => {
    const none = {
      ...quiet,
      credentials: [{ ...talosconfig, context: 'omni', contexts: [{ ...omni, selected: true }] }]
    }
    assert.equal(firstLine(summaryOf(none)), '## ➖ Talos client certificates: no client certificate to check')
  })

  it('names failed personal talosconfigs first, and the certificate due beside them', () => {
    const person = { login: 'alice', variable: 'TALOSCONFIG__ALICE', roles: ['os:reader'], written: false }
    const people = {
      people: [{ ...person, status: 'failed' as const, reason: said`the cluster refused it` }],
      dryRun: false,
      stateVariable: 'TALOSCONFIG__PEOPLE',
      failed: true
    }
    assert.equal(
      firstLine(summaryOf({ ...checked, people })),
      '## ❌ Talos client certificates: personal talosconfigs failed for `alice`; talosconfig `prod` expires on 2026-12-07'
    )
    assert.equal(
      firstLine(summaryOf({ ...quiet, people })),
      '## ❌ Talos client certificates: personal talosconfigs failed for `alice`'
    )
  })

  it('a check gone red says when, why, and what to do, linking the README', () => {
    const summary = summaryOf(checked)
    assert.equal(
      firstLine(summary),
      '## ❌ Talos client certificates: talosconfig `prod` expires on 2026-12-07 (9 days), not renewed yet'
    )
    assert.match(
      summary,
      /\n> \[!CAUTION\]\n> This check only reads: the renewal has not happened\. Run the renewal workflow now \(\[Renewal on demand\]\(https:\/\/github\.com\/acme\/talos-client-cert-renewal\/blob\/v2\/README\.md#3-renewal-on-demand\)\), or let the scheduled run renew it\.\n/
    )
  })

  it('a failed run, a broken drill and a dry run each have their verdict', () => {
    const failed = { ...renewedWith(undefined), failure: said`Input 'secrets-bundle' could not be decrypted.` }
    assert.match(
      firstLine(summaryOf(failed)),
      /^## ❌ Talos client certificates: the run failed; talosconfig `prod` expires on 2026-12-07$/
    )
    assert.match(
      summaryOf(failed),
      /\n> \*\*The run failed\.\*\* Input 'secrets-bundle' could not be decrypted\.\n>\n> Fix it, then run the renewal again/
    )
    // Issued and never written is not renewed: the certificate still due is named all the same.
    const unwritten = { ...renewedWith({ ...renewal, secretUpdated: false }), failure: failed.failure }
    assert.match(
      firstLine(summaryOf(unwritten)),
      /^## ❌ Talos client certificates: the run failed; talosconfig `prod` expires on 2026-12-07$/
    )
    const broken = {
      ...quiet,
      breakGlass: { status: 'broken' as const, source: 'secrets-bundle', message: said`another CA`, credentials: [] }
    }
    assert.equal(
      firstLine(summaryOf(broken)),
      '## ⚠️ Talos client certificates: valid until 2027-06-07, but the break-glass fallback is broken'
    )
    const dry = { ...renewedWith({ ...renewal, secretUpdated: false }), dryRun: true }
    const summary = summaryOf(dry)
    assert.equal(
      firstLine(summary),
      '## 🧪 Talos client certificates: dry run, would renew talosconfig `prod`; nothing written, valid until 2026-12-07'
    )
    assert.match(
      summary,
      /\nWould renew talosconfig `prod` with the CA key of `secrets-bundle` \(for `os:admin`, until 2027-11-28\); nothing written\.\n/
    )
    assert.doesNotMatch(summary, /^Renewed /m)
    // A dry run that failed after issuing would not have renewed: a real run fails the same way.
    const dryFailed = { ...dry, failure: said`The cluster refused the new talosconfig.` }
    const failedSummary = summaryOf(dryFailed)
    assert.doesNotMatch(failedSummary, /would renew|would be renewed|Would renew|would be written/i)
    assert.match(failedSummary, /\*\*not written\*\*: a dry run, and it failed/)
    assert.match(failedSummary, /\| issued, not written \|/)
  })

  it('shows the table as it stands after the run: the new expiry, a date, and the CA once below', () => {
    const summary = summaryOf(renewed)
    assert.match(
      summary,
      /\n\| {2}\| Credential \| Context \| Roles \| Expires \| Days left \| Renewal window opens \| Status \|\n/
    )
    assert.match(
      summary,
      /\n\| ✅ \| talosconfig \| `prod` \(the one renewed\) \| `os:admin` \| 2027-11-28 \(new\) \| 365 \| 2027-10-29 \| renewed \|\n/
    )
    assert.match(
      summary,
      /\n\| ❌ \| talosconfig \| `staging` \| `os:reader`, `os:etcd:backup` \| 2026-11-25 \| -3 \| 2026-11-07 \| expired \|\n/
    )
    assert.equal(summary.match(/2036-11-25/g)?.length, 1, "the CA's expiry is said once")
    assert.doesNotMatch(summary, /\d{4}-\d\d-\d\dT\d\d:/, 'dates, not instants')
  })

  it('builds the issue with the same table, without days left, its rows as wide as its header', () => {
    const { markdown } = issueText(checked, 'acme/ops TALOSCONFIG', undefined, new Gate(), links)
    const table = markdown.split('\n').filter((line) => line.startsWith('|'))
    assert.equal(table[0], '|  | Credential | Context | Roles | Expires | Renewal window opens | Status |')
    for (const row of table) assert.equal(row.split(' | ').length, 7, row)
    assert.match(
      markdown,
      /^### ❌ Talos client certificates: talosconfig `prod` expires on 2026-12-07, not renewed yet\n/
    )
  })

  it('scales the chart to the certificates: a year of a certificate is most of the axis, and the CA ten years out is said in words', () => {
    const summary = summaryOf(renewed)
    const { from, to } = axis(summary)
    for (const { label, start, end } of tasks(summary).filter(({ tag }) => tag !== 'milestone'))
      assert.ok((+end - +start) / (to - from) >= 0.015, `${label}: ${(+end - +start) / (to - from)}`)
    const year = tasks(summary).find(({ label }) => label?.startsWith('new, until'))
    assert.ok(year && (+year.end - +year.start) / (to - from) > 0.45, 'the new certificate spans about half the axis')
    assert.doesNotMatch(summary, /CA expires/, 'the CA is outside the certificates, and said below the table')
    assert.match(summary, /\n {2}this run, 2026-11-28 :milestone, t\d+, 2026-11-28 10:00, 0d\n/)
    assert.match(summary, /\n {2}todayMarker off\n/)
  })

  it("draws a CA's expiry when it falls among the certificates, and colours by meaning", () => {
    const soon = renewedWith(undefined)
    soon.credentials = [{ ...talosconfig, contexts: [{ ...prod, caNotAfter: new Date('2026-12-01T10:00:00Z') }] }]
    const summary = summaryOf(soon)
    assert.match(summary, /\n {2}talosconfig CA expires 2026-12-01 :milestone, /)
    assert.match(summary, /\n {2}renewal window :active, t\d+, 2026-11-07 10:00, 2026-12-07 10:00\n/)
    const check = summaryOf(checked)
    assert.match(check, /\n {2}section talosconfig prod\n/)
    assert.doesNotMatch(check, /section talosconfig staging/, 'the selected context is drawn, the others said in words')
  })

  it('says in words what the chart leaves out: other contexts, and a certificate of an hour', () => {
    const hour = { ...renewal, notBefore: AT, notAfter: new Date(+AT + 3_600_000), secretUpdated: false }
    const dry = { ...renewedWith(hour), dryRun: true }
    const summary = summaryOf(dry)
    assert.match(
      summary,
      /\nNot drawn: `staging`, `omni`, other contexts of the talosconfig; this run renews `prod`\.\n/
    )
    assert.match(
      summary,
      /\nNot drawn, too short to see on this scale: talosconfig `prod`, would be new, until 2026-11-28 11\.00 UTC \(60 minutes\)\.\n/
    )
    assert.doesNotMatch(summary, /would be new, until .+ :done/)
  })

  it('folds what the drill did, and says its verdict in one line', () => {
    const drilled = {
      ...quiet,
      breakGlass: {
        status: 'proven' as const,
        source: 'secrets-bundle',
        message: said`talosconfig: ok`,
        credentials: [
          {
            kind: 'talosconfig' as const,
            status: 'proven' as const,
            message: said`a throwaway certificate, SHA-256 AB:CD`
          }
        ]
      }
    }
    const summary = summaryOf(drilled)
    assert.match(
      summary,
      /\nBreak-glass of `secrets-bundle`: \*\*proven\*\*, the cluster accepted a throwaway certificate signed with it \(\[what this is\]\(.+#the-break-glass-drill\)\)\.\n\n<details><summary>What the drill did<\/summary>\n\n- talosconfig: \*\*proven\*\*, a throwaway certificate, SHA-256 AB:CD\n\n<\/details>\n/
    )
  })

  it('shows no endpoint, node or server, whatever the messages quote', () => {
    const gate = new Gate()
    for (const address of ['cp1.lab.internal:50000', 'https://10.5.0.2:6443']) gate.know(address)
    const failing = {
      ...renewed,
      failure: said`${'cp1.lab.internal:50000'} refused; ${'https://10.5.0.2:6443'} and ${'cp1.lab.internal'} too.`
    }
    const summary = summaryOf(failing, gate)
    assert.doesNotMatch(summary, /cp1|10\.5\.0\.2|6443/)
    assert.match(summary, /<address\\> refused/)
  })

  it('links only README sections that exist', async () => {
    const { readFileSync } = await import('node:fs')
    const readme = readFileSync('README.md', 'utf8')
    const anchors = [...readme.matchAll(/^#+ (.+)$/gm)].map(([, heading]) =>
      (heading as string)
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, '')
        .replace(/ /g, '-')
    )
    for (const anchor of Object.values(README_SECTIONS)) assert.ok(anchors.includes(anchor), anchor)
  })
})

// The issue that asks for a person quotes names and error lines from outside: they stay text
// (no mention, image, link or code span broken out of), and no endpoint, node or server of the
// run appears in it, dotted or not.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ContextReport } from '../../src/credentials/judge.js'
import type { RunResult } from '../../src/result.js'
import { Gate } from '../../src/story/gate.js'
import { issueText } from '../../src/story/issue.js'
import { said } from '../../src/text.js'

const hostile = 'x` @alice ![i](https://e.example/p.png) [l](https://e.example) #12'
const report: ContextReport = {
  kind: 'talosconfig',
  name: hostile,
  selected: true,
  certificate: {
    organizations: ['os:admin'],
    commonName: undefined,
    notBefore: new Date('2025-12-01T00:00:00Z'),
    notAfter: new Date('2026-12-05T00:00:00Z')
  } as ContextReport['certificate'],
  caNotAfter: new Date('2036-01-01T00:00:00Z'),
  renewalOpens: new Date('2026-11-05T00:00:00Z'),
  decision: { status: 'expiring', renew: true, reason: '5 days left, inside renew-before', daysRemaining: 5 },
  problems: [{ about: 'ca', message: said`The Talos API CA of context '${hostile}' expires soon; rotate the CA.` }]
}
const result: RunResult = {
  at: new Date('2026-12-01T00:00:00Z'),
  mode: 'check',
  modeReason: 'mode auto on schedule',
  credentials: [
    { kind: 'talosconfig', context: hostile, contexts: [report], decision: report.decision, secretName: 'TALOSCONFIG' }
  ],
  failed: true
}

describe('issueText', () => {
  it('quotes names and messages as text: no mention, image, link or reference, no code span broken out of', () => {
    const { markdown } = issueText(result, 'acme/ops TALOSCONFIG', undefined, new Gate())
    const body = markdown.replace(/<!--.*-->/g, '')
    // Outside code spans (where nothing is a mention or a link), no live Markdown is left.
    // A code span opens with an unescaped run of backticks and closes with a run of the same length.
    const outsideCode = body.replace(/(?<![\\`])(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '')
    assert.doesNotMatch(outsideCode, /@alice|#12\b/, 'a mention or an issue reference')
    assert.doesNotMatch(outsideCode, /(^|[^\\])!\[i\]\(/m, 'an image')
    assert.doesNotMatch(outsideCode, /(^|[^\\])\[l\]\(/m, 'a link')
    // Each code span holding the name closes after the whole name.
    assert.ok(body.includes('`` x` @alice'), body)
  })

  it('takes out every endpoint and node the run knows, dotted or not', () => {
    const failures =
      'cp1:50000 (connection refused); cp2 (name not found); 10.5.0.2:50000 (connection refused); https://k8s.internal:6443 refused'
    const errorLine = said`No endpoint of talosconfig context 'prod' answered GenerateClientConfiguration: ${failures}.`
    const failed: RunResult = { ...result, credentials: [], failure: errorLine }
    const gate = new Gate()
    for (const address of ['cp1:50000', 'cp2', 'https://k8s.internal:6443']) gate.know(address)
    const { markdown } = issueText(failed, 'acme/ops TALOSCONFIG', undefined, gate)
    for (const address of ['cp1', 'cp2', '10.5.0.2', 'k8s.internal']) assert.ok(!markdown.includes(address), address)
    assert.match(
      markdown,
      /answered GenerateClientConfiguration: \\<address\\> \\\(connection refused\\\); \\<address\\>/
    )
  })
})

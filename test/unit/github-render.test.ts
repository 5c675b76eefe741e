// The parts of the GitHub-render harness that need no browser: Markdown to GitHub's HTML
// (alerts, Mermaid blocks, the tables' cell counts as written), which URLs a page may reach,
// and the readability checker the redesigned summary must satisfy, on measurements made up
// here so that each rule is seen to fire and to stay quiet.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  isLoopbackUrl,
  markdownCells,
  markdownToHtml,
  summaryReadability,
  type Bar,
  type Gantt,
  type Rendered
} from '../support/github-render.js'

describe('markdownToHtml', () => {
  it("turns GitHub's alerts into a div per kind, with a title, and leaves other blockquotes alone", () => {
    const html = markdownToHtml(
      '> [!WARNING]\n> **Unproven:** see below.\n\n> [!note]\n>\n> Later.\n\n> [!NOPE]\n> Quoted.\n'
    )
    assert.match(
      html,
      /<div class="markdown-alert markdown-alert-warning">\n<p class="markdown-alert-title">Warning<\/p>\n<p><strong>Unproven:<\/strong> see below.<\/p>\n<\/div>/
    )
    assert.match(
      html,
      /<div class="markdown-alert markdown-alert-note">\n<p class="markdown-alert-title">Note<\/p>\n<p>Later.<\/p>/
    )
    assert.match(html, /<blockquote>\n<p>\[!NOPE\]\nQuoted.<\/p>\n<\/blockquote>/)
  })

  it('keeps a Mermaid block as text for the page to render, and <details> as written', () => {
    const html = markdownToHtml(
      '<details><summary>More</summary>\n\nText\n\n</details>\n\n```mermaid\ngantt\n  a :x<y\n```\n'
    )
    assert.match(html, /<details><summary>More<\/summary>\n<p>Text<\/p>\n<\/details>/)
    assert.match(
      html,
      /<section class="mermaid-block" data-type="mermaid"><pre class="mermaid-source">gantt\n {2}a :x&lt;y\n<\/pre><\/section>/
    )
  })

  it('carries the cells each table line has in the Markdown, which GFM evens out when it renders', () => {
    const html = markdownToHtml('| a | b |\n| - | - |\n| 1 | 2 | 3 |\n| `x\\|y` |\n')
    assert.match(html, /<table data-md-header-cells="2" data-md-row-cells="3,1">/)
    assert.equal((html.match(/<td>/g) ?? []).length, 4, 'two cells a row, whatever the Markdown wrote')
  })

  it('counts cells as GFM splits them: edge pipes optional, escaped pipes kept, quote markers ignored', () => {
    assert.equal(markdownCells('| a | b |'), 2)
    assert.equal(markdownCells('a | b'), 2)
    assert.equal(markdownCells('| `a\\|b` | c |'), 2)
    assert.equal(markdownCells('> | a | b | c |'), 3)
    assert.equal(markdownCells('| | a |'), 2)
  })
})

describe('isLoopbackUrl', () => {
  it('lets a page reach loopback and inline data only', () => {
    for (const url of [
      'http://127.0.0.1:8080/x',
      'http://127.3.2.1/',
      'http://localhost/',
      'http://[::1]:9/',
      'data:,x'
    ])
      assert.equal(isLoopbackUrl(url), true, url)
    for (const url of [
      'https://example.invalid/badge.svg',
      'http://128.0.0.1/',
      'http://127.0.0.1.example.invalid/',
      'ws://127.0.0.1/',
      'http://[::2]/'
    ])
      assert.equal(isLoopbackUrl(url), false, url)
  })
})

const box = (x: number, y: number, width: number, height = 12) => ({ x, y, width, height })
const bar = (label: string, x: number, width: number, y: number): Bar => ({
  label,
  x,
  width,
  classes: ['task', 'task0'],
  states: [],
  labelPlacement: 'outsideRight',
  labelBox: box(x + width + 5, y, label.length * 6)
})

/** A chart and a page that meet every rule; each test below breaks one. */
function readable(): { page: Rendered; gantt: Gantt } {
  const bars = [bar('valid until 2027-01-05', 100, 300, 50), bar('new certificate until 2028-01-05', 380, 300, 74)]
  const gantt: Gantt = {
    title: 'Client certificates',
    box: box(0, 0, 1012, 200),
    axis: { left: 75, right: 937, width: 862 },
    ticks: [{ x: 100, text: '2027-01' }],
    bars,
    milestones: [],
    markers: [{ kind: 'today', x: 390, top: 25, bottom: 180 }],
    labels: bars.map((b) => ({ kind: 'task' as const, text: b.label, box: b.labelBox ?? box(0, 0, 0) }))
  }
  const page: Rendered = {
    mermaidErrors: [],
    blocked: [],
    firstLine: '✅ Renewed: valid until 5 January 2028',
    firstParagraph: '',
    gantts: [gantt],
    tables: [
      {
        headerCells: 3,
        rowCells: [3],
        markdown: { headerCells: 3, rowCells: [3] },
        wrapped: [],
        width: 300,
        overflows: false
      }
    ],
    alerts: [],
    details: [],
    links: []
  }
  return { page, gantt }
}

describe('summaryReadability', () => {
  it('finds nothing wrong with a readable page', () => {
    assert.deepEqual(summaryReadability(readable().page), [])
  })

  it('finds a bar under 6 px, and a longest certificate under a fifth of the axis', () => {
    const { page, gantt } = readable()
    gantt.bars = [bar('valid until 2027-01-05', 100, 150, 50), bar('new certificate until 2026-12-05', 255, 0.4, 74)]
    gantt.labels = []
    assert.deepEqual(
      summaryReadability(page).map(({ rule, message }) => `${rule}: ${message}`),
      [
        "bar-width: chart 1: 'new certificate until 2026-12-05' is 0.4 px wide, under 6 px",
        "certificate-share: chart 1: the longest certificate, 'valid until 2027-01-05', spans 150.0 px of the 862.0 px axis (17.4%), under 20%"
      ]
    )
  })

  it('finds labels that overlap, and a label the today line crosses; not a tick it crosses', () => {
    const { page, gantt } = readable()
    gantt.labels.push(
      { kind: 'section', text: 'talosconfig prod', box: box(420, 55, 60) },
      { kind: 'tick', text: '2027-07', box: box(380, 170, 40) }
    )
    gantt.markers.push({ kind: 'today', x: 700, top: 25, bottom: 180 })
    assert.deepEqual(
      summaryReadability(page).map(({ rule, message }) => `${rule}: ${message}`),
      [
        "label-overlap: chart 1: 'valid until 2027-01-05' overlaps 'talosconfig prod'",
        "label-crosses-marker: chart 1: 'new certificate until 2028-01-05' crosses the today line at x 700.0 px"
      ]
    )
  })

  it('finds a row whose Markdown has more or fewer cells than its header, though the page evened them out', () => {
    const { page } = readable()
    page.tables = [
      { ...(page.tables[0] as Rendered['tables'][number]), markdown: { headerCells: 7, rowCells: [8, 7] } }
    ]
    assert.deepEqual(summaryReadability(page), [
      { rule: 'table-cells', message: 'table 1: row 1 has 8 cells in the Markdown, its header 7' }
    ])
  })

  it('wants a date in the first line, in figures or in words', () => {
    for (const line of ['Renewed; valid until 2028-01-05', 'Expires 5 Jan 2028', 'Expires January 5, 2028']) {
      const { page } = readable()
      page.firstLine = line
      assert.deepEqual(summaryReadability(page), [], line)
    }
    const { page } = readable()
    page.firstLine = 'Talos client certificates'
    assert.deepEqual(
      summaryReadability(page).map(({ rule }) => rule),
      ['first-line-date']
    )
  })

  it('counts a Mermaid error and a request that left loopback as problems', () => {
    const { page } = readable()
    page.mermaidErrors = ['mermaid block 1: No diagram type detected']
    page.blocked = ['https://example.invalid/x.png']
    assert.deepEqual(
      summaryReadability(page).map(({ rule }) => rule),
      ['mermaid-error', 'blocked-request']
    )
  })
})

// Renders Markdown as GitHub renders a job summary or an issue body, in a real browser at
// GitHub's width, and measures what a reader sees: the chart's bars and labels, the tables'
// cells and wrapped lines, the first line, the alerts. GitHub's own pipeline (cmark-gfm, its
// sanitizer, Mermaid in an iframe) cannot run here; this stands in for it with markdown-it,
// the Mermaid of node_modules (not GitHub's version) and a few rules of GitHub's CSS, close
// enough to judge widths and overlaps, not to match pixels.
//
// The page reaches nothing but the loopback server started here: every request is routed,
// and one to any other host is refused and reported, so a test can assert that none was.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import MarkdownIt, { type StateCore } from 'markdown-it'
import { chromium, type Browser } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '../..')

/** GitHub's job-summary content width, in CSS px. */
export const GITHUB_WIDTH = 1012
/** Every wait of a render is bounded by this. */
const WAIT_MS = 20_000

/**
 * The browser to drive: CHROMIUM_PATH when it names one (ci.yml points it at the runner's
 * Google Chrome), else Debian's chromium, which .ci/install-tools installs. Undefined when
 * there is none.
 */
export function browserPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']
  return candidates.find((path): path is string => Boolean(path) && existsSync(path as string))
}

// ---------------------------------------------------------------------------------------
// Markdown to HTML

const ALERT_KINDS = ['NOTE', 'TIP', 'IMPORTANT', 'WARNING', 'CAUTION'] as const

/**
 * GitHub's alerts: a top-level blockquote whose first line is `[!KIND]` alone becomes
 * `<div class="markdown-alert markdown-alert-kind">` with a title, as GitHub writes it.
 * Runs before inline parsing, so the marker is cut from the paragraph's source text.
 */
function alerts(state: StateCore): void {
  const tokens = state.tokens
  for (let i = 0; i < tokens.length; i++) {
    const open = tokens[i]
    const inline = tokens[i + 2]
    if (open?.type !== 'blockquote_open' || open.level !== 0) continue
    if (tokens[i + 1]?.type !== 'paragraph_open' || inline?.type !== 'inline') continue
    const marker = /^\[!(\w+)\][ \t]*(?:\n|$)/.exec(inline.content)
    const kind = marker?.[1]?.toUpperCase()
    if (!marker || !ALERT_KINDS.includes(kind as (typeof ALERT_KINDS)[number])) continue
    const close = tokens.findIndex((token, at) => at > i && token.type === 'blockquote_close' && token.level === 0)
    if (close < 0) continue
    const name = (kind as string).toLowerCase()
    for (const token of [open, tokens[close]]) if (token) token.tag = 'div'
    open.attrSet('class', `markdown-alert markdown-alert-${name}`)
    inline.content = inline.content.slice(marker[0].length)
    const title = new state.Token('html_block', '', 0)
    title.content = `<p class="markdown-alert-title">${name[0]?.toUpperCase()}${name.slice(1)}</p>\n`
    // A marker alone in its paragraph leaves no paragraph behind.
    const replaced = inline.content.trim() === '' ? 3 : 0
    tokens.splice(i + 1, replaced, title)
  }
}

/** The cells of one table line as GFM splits it: on every pipe not escaped by a backslash. */
export function markdownCells(line: string): number {
  const text = line
    .replace(/^ {0,3}(?:> ?)*/, '')
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
  return text.split(/(?<!\\)\|/).length
}

/**
 * What the Markdown itself says of each table: GFM renders as many cells a row as its header
 * has, dropping extra ones and padding missing ones, so a row with the wrong count is only
 * seen in the source. The counts ride on the table as data attributes, for the page to read.
 */
function tableSources(state: StateCore): void {
  const lines = state.src.split('\n')
  for (const token of state.tokens) {
    if (token.type !== 'table_open' || !token.map) continue
    const [start, end] = token.map
    token.attrSet('data-md-header-cells', String(markdownCells(lines[start] ?? '')))
    const rows = lines.slice(start + 2, end).filter((line) => line.trim() !== '')
    token.attrSet('data-md-row-cells', rows.map(markdownCells).join(','))
  }
}

export interface MarkdownOptions {
  /**
   * Issues and comments turn each line break into <br>; job summaries, like files, do not.
   */
  hardBreaks?: boolean
}

/** Markdown to the HTML of GitHub's markdown body: GFM tables, autolinks, alerts, HTML, Mermaid. */
export function markdownToHtml(markdown: string, options: MarkdownOptions = {}): string {
  // HTML passes through (GitHub keeps <details>, <summary> and their kin); what GitHub's
  // sanitizer would strip, scripts above all, the page's Content-Security-Policy blocks.
  const md = new MarkdownIt('default', { html: true, linkify: true, breaks: options.hardBreaks ?? false })
  md.core.ruler.after('block', 'github-alerts', alerts)
  md.core.ruler.after('block', 'table-sources', tableSources)
  const fence = md.renderer.rules.fence
  md.renderer.rules.fence = (tokens, index, opts, env, self) => {
    const token = tokens[index]
    if (token?.info.trim() === 'mermaid')
      return `<section class="mermaid-block" data-type="mermaid"><pre class="mermaid-source">${md.utils.escapeHtml(token.content)}</pre></section>\n`
    return fence ? fence(tokens, index, opts, env, self) : self.renderToken(tokens, index, opts)
  }
  return md.render(markdown)
}

// ---------------------------------------------------------------------------------------
// What the page measures (see github-render-page.js, which fills these in)

/** A box in page px: x from the page's left edge, y from its top. */
export interface Box {
  x: number
  y: number
  width: number
  height: number
}

export interface Label {
  kind: 'task' | 'section' | 'title' | 'marker' | 'tick'
  text: string
  box: Box
}

export interface Bar {
  label: string
  x: number
  width: number
  /** Mermaid's classes on the bar, such as `task done0`, `task active0`, `task milestone crit0`. */
  classes: string[]
  /** Mermaid's states read from the classes. */
  states: Array<'done' | 'active' | 'crit' | 'milestone' | 'vert'>
  /** Where Mermaid put the label: inside the bar, or outside it to the right or left. */
  labelPlacement: 'inside' | 'outsideRight' | 'outsideLeft'
  labelBox?: Box
}

export interface Marker {
  kind: 'today' | 'vert'
  x: number
  top: number
  bottom: number
  label?: string
}

export interface Gantt {
  title?: string
  box: Box
  /** The task area: the axis from its first date to its last, in page px. */
  axis: { left: number; right: number; width: number }
  ticks: Array<{ x: number; text: string }>
  /** Every task bar, milestones apart. */
  bars: Bar[]
  milestones: Bar[]
  markers: Marker[]
  labels: Label[]
}

export interface Table {
  headerCells: number
  /** Cells per body row, as rendered (GFM makes each the header's count). */
  rowCells: number[]
  /** Cells per line as the Markdown wrote them. */
  markdown: { headerCells: number; rowCells: number[] }
  /** Body cells whose text takes two lines or more at GitHub's width. */
  wrapped: Array<{ row: number; column: number; text: string; lines: number }>
  width: number
  /** Wider than GitHub's width: GitHub scrolls it sideways. */
  overflows: boolean
}

export interface Rendered {
  /** Mermaid's parse and render errors, then the page's console errors and uncaught ones. */
  mermaidErrors: string[]
  /** Requests refused because they were not to loopback. */
  blocked: string[]
  /** The first line of text a reader sees. */
  firstLine: string
  firstParagraph: string
  gantts: Gantt[]
  tables: Table[]
  alerts: Array<{ kind: string; text: string }>
  details: Array<{ summary: string; open: boolean }>
  links: Array<{ text: string; href: string }>
  /** Where the screenshot went, when one was taken. */
  screenshot?: string
}

// ---------------------------------------------------------------------------------------
// The page and its server

const ASSETS: Record<string, { file: string; type: string }> = {
  '/assets/mermaid.min.js': {
    file: join(root, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js'),
    type: 'text/javascript'
  },
  '/assets/github-render-page.js': { file: join(here, 'github-render-page.js'), type: 'text/javascript' },
  '/assets/github-render.css': { file: join(here, 'github-render.css'), type: 'text/css' }
}

// Scripts only from this server: no script the Markdown carries runs. Nothing else is held
// back here, so that every other request reaches the route below and is recorded there.
const CSP = "script-src 'self'; object-src 'none'"

function pageHtml(body: string, mermaid: boolean): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<link rel="stylesheet" href="/assets/github-render.css">',
    mermaid ? '<script src="/assets/mermaid.min.js"></script>' : '',
    '<script src="/assets/github-render-page.js" defer></script>',
    `</head><body><article class="markdown-body">\n${body}</article></body></html>`
  ].join('\n')
}

/** The hosts a page may reach: this machine's loopback, by address or name. */
export function isLoopbackUrl(url: string): boolean {
  const { protocol, hostname } = new URL(url)
  if (protocol === 'data:' || protocol === 'blob:') return true
  if (protocol !== 'http:' && protocol !== 'https:') return false
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname)
}

interface Renderer {
  browser: Browser
  server: Server
  base: string
  pages: Map<string, string>
}

let renderer: Promise<Renderer> | undefined
let serial = 0

async function start(): Promise<Renderer> {
  const executablePath = browserPath()
  if (!executablePath) throw new Error('no browser: install chromium or set CHROMIUM_PATH')
  const pages = new Map<string, string>()
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname
    const asset = ASSETS[path]
    const page = path.startsWith('/page/') ? pages.get(path.slice('/page/'.length)) : undefined
    if (asset) {
      response.writeHead(200, { 'content-type': asset.type, 'cache-control': 'max-age=3600' })
      response.end(readFileSync(asset.file))
    } else if (page !== undefined) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP })
      response.end(page)
    } else {
      response.writeHead(404).end()
    }
  })
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready))
  const { port } = server.address() as AddressInfo
  const launching = chromium.launch({
    executablePath,
    headless: true,
    timeout: WAIT_MS,
    // Playwright gives each launch a fresh, empty profile of its own. Without the
    // background-networking flags Chromium reaches for Google's hosts on its own; the
    // resolver rule is the last guard: no name but loopback resolves. (Chromium still
    // connects a UDP socket to a public IPv6 address to learn its route: that sends nothing.)
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'
    ]
  })
  // A browser that does not start must not leave the server holding the test process open.
  const browser = await launching.catch((error: unknown) => {
    server.close()
    throw error
  })
  return { browser, server, base: `http://127.0.0.1:${port}`, pages }
}

export interface RenderOptions extends MarkdownOptions {
  /** The screenshot's name in SUMMARY_SCREENSHOTS, when that names a folder. */
  name?: string
  /** A full-page PNG here, whatever SUMMARY_SCREENSHOTS says. */
  screenshot?: string
}

/**
 * Renders `markdown` as GitHub would, at GitHub's width, and measures it. The first call
 * launches the browser; every later one in the process opens a page in it. Call
 * closeGitHubRenderer() when done (in an `after` hook).
 */
export async function renderAsGitHub(markdown: string, options: RenderOptions = {}): Promise<Rendered> {
  renderer ??= start()
  const { browser, base, pages } = await renderer
  const id = String(++serial)
  const html = markdownToHtml(markdown, options)
  pages.set(id, pageHtml(html, html.includes('class="mermaid-block"')))
  const context = await browser.newContext({ viewport: { width: GITHUB_WIDTH, height: 800 }, serviceWorkers: 'block' })
  context.setDefaultTimeout(WAIT_MS)
  const blocked: string[] = []
  const consoleErrors: string[] = []
  try {
    await context.route('**/*', (route) => {
      const url = route.request().url()
      if (isLoopbackUrl(url)) return route.continue()
      blocked.push(url)
      return route.abort('blockedbyclient')
    })
    const page = await context.newPage()
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`console: ${message.text()}`)
    })
    page.on('pageerror', (error) => consoleErrors.push(`page: ${error.message}`))
    await page.goto(`${base}/page/${id}`, { waitUntil: 'load', timeout: WAIT_MS })
    // Strings, not functions: tsx's helpers would not exist in the page.
    await page.waitForFunction('window.__githubRender !== undefined', undefined, { timeout: WAIT_MS })
    const measured = (await page.evaluate('window.__githubRender')) as Omit<Rendered, 'blocked'>
    const result: Rendered = {
      ...measured,
      mermaidErrors: [...measured.mermaidErrors, ...consoleErrors],
      blocked
    }
    const folder = process.env.SUMMARY_SCREENSHOTS
    const targets = [options.screenshot, folder && join(folder, `${options.name ?? `page-${id}`}.png`)]
    for (const path of targets.filter((target): target is string => Boolean(target))) {
      mkdirSync(dirname(path), { recursive: true })
      await page.screenshot({ path, fullPage: true, timeout: WAIT_MS })
      result.screenshot ??= path
    }
    return result
  } finally {
    pages.delete(id)
    await context.close()
  }
}

/** Closes the browser and the server, if a render started them. */
export async function closeGitHubRenderer(): Promise<void> {
  const started = renderer
  renderer = undefined
  if (!started) return
  // One that failed to start has closed its server already, and its error was reported.
  const running = await started.catch(() => undefined)
  if (!running) return
  const { browser, server } = running
  await browser.close()
  await new Promise<void>((closed) => server.close(() => closed()))
}

// ---------------------------------------------------------------------------------------
// What a readable summary must be: the redesign's bar

export interface Problem {
  rule:
    | 'mermaid-error'
    | 'blocked-request'
    | 'bar-width'
    | 'label-overlap'
    | 'label-crosses-marker'
    | 'certificate-share'
    | 'table-cells'
    | 'first-line-date'
  message: string
}

export interface ReadabilityOptions {
  /** The narrowest bar a reader can see at GitHub's width. */
  minBarWidth?: number
  /** The least share of the axis the longest certificate's bar must span. */
  minCertificateShare?: number
  /** Which bars are certificates (current or new): by default, by their label. */
  isCertificate?: (bar: Bar) => boolean
}

const overlaps = (a: Box, b: Box): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

const MONTHS = 'January|February|March|April|May|June|July|August|September|October|November|December'
/** 2027-01-05, 5 January 2027, January 5, 2027 (abbreviated months too). */
const DATE = new RegExp(
  `\\b\\d{4}-\\d{2}-\\d{2}\\b|\\b\\d{1,2} (?:${MONTHS}|${MONTHS.replace(/(\w{3})\w*/g, '$1')})\\.? \\d{4}\\b|` +
    `\\b(?:${MONTHS}|${MONTHS.replace(/(\w{3})\w*/g, '$1')})\\.? \\d{1,2},? \\d{4}\\b`
)

const defaultIsCertificate = (bar: Bar): boolean => /valid until|certificate/i.test(bar.label)

/**
 * What the redesigned summary must meet, as a list of problems (none: readable). Every bar
 * at least 6 px wide at GitHub's width; no two labels overlapping; no label but the axis's
 * across a marker line (the today line runs through the axis, wherever its ticks fall); the longest certificate spanning at least a fifth of its axis; every row of every
 * table with as many cells as its header, in the Markdown; a date in the first line.
 */
export function summaryReadability(page: Rendered, options: ReadabilityOptions = {}): Problem[] {
  const minBarWidth = options.minBarWidth ?? 6
  const minShare = options.minCertificateShare ?? 0.2
  const isCertificate = options.isCertificate ?? defaultIsCertificate
  const problems: Problem[] = []
  const px = (value: number) => `${value.toFixed(1)} px`
  for (const error of page.mermaidErrors) problems.push({ rule: 'mermaid-error', message: error })
  for (const url of page.blocked) problems.push({ rule: 'blocked-request', message: `the page asked for ${url}` })
  page.gantts.forEach((gantt, chart) => {
    const where = `chart ${chart + 1}`
    for (const bar of gantt.bars)
      if (bar.width < minBarWidth)
        problems.push({
          rule: 'bar-width',
          message: `${where}: '${bar.label}' is ${px(bar.width)} wide, under ${minBarWidth} px`
        })
    const labels = gantt.labels
    labels.forEach((a, i) => {
      for (const b of labels.slice(i + 1))
        if (overlaps(a.box, b.box))
          problems.push({ rule: 'label-overlap', message: `${where}: '${a.text}' overlaps '${b.text}'` })
      for (const marker of gantt.markers)
        if (
          a.kind !== 'marker' &&
          a.kind !== 'tick' &&
          a.box.x < marker.x &&
          marker.x < a.box.x + a.box.width &&
          a.box.y < marker.bottom &&
          marker.top < a.box.y + a.box.height
        )
          problems.push({
            rule: 'label-crosses-marker',
            message: `${where}: '${a.text}' crosses the ${marker.kind} line at x ${px(marker.x)}`
          })
    })
    const certificates = gantt.bars.filter(isCertificate)
    const longest = certificates.reduce<Bar | undefined>((a, b) => (a && a.width >= b.width ? a : b), undefined)
    if (longest && gantt.axis.width > 0) {
      const share = longest.width / gantt.axis.width
      if (share < minShare)
        problems.push({
          rule: 'certificate-share',
          message:
            `${where}: the longest certificate, '${longest.label}', spans ${px(longest.width)} of the ` +
            `${px(gantt.axis.width)} axis (${(share * 100).toFixed(1)}%), under ${minShare * 100}%`
        })
    }
  })
  page.tables.forEach((table, index) => {
    const header = table.markdown.headerCells
    table.markdown.rowCells.forEach((cells, row) => {
      if (cells !== header)
        problems.push({
          rule: 'table-cells',
          message: `table ${index + 1}: row ${row + 1} has ${cells} cells in the Markdown, its header ${header}`
        })
    })
  })
  if (!DATE.test(page.firstLine))
    problems.push({ rule: 'first-line-date', message: `the first line names no date: '${page.firstLine}'` })
  return problems
}

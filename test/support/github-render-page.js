// The page side of github-render.ts: renders each Mermaid block the way GitHub's viewer
// does (the chart laid out at the width of the markdown body), then measures what a reader
// sees and leaves it in window.__githubRender for the test to read. Plain browser script:
// served from the loopback server, so the page's Content-Security-Policy lets it run.
/* global window, document, mermaid, NodeFilter */

const round = (value) => Math.round(value * 10) / 10

/** A DOM rect in page px. */
function box(element) {
  const rect = element.getBoundingClientRect()
  return {
    x: round(rect.left + window.scrollX),
    y: round(rect.top + window.scrollY),
    width: round(rect.width),
    height: round(rect.height)
  }
}

const text = (element) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim()

async function renderMermaid(errors) {
  const blocks = [...document.querySelectorAll('.mermaid-block')]
  if (blocks.length === 0) return
  // GitHub renders with Mermaid's defaults; strict keeps the diagram's text as text.
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default' })
  for (const [index, block] of blocks.entries()) {
    const source = block.querySelector('.mermaid-source')?.textContent ?? ''
    try {
      // Rendered inside the block, so the gantt lays itself out at the block's width.
      const { svg } = await mermaid.render(`mermaid-${index}`, source, block)
      block.innerHTML = svg
    } catch (error) {
      errors.push(`mermaid block ${index + 1}: ${String(error?.message ?? error).split('\n')[0]}`)
      block.innerHTML = ''
    }
  }
}

/** Mermaid's states, from its classes: done0, activeCrit1, milestone and the like. */
function statesOf(classes) {
  const states = []
  const joined = classes.join(' ')
  if (/\bdone(Crit)?\d/.test(joined)) states.push('done')
  if (/\bactive(Crit)?\d/.test(joined)) states.push('active')
  if (/\b(crit|doneCrit|activeCrit)\d/.test(joined)) states.push('crit')
  if (classes.includes('milestone')) states.push('milestone')
  if (classes.includes('vert')) states.push('vert')
  return states
}

function placementOf(label) {
  if (!label) return 'inside'
  if (label.classList.contains('taskTextOutsideRight')) return 'outsideRight'
  if (label.classList.contains('taskTextOutsideLeft')) return 'outsideLeft'
  return 'inside'
}

function measureGantt(svg) {
  const bars = []
  const milestones = []
  const markers = []
  const labels = []
  for (const rect of svg.querySelectorAll('rect.task')) {
    const classes = [...rect.classList]
    const label = rect.id ? svg.querySelector(`[id="${rect.id}-text"]`) : null
    const { x, width } = box(rect)
    const bar = {
      label: text(label),
      x,
      width,
      classes,
      states: statesOf(classes),
      labelPlacement: placementOf(label)
    }
    if (label) bar.labelBox = box(label)
    if (classes.includes('vert')) {
      const { y, height } = box(rect)
      markers.push({ kind: 'vert', x: round(x + width / 2), top: y, bottom: y + height, label: bar.label })
      if (label) labels.push({ kind: 'marker', text: bar.label, box: bar.labelBox })
      continue
    }
    ;(classes.includes('milestone') ? milestones : bars).push(bar)
    if (label) labels.push({ kind: 'task', text: bar.label, box: bar.labelBox })
  }
  for (const line of svg.querySelectorAll('line.today')) {
    const { x, y, height } = box(line)
    markers.push({ kind: 'today', x, top: y, bottom: y + height })
  }
  for (const title of svg.querySelectorAll('text.sectionTitle'))
    labels.push({ kind: 'section', text: text(title), box: box(title) })
  const title = svg.querySelector('text.titleText')
  if (title && text(title)) labels.push({ kind: 'title', text: text(title), box: box(title) })
  const ticks = [...svg.querySelectorAll('g.grid g.tick')].map((tick) => {
    const line = tick.querySelector('line')
    const label = tick.querySelector('text')
    const where = box(line ?? tick)
    if (label && text(label)) labels.push({ kind: 'tick', text: text(label), box: box(label) })
    return { x: round(where.x + where.width / 2), text: text(label) }
  })
  // The axis's domain path runs from the first date to the last: the task area.
  const domain = svg.querySelector('g.grid path.domain')
  const span = domain ? box(domain) : undefined
  const left = span ? span.x : (ticks[0]?.x ?? 0)
  const right = span ? span.x + span.width : (ticks.at(-1)?.x ?? 0)
  return {
    title: title ? text(title) : undefined,
    box: box(svg),
    axis: { left, right, width: round(right - left) },
    ticks,
    bars,
    milestones,
    markers,
    labels
  }
}

/** How many lines a cell's text takes: its text fragments grouped by their line's top. */
function linesOf(cell) {
  const lineHeight = parseFloat(window.getComputedStyle(cell).lineHeight) || 20
  const tops = []
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT)
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue
    const range = document.createRange()
    range.selectNodeContents(node)
    for (const rect of range.getClientRects()) {
      if (rect.width === 0) continue
      if (!tops.some((top) => Math.abs(top - rect.top) < lineHeight / 2)) tops.push(rect.top)
    }
  }
  return Math.max(tops.length, 1)
}

function measureTable(table) {
  const headerCells = table.querySelectorAll('thead tr:first-child > th, thead tr:first-child > td').length
  const rows = [...table.querySelectorAll('tbody > tr')]
  const wrapped = []
  rows.forEach((row, rowIndex) => {
    ;[...row.children].forEach((cell, column) => {
      const lines = linesOf(cell)
      if (lines > 1) wrapped.push({ row: rowIndex + 1, column: column + 1, text: text(cell), lines })
    })
  })
  const counts = (value) => (value ? value.split(',').filter(Boolean).map(Number) : [])
  return {
    headerCells,
    rowCells: rows.map((row) => row.children.length),
    markdown: {
      headerCells: Number(table.dataset.mdHeaderCells ?? headerCells),
      rowCells: counts(table.dataset.mdRowCells)
    },
    wrapped,
    width: box(table).width,
    overflows: table.scrollWidth > table.clientWidth
  }
}

function firstLine(body) {
  const first = [...body.children].find((element) => element.innerText.trim())
  return (first?.innerText ?? '').trim().split('\n')[0].trim()
}

function measure(errors) {
  const body = document.querySelector('.markdown-body')
  return {
    mermaidErrors: errors,
    firstLine: firstLine(body),
    firstParagraph: text(body.querySelector(':scope > p')),
    gantts: [...body.querySelectorAll('svg[aria-roledescription="gantt"]')].map(measureGantt),
    tables: [...body.querySelectorAll('table')].map(measureTable),
    alerts: [...body.querySelectorAll('.markdown-alert')].map((alert) => ({
      kind: [...alert.classList].find((name) => name.startsWith('markdown-alert-'))?.slice('markdown-alert-'.length),
      text: [...alert.children]
        .filter((child) => !child.classList.contains('markdown-alert-title'))
        .map(text)
        .join(' ')
    })),
    details: [...body.querySelectorAll('details')].map((details) => ({
      summary: text(details.querySelector('summary')),
      open: details.open
    })),
    links: [...body.querySelectorAll('a[href]')].map((link) => ({ text: text(link), href: link.getAttribute('href') }))
  }
}

async function main() {
  const errors = []
  try {
    await renderMermaid(errors)
    await document.fonts.ready
    window.__githubRender = measure(errors)
  } catch (error) {
    errors.push(`harness: ${String(error?.stack ?? error)}`)
    window.__githubRender = {
      mermaidErrors: errors,
      firstLine: '',
      firstParagraph: '',
      gantts: [],
      tables: [],
      alerts: [],
      details: [],
      links: []
    }
  }
}

main()

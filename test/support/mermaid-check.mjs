// Reads a Mermaid diagram on stdin and parses it with Mermaid's own parser, under jsdom, as
// GitHub's renderer would: prints the gantt tasks as JSON, or exits 1 with the parse error.
// Mermaid and jsdom need Node 22 or later: tests run this with the action's Node 24
// (scripts/node24.mjs).
import { Buffer } from 'node:buffer'
import { JSDOM } from 'jsdom'

const dom = new JSDOM('<!doctype html><html><body></body></html>')
Object.assign(globalThis, { window: dom.window, document: dom.window.document })
const { default: mermaid } = await import('mermaid')

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const text = Buffer.concat(chunks).toString('utf8')
try {
  await mermaid.parse(text)
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text)
  const tasks = diagram.db.getTasks?.() ?? []
  const day = (date) => (date instanceof Date ? date.toISOString().slice(0, 10) : null)
  console.log(
    JSON.stringify(
      tasks.map(({ section, task, startTime, endTime, milestone }) => ({
        section,
        task: task.trim(),
        start: day(startTime),
        end: day(endTime),
        milestone: Boolean(milestone)
      }))
    )
  )
} catch (error) {
  console.error(String(error?.message ?? error).split('\n')[0])
  process.exit(1)
}

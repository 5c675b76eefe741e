// The action's import graph has no cycles, type-only imports included (ESLint's
// import-x/no-cycle catches value imports; this holds the whole graph), and the rules of
// which way imports go hold: pki knows no config formats, nothing below main reads inputs.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { describe, it } from 'node:test'

/** Every relative import of every module under src/, type-only and dynamic ones too. */
function importGraph(root = 'src'): Map<string, string[]> {
  const files = readdirSync(root, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.ts'))
  const graph = new Map<string, string[]>()
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8')
    const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g)].map((match) =>
      normalize(join(dirname(file), `${match[1]}.ts`))
    )
    graph.set(normalize(file), [...new Set(specifiers)])
  }
  return graph
}

/** The first cycle found, as the path that closes it, or undefined. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (file: string): string[] | undefined => {
    if (state.get(file) === 'done') return undefined
    if (state.get(file) === 'open') return [...path.slice(path.indexOf(file)), file]
    state.set(file, 'open')
    path.push(file)
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next)
      if (cycle) return cycle
    }
    path.pop()
    state.set(file, 'done')
    return undefined
  }
  for (const file of graph.keys()) {
    const cycle = visit(file)
    if (cycle) return cycle
  }
  return undefined
}

describe('import graph', () => {
  it('finds a cycle, a type-only one too', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']]
    ])
    assert.deepEqual(findCycle(graph), ['a.ts', 'b.ts', 'c.ts', 'a.ts'])
    assert.equal(
      findCycle(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', []]
        ])
      ),
      undefined
    )
  })

  it('src/ has no cycle', () => {
    const graph = importGraph()
    assert.ok(graph.size > 40, 'the graph holds every module')
    assert.ok((graph.get('main.ts') ?? []).length > 3, 'imports are read')
    assert.equal(findCycle(graph)?.join(' -> '), undefined)
  })

  it('keeps the directions of DESIGN: pki knows only X.509, nothing below main reads inputs', () => {
    const graph = importGraph()
    for (const [file, imports] of graph) {
      if (file.startsWith('pki/')) {
        assert.deepEqual(
          imports.filter(
            (target) => !target.startsWith('pki/') && !['errors.ts', 'encoding.ts', 'text.ts'].includes(target)
          ),
          [],
          file
        )
      }
      if (!['run.ts', 'main.ts', 'inputs.ts'].includes(file) && !file.startsWith('unattended/')) {
        assert.ok(!imports.includes('inputs.ts'), `${file} imports inputs.ts`)
      }
    }
  })
})

describe('source layout', () => {
  const sources = readdirSync('src', { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.ts'))

  it('main runs every credential kind the same way: short, and no kind named in it', () => {
    const main = readFileSync('src/main.ts', 'utf8')
    assert.ok(main.split('\n').length <= 260, `src/main.ts has ${main.split('\n').length} lines`)
    for (const kind of ['talosconfig', 'kubeconfig']) {
      assert.doesNotMatch(main, new RegExp(`['"\`]${kind}['"\`]`), `src/main.ts names the kind ${kind}`)
    }
  })

  it('keeps lines short enough to read: at most 10 over 140 characters in src/', () => {
    const long = sources.flatMap((file) =>
      readFileSync(join('src', file), 'utf8')
        .split('\n')
        .filter((line) => line.length > 140)
        .map((line) => `${file}: ${line.slice(0, 60)}`)
    )
    assert.ok(long.length <= 10, long.join('\n'))
  })
})

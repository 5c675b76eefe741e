// dist/licenses.txt names every third-party package whose code esbuild put into dist/, with
// its version, licence and licence text: checked against a fresh build's metafile.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import type { Metafile } from 'esbuild'
import { bundle } from '../../scripts/bundle.mjs'
import { licensesText } from '../../scripts/licenses.mjs'

const shipped = readFileSync('dist/licenses.txt', 'utf8')
/** `name@version` of each section of dist/licenses.txt, with the lines that follow it. */
const sections = shipped
  .split(/^={78}\n/m)
  .slice(1)
  .map((section) => {
    const [heading = '', license = '', , ...text] = section.split('\n')
    return { heading, license, text: text.join('\n').trim() }
  })

/** name@version of every package with bytes in some output, read straight off the metafile. */
function packagesIn(metafile: Metafile): string[] {
  const found = new Set<string>()
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const at = input.lastIndexOf('node_modules/')
      if (at === -1 || bytesInOutput === 0) continue
      const parts = input.slice(at + 'node_modules/'.length).split('/')
      const name = (parts[0] as string).startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string)
      const root = input.slice(0, at + 'node_modules/'.length) + name
      found.add(`${name}@${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}`)
    }
  }
  return [...found].sort()
}

describe('dist/licenses.txt', () => {
  let metafile: Metafile
  before(async () => {
    metafile = await bundle(mkdtempSync(join(tmpdir(), 'dist-')))
  })

  it('names exactly the packages whose code is in dist/', () => {
    const named = sections.map((section) => section.heading).sort()
    assert.ok(named.length > 50, `only ${named.length} packages named`)
    assert.deepEqual(named, packagesIn(metafile))
  })

  it('gives each a licence identifier and the full text of its licence', () => {
    for (const { heading, license, text } of sections) {
      assert.match(license, /^License: [A-Za-z0-9.()+ -]+$/, heading)
      assert.doesNotMatch(license, /UNKNOWN/, heading)
      assert.ok(text.length > 100 && /permission|licen[cs]e|copyright/i.test(text), `${heading} has no licence text`)
    }
  })

  it('is what the build writes', () => {
    assert.equal(shipped, licensesText(metafile))
  })
})

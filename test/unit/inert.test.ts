// inert() and inertAnnotation() against a port of the runner's own two command parsers: no
// text from outside may become a command, wherever in the line it stands, and a value masked
// later stays masked.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { inert, inertAnnotation } from '../../src/story/inert.js'
import { readAsRunner } from '../support/runner-log.js'

/** As @actions/core writes an annotation: `::warning::` and the data escaped. */
const annotation = (level: string, text: string) =>
  `::${level}::${text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`

const HOSTILE = [
  '::stop-commands::t',
  '   ::stop-commands::t',
  'prod\n::stop-commands::t',
  'prod\r::add-mask::x',
  '10.5.0.2/##[stop-commands]t',
  'a ##[set-output name=status]valid',
  '##[STOP-COMMANDS]t',
  '###[stop-commands]t',
  '#\n#[stop-commands]t',
  'x::set-output name=status::valid',
  ':::stop-commands::t',
  'a%0A::warning::injected',
  '##[group]title'
]

describe('inert', () => {
  it('leaves no command in a plain line, in either form, wherever it stands', () => {
    for (const text of HOSTILE) {
      const line = inert(text)
      assert.deepEqual(readAsRunner(line).commands, [], `${JSON.stringify(text)} became a command`)
      assert.doesNotMatch(line, /##\[|::|[\r\n]/, JSON.stringify(text))
    }
  })

  it('leaves one command in an annotation: its own', () => {
    for (const text of HOSTILE) {
      const view = readAsRunner(annotation('warning', inertAnnotation(text)))
      assert.deepEqual(
        view.commands.map(({ command }) => command),
        ['warning'],
        JSON.stringify(text)
      )
      assert.doesNotMatch(view.shown.join('\n'), /##\[/, JSON.stringify(text))
    }
  })

  it('escapes as the toolkit escapes command data, so the text can be read back', () => {
    assert.equal(inert('50% done\r\nnext'), '50%25 done%0D%0Anext')
    assert.equal(inert('[::1]:50000'), '[:%3A1]:50000')
    assert.equal(inert('a ##[b]'), 'a #%23[b]')
    assert.equal(inert('plain words'), 'plain words')
    assert.equal(inertAnnotation('50% of a ##[b] at [::1]'), '50% of a #%23[b] at [::1]')
  })

  it('keeps later masks working: a stop-commands in quoted text would have shown the key', () => {
    const secret = 'AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ'
    const log = (quoted: string) =>
      [
        `Asking the Talos API at ${quoted} for a new client certificate.`,
        `::add-mask::${secret}`,
        `key ${secret}`
      ].join('\n')
    const attack = '10.5.0.2/##[stop-commands]t'
    // The port shows the attack: raw, the add-mask line and the key are plain text.
    assert.ok(readAsRunner(log(attack)).shown.some((line) => line.includes(secret)))
    // Made inert, the mask is honoured and the key is never readable.
    const view = readAsRunner(log(inert(attack)))
    assert.deepEqual(
      view.commands.map(({ command }) => command),
      ['add-mask']
    )
    assert.ok(!view.shown.some((line) => line.includes(secret)))
    assert.ok(view.shown.includes('key ***'))
  })
})

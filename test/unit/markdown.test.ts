// Names and messages quoted in the summary and the issue stay text: no code span closed early,
// no table cell split, no mention, link, image or issue reference made from them.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { codeSpan, markdownText } from '../../src/story/markdown.js'

describe('markdown', () => {
  it('puts a name in a code span nothing in it can close, that keeps its table cell', () => {
    assert.equal(codeSpan('prod'), '`prod`')
    assert.equal(codeSpan('a`b'), '`` a`b ``')
    assert.equal(codeSpan('``x'), '``` ``x ```')
    assert.equal(codeSpan('a|b\nc'), '`a\\|b c`')
  })

  it('escapes free text so that it is read as words', () => {
    const hostile = "context 'x` @alice ![i](https://e.example/p.png) [l](https://e.example) #12 <b>' failed"
    const text = markdownText(hostile)
    assert.doesNotMatch(text, /(^|[^\\])[`[\]()<>!]/)
    assert.doesNotMatch(text, /@alice|#12/)
    assert.match(text, /@\u200balice/)
    assert.equal(markdownText('plain words, 5 days.'), 'plain words, 5 days.')
  })
})

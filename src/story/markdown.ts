// Text from outside (context and user names, roles, error lines) quoted in Markdown: in the
// job summary and in the issue, where a backtick could end a code span, a pipe end a table
// cell, and a bare @name, #123 or [link](…) reach people. Everything quoted passes here.
import type { Text } from '../text.js'
import type { Gate } from './gate.js'

/** A name as an inline code span that nothing in it can close, safe in a table cell too. */
export function codeSpan(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|')
  const longestRun = Math.max(0, ...[...flat.matchAll(/`+/g)].map((match) => match[0].length))
  const fence = '`'.repeat(longestRun + 1)
  const pad = flat.startsWith('`') || flat.endsWith('`') || longestRun > 0 ? ' ' : ''
  return `${fence}${pad}${flat}${pad}${fence}`
}

/**
 * Free text as plain words: Markdown's punctuation escaped, and mentions and issue references
 * broken with a zero-width space (GitHub links them after rendering, escaped or not).
 */
export function markdownText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_{}[\]()<>#+!|~]/g, (character) => `\\${character}`)
    .replace(/([@#])(?=[\p{L}\p{N}_-])/gu, '$1\u200b')
}

/** Quoting through the gate: every name as a code span, every message as plain words. */
export interface Quote {
  /** A value from outside (a name, a role), gated, in a code span. */
  code(value: string): string
  /** Words for people, gated, as plain Markdown text. */
  words(text: Text): string
}

export function quoting(gate: Gate): Quote {
  return {
    code: (value) => codeSpan(gate.value(value)),
    words: (text) => markdownText(gate.text(text))
  }
}

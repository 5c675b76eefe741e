// Words for people are built from typed parts: the action's own words, and values that came
// from outside (inputs, file contents, a node's answers, a library's messages). The gate of the
// story (src/story/gate.ts) treats each part as what it is: it removes masked values from all
// of them, and from outside values also every endpoint, node and server it knows and anything
// shaped like an address or a URL, and it cuts them short. The action's own words, its links
// among them, pass untouched. A Text has no toString on purpose: glued into a plain string it
// reads "[object Object]", so the loss of its parts shows at once.

/** One part of a Text: the action's own words, or a value from outside. */
export type Part = { readonly own: string } | { readonly outside: string }

export class Text {
  constructor(readonly parts: readonly Part[]) {}

  /** Every part as it is, unfiltered: for Error.message, tests and data for machines, never for people. */
  get raw(): string {
    return this.parts.map((part) => ('own' in part ? part.own : part.outside)).join('')
  }

  /** This text followed by more, each part keeping its kind. */
  concat(...more: Array<Text | undefined>): Text {
    return new Text([...this.parts, ...more.flatMap((text) => text?.parts ?? [])])
  }
}

/** What may stand in a template of `said`: a Text keeps its parts; anything else is outside. */
export type Said = Text | string | number | boolean | undefined | null

/**
 * The one way to write words for people: the template's literal text is the action's own, and
 * every value put in it is from outside, unless it is a Text (which keeps its parts).
 */
export function said(strings: TemplateStringsArray, ...values: Said[]): Text {
  const parts: Part[] = []
  strings.forEach((literal, index) => {
    if (literal) parts.push({ own: literal })
    if (index < values.length) parts.push(...partsOf(values[index]))
  })
  return new Text(parts)
}

function partsOf(value: Said): readonly Part[] {
  if (value instanceof Text) return value.parts
  return value === undefined || value === null || value === '' ? [] : [{ outside: String(value) }]
}

/** A value from outside, on its own. */
export const outside = (value: string): Text => new Text(value ? [{ outside: value }] : [])

/** Texts one after another, with the action's own separator between them. */
export function joined(texts: readonly Text[], separator: string): Text {
  const parts: Part[] = []
  texts.forEach((text, index) => {
    if (index > 0 && separator) parts.push({ own: separator })
    parts.push(...text.parts)
  })
  return new Text(parts)
}

/**
 * The action's own words made in code, such as a field's path or a constant's name (`certs.os`,
 * `Talos API CA`), or its own record of where it wrote (a secret's scope: `repository
 * acme/infra.example.com` names a place, not an address): they pass the gate as written, masked
 * values aside. Never for anything read from outside.
 */
export const own = (value: string): Text => new Text(value ? [{ own: value }] : [])

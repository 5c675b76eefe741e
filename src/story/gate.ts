// The one gate for every text that leaves the process for people: log lines, annotations, the
// step's outputs, the job summary, the title, body and comments. It removes every value
// the action has masked (the list it gives the runner) from all of it; from values that came
// from outside it also removes every endpoint, node and server the run knows and anything shaped
// like an address or a URL, and it cuts them to a few hundred characters. It works on typed
// parts (src/text.ts), never on finished text, so the action's own words and links pass whole.
// Writers take only what the gate returns: the Gated type says so to the compiler.
import type { Text } from '../text.js'
import { withoutAddresses } from './addresses.js'

/** Text that has passed the gate: the only text the story's writers take. */
export type Gated = string & { readonly __gated: unique symbol }

/** How much of one outside value is quoted: enough to read, never a node's whole answer. */
export const VALUE_LIMIT = 300
/** GitHub drops a job summary over 1 MiB; a document stops below that whatever it quotes. */
export const DOCUMENT_LIMIT = 1000 * 1024
/** The shortest masked value the gate removes. */
const MIN_MASKED = 4
/** What stands for a masked value, as the runner writes it. */
const MASK = '***'
/** A token that starts inside the limit is read whole up to this length, to be judged whole. */
const TOKEN_SLACK = 256

export class Gate {
  /** Every masked value, longest first, so that a value holding another is replaced whole. */
  private masked: string[] = []
  private readonly known = new Set<string>()

  /**
   * A value the runner is told to mask: gone from every text from now on. One of three
   * characters or fewer cannot be told from the words around it; no key or token is that short.
   */
  mask(value: string): void {
    if (value.length < MIN_MASKED || this.masked.includes(value)) return
    this.masked = [...this.masked, value].sort((a, b) => b.length - a.length)
  }

  /** An endpoint, node or server of the run: gone, as a whole token in any case, from every outside value. */
  know(address: string): void {
    for (const form of addressForms(address)) this.known.add(form.toLowerCase())
  }

  /** One value from outside, on its own (a name in a table, a field of the report). */
  value(value: string): Gated {
    // Only the start is shown; it is read far enough to see whole any masked value or
    // address that begins inside what is shown.
    // Stryker disable next-line MethodExpression: reading it all gives the same words, only slower.
    const window = value.slice(0, VALUE_LIMIT + (this.masked[0]?.length ?? 0) + TOKEN_SLACK)
    return cut(withoutAddresses(this.unmasked(window), this.known), VALUE_LIMIT) as Gated
  }

  /**
   * One of the action's own facts on its own (an output's path or date, the credential
   * set): masked values out and nothing else, as a path through a dotted folder is still a path.
   */
  fact(value: string): Gated {
    return this.unmasked(value) as Gated
  }

  /** Words for people: the action's own parts as written (masked values aside), outside parts as values. */
  text(text: Text): Gated {
    const parts = text.parts.map((part) => ('own' in part ? part.own : this.value(part.outside)))
    // Once more over the whole: a masked value could span two parts.
    return this.unmasked(parts.join('')) as Gated
  }

  /**
   * A whole document built from gated parts (a summary, an issue): masked values out once
   * more, and cut at a line below the limit with a note that says so.
   */
  document(markdown: string, limit = DOCUMENT_LIMIT): Gated {
    const clean = this.unmasked(markdown)
    if (Buffer.byteLength(clean) <= limit) return clean as Gated
    const note = '\n\n(The rest is cut: it would pass the size GitHub shows.)\n'
    const head = Buffer.from(clean)
      .subarray(0, limit - Buffer.byteLength(note))
      .toString('utf8')
    return `${head.slice(0, Math.max(0, head.lastIndexOf('\n')))}${note}` as Gated
  }

  private unmasked(text: string): string {
    let clean = text
    for (const value of this.masked) clean = clean.split(value).join(MASK)
    return clean
  }
}

/**
 * An address as it may stand alone in text: host[:port], and the host without its port. A URL
 * and an IPv6 address are removed by their shape wherever they stand; their host may not be.
 */
function addressForms(address: string): string[] {
  const url = address.includes('://') ? URL.parse(address) : null
  const host = url ? url.host : address
  const parts = host.split(':')
  return parts.length === 2 ? [host, parts[0] as string] : [host]
}

/** At most `limit` characters, never half a surrogate pair, with an ellipsis when cut. */
function cut(text: string, limit: number): string {
  if (text.length <= limit) return text
  const end = /[\uD800-\uDBFF]/.test(text[limit - 1] as string) ? limit - 1 : limit
  return `${text.slice(0, end)}…`
}

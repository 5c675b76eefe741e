// Addresses out of text that came from outside: a node's answer, a library's message, an error
// detail. Whatever a run connects to (an endpoint, a node, a Kubernetes API server) may be a
// private address, and a job summary or an issue of a public repository is public. Removed:
// every address the run knows, as a whole token in any case; and anything shaped like one:
// a URL, an IPv4 or IPv6 address, host:port, user@host, or a DNS name (www. and all). One pass over the text,
// each token looked at once and no regular expression (Node's own IPv6 check runs only on
// tokens short enough to be one): linear by construction, for the largest answer a node sends.
import { isIP } from 'node:net'

export const ADDRESS = '<address>'

/** A table by character code: whether it ends a token (no address or URL the action must catch holds one). */
const BREAKS = codeTable(' \t\n\r\f\v"\'`<>(){},;|\\')
/** Inside a token: where a host ends and a path, query, user or assignment begins. */
const PIECE_BREAKS = codeTable('/?#=&@!$+~*^')
/** Trailing punctuation that belongs to the sentence, not the token. */
const TRAILING = codeTable('.,:;!?')
/** File names look like DNS names; these endings are not top-level domains. */
const FILE_ENDINGS = new Set(['yaml', 'yml', 'json', 'js', 'mjs', 'ts', 'pem', 'crt', 'key', 'txt', 'proto', 'go'])
const LETTERS = new Set([...'abcdefghijklmnopqrstuvwxyz'])
const DIGITS = new Set([...'0123456789'])
const HEX = new Set([...DIGITS, ...'abcdef'])
const IPV6 = new Set([...HEX, ':', '.'])
const LABEL = new Set([...LETTERS, ...DIGITS, '-', '_'])
/** The longest IPv6 text with a zone that is worth asking Node about. */
const MAX_IPV6 = 64

function codeTable(characters: string): Uint8Array {
  const table = new Uint8Array(128)
  for (const character of characters) table[character.charCodeAt(0)] = 1
  return table
}

/** A code past the table (or NaN, before a string's start) reads as undefined: not in it. */
const inTable = (table: Uint8Array, code: number): boolean => table[code] === 1

/** The text with every known address and everything shaped like an address replaced. */
export function withoutAddresses(text: string, known: ReadonlySet<string> = new Set()): string {
  const out: string[] = []
  let start = 0
  // Stryker disable next-line EqualityOperator: one past the end reads NaN, which breaks nothing.
  for (let index = 0; index < text.length; index++) {
    if (!inTable(BREAKS, text.charCodeAt(index))) continue
    out.push(token(text.slice(start, index), known), text[index] as string)
    start = index + 1
  }
  out.push(token(text.slice(start), known))
  return out.join('')
}

/** One token, its sentence punctuation kept: the address in it replaced, or as it was. */
function token(word: string, known: ReadonlySet<string>): string {
  let end = word.length
  while (inTable(TRAILING, word.charCodeAt(end - 1))) end--
  const core = word.slice(0, end)
  return core && isAddress(core, known) ? ADDRESS + word.slice(end) : word
}

/** Whether a token is, or carries, an address: a URL, or a piece that is a host, known or shaped like one. */
export function isAddress(core: string, known: ReadonlySet<string>): boolean {
  const lower = core.toLowerCase()
  if (lower.includes('://') || known.has(lower)) return true
  let start = 0
  // Stryker disable next-line EqualityOperator: one past the end reads NaN, which breaks nothing.
  for (let index = 0; index < lower.length; index++) {
    if (!inTable(PIECE_BREAKS, lower.charCodeAt(index))) continue
    if (isHost(lower.slice(start, index), known)) return true
    start = index + 1
  }
  return isHost(lower.slice(start), known)
}

/** A host with or without a port: known, IPv6, IPv4, host:port, or a DNS name. */
function isHost(piece: string, known: ReadonlySet<string>): boolean {
  if (piece.startsWith('[')) {
    const close = piece.indexOf(']')
    // Stryker disable next-line EqualityOperator: ']' cannot stand at 0, where '[' is.
    return close > 0 && (isIPv6(piece.slice(1, close)) || known.has(piece.slice(1, close)))
  }
  const colons = count(piece, ':')
  if (colons >= 2) return isIPv6(piece)
  const [host, port] = piece.split(':') as [string, string | undefined]
  if (port !== undefined && !isPort(port)) return false
  if (known.has(host) || isIPv4(host)) return true
  // host:port with a name in it; a bare name when it has a top-level domain.
  if (port !== undefined) return hasLetter(host) && labels(host) !== undefined
  const parts = labels(host)
  return parts !== undefined && parts.length >= 2 && isTopLevel(parts[parts.length - 1] as string)
}

const count = (text: string, character: string): number => text.split(character).length - 1
const isPort = (text: string): boolean => text.length >= 1 && text.length <= 5 && allDigits(text)
const allDigits = (text: string): boolean => [...text].every((character) => DIGITS.has(character))
const hasLetter = (text: string): boolean => [...text].some((character) => LETTERS.has(character))

/** IPv6, a zone (%eth0, %25eth0) allowed: Node decides, for text short enough to be one. */
// Stryker disable next-line ConditionalExpression: looksIPv6 only spares Node's check; Node decides the same.
const isIPv6 = (text: string): boolean => text.length <= MAX_IPV6 && looksIPv6(text) && isIP(text) === 6

/**
 * Hex digits, colons and dots up to any zone: Node's own check builds a large regular
 * expression on first use, some ten milliseconds, which a timestamp (2027-06-23T10:00:00Z)
 * must not cost every run.
 */
function looksIPv6(text: string): boolean {
  const zone = text.indexOf('%')
  // Stryker disable next-line MethodExpression: some() lets more reach Node's check, which decides the same.
  return [...(zone >= 0 ? text.slice(0, zone) : text)].every((character) => IPV6.has(character))
}

/** Four numbers with dots: decimal, octal or hex, as getaddrinfo reads them. */
function isIPv4(text: string): boolean {
  const parts = text.split('.')
  return parts.length === 4 && parts.every((part) => isNumber(part))
}

const isNumber = (part: string): boolean =>
  part.startsWith('0x')
    ? part.length > 2 && part.length <= 10 && [...part.slice(2)].every((character) => HEX.has(character))
    : part.length >= 1 && part.length <= 10 && allDigits(part)

/** The labels of a DNS name (a trailing dot allowed), or undefined when it is not one. */
function labels(host: string): string[] | undefined {
  const name = host.endsWith('.') ? host.slice(0, -1) : host
  if (name.length > 253) return undefined
  const parts = name.split('.')
  const valid = parts.every(
    (part) => part.length >= 1 && part.length <= 63 && [...part].every((character) => LABEL.has(character))
  )
  return valid ? parts : undefined
}

/** A top-level domain is letters only, and not a file name's ending. */
const isTopLevel = (label: string): boolean =>
  label.length >= 2 && [...label].every((character) => LETTERS.has(character)) && !FILE_ENDINGS.has(label)

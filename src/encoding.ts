import { said } from './text.js'
import { isAlias, LineCounter, parseAllDocuments, parseDocument, visit, type Document, type YAMLError } from 'yaml'
import { UserError } from './errors.js'

/**
 * Larger than any GitHub secret (48 KB) can be, even as base64 with line breaks (about
 * 66 KB); checked before parsing. (Linux passes no environment value over 128 KiB anyway.)
 */
export const MAX_INPUT_BYTES = 72 * 1024

const BASE64_TEXT = /^[A-Za-z0-9+/=_\-\s]+$/
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Decodes strict standard base64 (as Talos writes it), or returns undefined. */
export function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '')
  return STRICT_BASE64.test(compact) ? Buffer.from(compact, 'base64') : undefined
}

/**
 * The bytes of an input that holds a file either as is or as base64 of it (users store both in
 * secrets). YAML of a mapping always has a ':', and an armored file a '-----' line, neither of
 * which base64 has, so the forms cannot be confused. The size is checked before anything else.
 */
export function readInputBytes(value: string, input: string): Buffer {
  if (Buffer.byteLength(value) > MAX_INPUT_BYTES) {
    throw new UserError(
      said`Input '${input}' is ${Buffer.byteLength(value)} bytes, more than any GitHub secret can hold (48 KB, `.concat(
        said`or ${MAX_INPUT_BYTES} bytes as base64); pass the talosconfig, bundle or machine configuration itself.`
      ),
      input
    )
  }
  // Stryker disable next-line Regex: text with an armor line further in is neither form, and fails either way.
  if (!BASE64_TEXT.test(value) || /^\s*-----BEGIN /.test(value)) return Buffer.from(value, 'utf8')
  const decoded = decodeBase64(value.replace(/-/g, '+').replace(/_/g, '/'))
  if (decoded === undefined) {
    throw new UserError(said`Input '${input}' is neither YAML nor valid base64 of YAML.`, input)
  }
  return decoded
}

/** The text of an input given as is or as base64 of it. */
export function readTextInput(value: string, input: string): string {
  return readInputBytes(value, input).toString('utf8')
}

/**
 * Parses YAML without ever quoting the input back: parser messages show the offending line,
 * which may hold a key. Aliases and duplicate keys are capped or refused explicitly.
 */
export function parseYaml(text: string, input: string): Document.Parsed {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter })
  refuseErrors(doc.errors, lineCounter, input)
  refuseShape(doc, input)
  return doc
}

/** Every document of a multi-document YAML stream (Talos 1.14 machine configurations). */
export function parseYamlDocuments(text: string, input: string): Document.Parsed[] {
  const lineCounter = new LineCounter()
  const docs = [...parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter })]
  refuseErrors(
    docs.flatMap((doc) => doc.errors),
    lineCounter,
    input
  )
  if (docs.length > MAX_DOCUMENTS)
    throw new UserError(said`Input '${input}' holds ${docs.length} YAML documents; a Talos file has far fewer.`, input)
  for (const doc of docs) refuseShape(doc, input)
  return docs
}

const YAML_OPTIONS = { uniqueKeys: true, prettyErrors: false, strict: true } as const

/** Talos files nest a handful of levels deep and never use aliases; anything else is refused. */
const MAX_DEPTH = 32
const MAX_DOCUMENTS = 64

/**
 * Refuses aliases outright (so no alias is ever expanded: no billion laughs) and nesting
 * deeper than any Talos file has. Both are checked explicitly, not left to library defaults.
 */
function refuseShape(doc: Document, input: string): void {
  let problem: string | undefined
  visit(doc, (_key, node, path) => {
    if (isAlias(node)) problem = 'uses YAML aliases, which Talos files never do'
    // The path holds the document, then a collection and a pair for each level.
    else if (path.length > 1 + MAX_DEPTH * 2) problem = `is nested more than ${MAX_DEPTH} levels deep`
    return problem ? visit.BREAK : undefined
  })
  if (problem) throw new UserError(said`Input '${input}' ${problem}; it is not read.`, input)
}

function refuseErrors(errors: YAMLError[], lineCounter: LineCounter, input: string): void {
  const error = errors[0]
  if (!error) return
  const { line, col } = lineCounter.linePos(error.pos[0])
  const why =
    error.code === 'RESOURCE_EXHAUSTION'
      ? 'nested too deeply or too large to read'
      : error.code.toLowerCase().replace(/_/g, ' ')
  throw new UserError(said`Input '${input}' is not valid YAML at line ${line}, column ${col} (${why}).`, input)
}

export interface PemBlock {
  label: string
  der: Buffer
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g

/** Every PEM block in the text, with its base64 body checked strictly. */
export function parsePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = []
  for (const match of text.matchAll(PEM_BLOCK)) {
    const body = (match[2] as string).split(/\r?\n/).filter((line) => !/^[\w-]+:/.test(line))
    const der = decodeBase64(body.join(''))
    if (der === undefined || der.length === 0) return []
    blocks.push({ label: match[1] as string, der })
  }
  return blocks
}

/** The PEM text a base64 value holds (as Talos and kubectl store certificates and keys), or undefined. */
export function base64Pem(value: unknown): string | undefined {
  const text = typeof value === 'string' ? decodeBase64(value)?.toString('utf8') : undefined
  return text?.includes('-----BEGIN ') ? text : undefined
}

/**
 * The forms of a secret value to mask, as either could be echoed somewhere: a base64 value
 * and each line of the PEM it holds; or, for PEM text (Talos 1.14 documents), each of its
 * lines, never the multi-line whole.
 */
export function secretForms(value: string): string[] {
  if (value.includes('-----BEGIN ')) return pemBodyLines(value)
  return [value, ...pemBodyLines(base64Pem(value) ?? '')]
}

/** What to mask of a new certificate and key: both as base64 (as the configs hold them), and the key's PEM lines. */
export function issuedSecretForms({ crtPem, keyPem }: { crtPem: string; keyPem: string }): string[] {
  return [Buffer.from(crtPem).toString('base64'), Buffer.from(keyPem).toString('base64'), ...pemBodyLines(keyPem)]
}

/** PEM text with 64-character lines and a trailing newline, as Go's encoding/pem writes it. */
export function encodePem(label: string, der: Uint8Array): string {
  const body = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`
}

/** The base64 lines of a PEM body: what must be masked so no line of a key reaches a log. */
export function pemBodyLines(pem: string): string[] {
  return pem.split(/\r?\n/).filter((line) => line !== '' && !line.startsWith('-----'))
}

import { said } from '../../text.js'
import { Document, isMap, isScalar, isSeq, type Node } from 'yaml'
import { base64Pem, parseYaml, readTextInput, secretForms } from '../../encoding.js'
import { UserError } from '../../errors.js'
import type { Credential } from '../../pki/issue.js'

const INPUT = 'talosconfig'

/** A parsed talosconfig; the document is kept so that rendering changes nothing else. */
export interface Talosconfig {
  doc: Document.Parsed
  /** The top-level `context`: the one talosctl uses. */
  current: string | undefined
  contextNames: string[]
  indent: number
}

/** One context of a talosconfig, with its PEM decoded. */
export interface TalosContext {
  name: string
  endpoints: string[]
  nodes: string[]
  caPem?: string
  crtPem?: string
  keyPem?: string
  /** An `auth` section (Omni's siderov1): the context signs in without a client certificate. */
  hasAuth: boolean
}

export function readTalosconfig(value: string): Talosconfig {
  const text = readTextInput(value, INPUT)
  const doc = parseYaml(text, INPUT)
  const contexts = doc.get('contexts')
  if (!isMap(doc.contents) || !isMap(contexts)) {
    throw new UserError(
      said`Input '${INPUT}' is neither a talosconfig nor base64 of one (it has no 'contexts' mapping). A secret may `.concat(
        said`hold the file as talosctl wrote it, or its base64 (base64 < talosconfig | tr -d '\\n').`
      ),
      INPUT
    )
  }
  const current = doc.get('context')
  return {
    doc,
    current: typeof current === 'string' && current !== '' ? current : undefined,
    contextNames: contexts.items.map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key)),
    indent: detectIndent(text)
  }
}

/** The named context, with its certificate and key decoded from base64. */
export function readContext(config: Talosconfig, name: string): TalosContext {
  const node = config.doc.getIn(['contexts', name], true)
  if (!isMap(node)) {
    const known = config.contextNames.length > 0 ? config.contextNames.map((n) => `'${n}'`).join(', ') : 'none'
    throw new UserError(
      said`Context '${name}' does not exist in input '${INPUT}' (contexts: ${known}). Set 'context' to one of them.`,
      'context'
    )
  }
  const pem = (field: 'ca' | 'crt' | 'key'): string | undefined => {
    const value = node.get(field)
    if (value === undefined || value === null || value === '') return undefined
    const text = base64Pem(value)
    if (!text) {
      throw new UserError(
        said`contexts.${name}.${field} in input '${INPUT}' is not base64 of PEM text, as talosctl writes it.`,
        INPUT
      )
    }
    return text
  }
  return {
    name,
    endpoints: stringList(node.get('endpoints', true)),
    nodes: stringList(node.get('nodes', true)),
    caPem: pem('ca'),
    crtPem: pem('crt'),
    keyPem: pem('key'),
    hasAuth: node.has('auth')
  }
}

/** Every key and certificate value in the talosconfig, base64 and PEM lines, for masking. */
export function sensitiveValues(config: Talosconfig): string[] {
  const values: string[] = []
  for (const name of config.contextNames) {
    for (const field of ['crt', 'key']) {
      const value = config.doc.getIn(['contexts', name, field])
      if (typeof value !== 'string' || value === '') continue
      values.push(...secretForms(value))
    }
  }
  return values
}

export interface ContextUpdate {
  name: string
  endpoints: string[]
  nodes: string[]
  credential: Credential
}

/**
 * Writes a credential into the talosconfig, changing only the renewed context's ca, crt and
 * key (and endpoints or nodes when given as inputs). Without an existing talosconfig it makes
 * a new one, laid out as talosctl writes it.
 */
export function renderTalosconfig(existing: Talosconfig | undefined, update: ContextUpdate): string {
  const b64 = (pem: string): string => Buffer.from(pem).toString('base64')
  const doc = existing ? existing.doc.clone() : new Document({ context: update.name, contexts: {} })
  const path = ['contexts', update.name]
  if (!existing || update.endpoints.length > 0) doc.setIn([...path, 'endpoints'], update.endpoints)
  if (update.nodes.length > 0) doc.setIn([...path, 'nodes'], update.nodes)
  doc.setIn([...path, 'ca'], b64(update.credential.caPem))
  doc.setIn([...path, 'crt'], b64(update.credential.crtPem))
  doc.setIn([...path, 'key'], b64(update.credential.keyPem))
  // lineWidth 0: base64 values must stay on one line, never folded.
  return doc.toString({ indent: existing?.indent ?? 4, lineWidth: 0 })
}

function stringList(node: Node | unknown): string[] {
  if (isSeq(node)) return node.items.map((item) => String(isScalar(item) ? item.value : item))
  return []
}

/** The indentation the file uses, so a rewritten talosconfig keeps its layout. */
function detectIndent(text: string): number {
  const match = /^[^\s#][^\n]*:\s*\n( +)\S/m.exec(text)
  return match ? (match[1] as string).length : 4
}

/**
 * A copy of the talosconfig with no private key, for a public Actions variable: the current
 * context and, per context, only its ca, crt, endpoints and nodes. A check reads it as
 * readily as the whole file.
 */
export function publicTalosconfig(config: Talosconfig): string {
  const contexts: Record<string, Record<string, unknown>> = {}
  for (const name of config.contextNames) {
    const kept: Record<string, unknown> = {}
    for (const field of ['endpoints', 'nodes', 'ca', 'crt']) {
      const value = config.doc.getIn(['contexts', name, field])
      if (value !== undefined && value !== null) kept[field] = (value as { toJSON?: () => unknown }).toJSON?.() ?? value
    }
    contexts[name] = kept
  }
  return new Document({ ...(config.current ? { context: config.current } : {}), contexts }).toString({
    indent: config.indent,
    lineWidth: 0
  })
}

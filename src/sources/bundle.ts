import { isMap, isScalar, type Document } from 'yaml'
import { decodeBase64, parseYaml, pemBodyLines, readTextInput } from '../encoding.js'
import { UserError } from '../errors.js'

/** A CA as the bundle holds it: PEM text of the certificate and of its private key. */
export interface CaPem {
  crtPem: string
  keyPem: string
}

export interface SecretsBundle {
  /** certs.os: the Talos API CA, which signs talosconfig client certificates. */
  os: CaPem
  /** Every secret value of the bundle, to be masked before anything else happens. */
  sensitiveValues: string[]
}

const INPUT = 'secrets-bundle'

/**
 * Reads a secrets bundle (`talosctl gen secrets`), given as YAML or base64 of it. Only
 * certs.os is used for the talosconfig; unknown keys are ignored, as Talos ignores them.
 */
export function readSecretsBundle(value: string): SecretsBundle {
  const doc = parseYaml(readTextInput(value, INPUT), INPUT)
  if (!isMap(doc.contents) || !doc.has('certs')) {
    throw new UserError(
      `Input '${INPUT}' is YAML but not a Talos secrets bundle (it has no 'certs' section). Pass the secrets.yaml made by 'talosctl gen secrets'.`,
      INPUT
    )
  }
  const sensitiveValues = collectSecretValues(doc)
  return { os: readCaPem(doc, 'os'), sensitiveValues }
}

function readCaPem(doc: Document.Parsed, name: string): CaPem {
  const path = `certs.${name}`
  const field = (leaf: 'crt' | 'key'): string => {
    const value = doc.getIn(['certs', name, leaf])
    if (typeof value !== 'string' || value === '') {
      throw new UserError(`Input '${INPUT}' has no ${path}.${leaf}; a Talos secrets bundle carries the Talos API CA there.`, INPUT)
    }
    const pem = decodeBase64(value)?.toString('utf8')
    if (!pem?.includes('-----BEGIN ')) {
      throw new UserError(`${path}.${leaf} in input '${INPUT}' is not base64 of PEM text, as Talos writes it.`, INPUT)
    }
    return pem
  }
  return { crtPem: field('crt'), keyPem: field('key') }
}

/**
 * All string values that are secret: everything except certificates (`crt`) and the cluster
 * id. Both the base64 form and each line of decoded PEM are listed, since either could be
 * echoed somewhere.
 */
function collectSecretValues(doc: Document.Parsed): string[] {
  const values: string[] = []
  const visit = (node: unknown, key: string): void => {
    if (isMap(node)) {
      for (const pair of node.items) visit(pair.value, isScalar(pair.key) ? String(pair.key.value) : '')
    } else if (isScalar(node) && typeof node.value === 'string' && key !== 'crt' && key !== 'id') {
      values.push(node.value, ...decodedPemLines(node.value))
    }
  }
  visit(doc.contents, '')
  return values.filter((value) => value.length >= 8)
}

function decodedPemLines(value: string): string[] {
  const text = decodeBase64(value)?.toString('utf8') ?? ''
  return text.includes('-----BEGIN ') ? pemBodyLines(text) : []
}

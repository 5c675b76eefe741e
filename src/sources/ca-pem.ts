import { own, said, type Text } from '../text.js'
import type { Document } from 'yaml'
import { base64Pem } from '../encoding.js'
import { UserError } from '../errors.js'

/** A CA as Talos keeps it: PEM text of the certificate and of its private key. */
export interface CaPem {
  crtPem: string
  keyPem: string
}

/**
 * Reads `<path>.crt` and `<path>.key`, each standard base64 of PEM text as Talos writes them
 * in bundles and v1alpha1 documents. `missing` says where Talos keeps the CA, for the message
 * when a field is absent.
 */
export function readCaPem(doc: Document, path: string[], input: string, missing: (field: string) => Text): CaPem {
  const field = (leaf: 'crt' | 'key'): string => {
    const name = [...path, leaf].join('.')
    const value = doc.getIn([...path, leaf])
    if (typeof value !== 'string' || value === '') throw new UserError(missing(name), input)
    const pem = base64Pem(value)
    if (!pem) {
      throw new UserError(said`${own(name)} in input '${input}' is not base64 of PEM text, as Talos writes it.`, input)
    }
    return pem
  }
  return { crtPem: field('crt'), keyPem: field('key') }
}

/** Reads `<path>.cert` and `<path>.key` as plain PEM text, as Talos 1.14 documents hold them. */
export function readPemCa(doc: Document, path: string[], input: string, kind: string): CaPem {
  const field = (leaf: 'cert' | 'key', label: string): string => {
    const name = `${kind}.${[...path, leaf].join('.')}`
    const value = doc.getIn([...path, leaf])
    if (typeof value !== 'string' || value === '')
      throw new UserError(said`Input '${input}' has no ${own(name)}; the ${kind} document carries the CA there.`, input)
    if (!value.includes(`-----BEGIN ${label}`))
      throw new UserError(said`${own(name)} in input '${input}' is not PEM text, as Talos writes it.`, input)
    return value.endsWith('\n') ? value : `${value}\n`
  }
  return { crtPem: field('cert', 'CERTIFICATE'), keyPem: field('key', '') }
}

import { isMap, isScalar, isSeq, type Document } from 'yaml'
import { secretForms } from '../encoding.js'

/** Every string value of a document: what an age file decrypted. */
export function stringValues(doc: Document): string[] {
  const values: string[] = []
  visit(doc.contents, (scalar) => typeof scalar === 'string' && values.push(scalar))
  return values
}

function visit(node: unknown, onScalar: (value: unknown) => unknown): void {
  if (isMap(node)) for (const pair of node.items) visit(pair.value, onScalar)
  else if (isSeq(node)) for (const item of node.items) visit(item, onScalar)
  else if (isScalar(node)) onScalar(node.value)
}

/**
 * Keys whose values are secret in a Talos bundle or machine configuration: CA keys, tokens,
 * secrets, and whatever else a configuration carries under such a name (a WireGuard
 * `privateKey`, a registry `password` or `auth`, `credentials`), at any depth.
 */
const SECRET_KEY = /key|secret|token|password|auth|credential/i

/**
 * Every secret value of a Talos bundle or machine configuration (keys, tokens, secrets), in
 * the form it has there and, for base64 PEM, each line of the decoded PEM: either could be
 * echoed somewhere. Certificates are not secret and are not listed.
 */
export function secretValues(doc: Document): string[] {
  const values: string[] = []
  const visit = (node: unknown, secret: boolean): void => {
    if (isMap(node)) {
      for (const pair of node.items)
        visit(pair.value, secret || (isScalar(pair.key) && SECRET_KEY.test(String(pair.key.value))))
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item, secret)
    } else if (secret && isScalar(node) && typeof node.value === 'string') {
      values.push(...secretForms(node.value))
    }
  }
  visit(doc.contents, false)
  return values
}

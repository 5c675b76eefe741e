import { isMap, type Document } from 'yaml'
import { UserError } from '../errors.js'
import { readCaPem, type CaPem } from './ca-pem.js'

const INPUT = 'secrets-bundle'

/**
 * The Talos API CA (certs.os) of a secrets bundle (`talosctl gen secrets`). Unknown keys are
 * ignored, as Talos ignores them.
 */
export function readBundleCa(docs: Document[]): CaPem {
  const [doc] = docs
  if (docs.length !== 1 || !doc || !isMap(doc.contents) || !doc.has('certs')) {
    throw new UserError(
      `Input '${INPUT}' is YAML but not a Talos secrets bundle (it has no 'certs' section). Pass the secrets.yaml made by 'talosctl gen secrets'.`,
      INPUT
    )
  }
  return readCaPem(doc, ['certs', 'os'], INPUT, (field) => `Input '${INPUT}' has no ${field}; a Talos secrets bundle carries the Talos API CA there.`)
}

import { isMap, type Document } from 'yaml'
import { UserError } from '../errors.js'

const INPUT = 'secrets-bundle'

/** Where a secrets bundle (`talosctl gen secrets`) keeps its CAs. Unknown keys are ignored, as Talos ignores them. */
export const BUNDLE_PATHS = { os: ['certs', 'os'], k8s: ['certs', 'k8s'] }

/** The one document of a secrets bundle. */
export function bundleDocument(docs: Document[]): Document {
  const [doc] = docs
  if (docs.length !== 1 || !doc || !isMap(doc.contents) || !doc.has('certs')) {
    throw new UserError(
      `Input '${INPUT}' is YAML but not a Talos secrets bundle (it has no 'certs' section). Pass the secrets.yaml made by 'talosctl gen secrets'.`,
      INPUT
    )
  }
  return doc
}

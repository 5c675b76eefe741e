import { isMap, type Document } from 'yaml'
import { UserError } from '../errors.js'
import { readCaPem, type CaPem } from './ca-pem.js'

const INPUT = 'secrets-bundle'

/** The CAs of a secrets bundle (`talosctl gen secrets`). Unknown keys are ignored, as Talos ignores them. */
export interface BundleCas {
  os: CaPem
  k8s(): { ca: CaPem; path: string; acceptedPems: string[] }
}

export function readBundle(docs: Document[]): BundleCas {
  const doc = bundleDocument(docs)
  const missing = (what: string) => (field: string) => `Input '${INPUT}' has no ${field}; a Talos secrets bundle carries the ${what} there.`
  return {
    os: readCaPem(doc, ['certs', 'os'], INPUT, missing('Talos API CA')),
    k8s: () => ({ ca: readCaPem(doc, ['certs', 'k8s'], INPUT, missing('Kubernetes CA')), path: 'certs.k8s', acceptedPems: [] })
  }
}

/** The one document of a secrets bundle. */
function bundleDocument(docs: Document[]): Document {
  const [doc] = docs
  if (docs.length !== 1 || !doc || !isMap(doc.contents) || !doc.has('certs')) {
    throw new UserError(
      `Input '${INPUT}' is YAML but not a Talos secrets bundle (it has no 'certs' section). Pass the secrets.yaml made by 'talosctl gen secrets'.`,
      INPUT
    )
  }
  return doc
}

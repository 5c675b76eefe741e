import { own, said } from '../text.js'
import { isMap, isScalar, isSeq, type Document } from 'yaml'
import { UserError } from '../errors.js'
import { readCaPem, type CaPem } from './ca-pem.js'

const INPUT = 'secrets-bundle'

/** The CAs of a secrets bundle (`talosctl gen secrets`). Unknown keys are ignored, as Talos ignores them. */
export interface BundleCas {
  os: CaPem
  k8s(): { ca: CaPem; path: string; acceptedPems: string[] }
}

export function readBundle(docs: Document[], form: string): BundleCas {
  const doc = bundleDocument(docs, form)
  const missing = (what: string) => (field: string) =>
    said`Input '${INPUT}' has no ${own(field)}; a Talos secrets bundle carries the ${what} there.`
  return {
    os: readCaPem(doc, ['certs', 'os'], INPUT, missing('Talos API CA')),
    k8s: () => ({
      ca: readCaPem(doc, ['certs', 'k8s'], INPUT, missing('Kubernetes CA')),
      path: 'certs.k8s',
      acceptedPems: []
    })
  }
}

/** The one document of a secrets bundle; `form` says whether it was decrypted, for the message. */
function bundleDocument(docs: Document[], form: string): Document {
  const [doc] = docs
  if (docs.length === 1 && doc && isMap(doc.contents) && doc.has('certs')) return doc
  const what =
    docs.length !== 1
      ? `${docs.length} YAML documents`
      : !doc || doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)
        ? 'an empty document'
        : isMap(doc.contents)
          ? "YAML without a 'certs' section"
          : isSeq(doc.contents)
            ? 'a YAML list'
            : 'a bare value, not a YAML mapping'
  const is = form === 'YAML' ? 'is' : `decrypted (${form}) to`
  throw new UserError(
    said`Input '${INPUT}' ${is} ${what}, not a Talos secrets bundle. Pass the secrets.yaml made by 'talosctl gen secrets'.`,
    INPUT
  )
}

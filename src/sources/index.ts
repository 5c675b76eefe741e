// Where the CAs come from: a secrets bundle or a controlplane machine configuration, each in
// any form openInput recognises.
import type { Document } from 'yaml'
import type { CaOrigin } from '../pki/ca.js'
import type { AgeKeys } from './age.js'
import { BUNDLE_PATHS, bundleDocument } from './bundle.js'
import { readCaPem, type CaPem } from './ca-pem.js'
import { MACHINE_CONFIG_PATHS, machineConfigDocument } from './machine-config.js'
import { openInput, type Form } from './open.js'
import { secretValues } from './secret-values.js'

export type CaSourceInput = 'secrets-bundle' | 'machine-config'

interface Source {
  document(docs: Document[]): Document
  paths: { os: string[]; k8s: string[]; endpoint?: string[] }
  /** What a file of this kind is called, for a missing field. */
  carrier: string
}

const SOURCES: Record<CaSourceInput, Source> = {
  'secrets-bundle': { document: bundleDocument, paths: BUNDLE_PATHS, carrier: 'a Talos secrets bundle' },
  'machine-config': { document: machineConfigDocument, paths: MACHINE_CONFIG_PATHS, carrier: 'a controlplane configuration' }
}

export interface SourceCa {
  ca: CaPem
  origin: CaOrigin
}

export interface OpenedSource {
  form: Form
  /** The Talos API CA, which signs talosconfig client certificates. */
  os: SourceCa
  /** The Kubernetes CA, which signs the admin kubeconfig; read when asked for. */
  k8s(): SourceCa
  /** The Kubernetes API server's address, where the source holds one. */
  kubernetesEndpoint: string | undefined
}

/**
 * Opens the CA source. `mask` receives every decrypted and every secret value the moment it
 * exists, before anything is read from the documents.
 */
export async function openCaSource(input: CaSourceInput, value: string, keys: AgeKeys, mask: (value: string) => void): Promise<OpenedSource> {
  const opened = await openInput(value, input, keys)
  // Short values are left alone: masking 'one' would star every 'none' in the log, and no
  // Talos secret is that short.
  const maskable = (secret: string) => secret.length >= 8 && mask(secret)
  opened.plaintexts.forEach(maskable)
  for (const doc of opened.docs) secretValues(doc).forEach(maskable)
  const source = SOURCES[input]
  const doc = source.document(opened.docs)
  const read = (path: string[], what: string): SourceCa => ({
    ca: readCaPem(doc, path, input, (field) => `Input '${input}' has no ${field}; ${source.carrier} carries the ${what} there.`),
    origin: { input, path: path.join('.') }
  })
  const endpoint = source.paths.endpoint && doc.getIn(source.paths.endpoint)
  return {
    form: opened.form,
    os: read(source.paths.os, 'Talos API CA'),
    k8s: () => read(source.paths.k8s, 'Kubernetes CA'),
    kubernetesEndpoint: typeof endpoint === 'string' && endpoint !== '' ? endpoint : undefined
  }
}

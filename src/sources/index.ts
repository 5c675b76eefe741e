// Where the CAs come from: a secrets bundle or a controlplane machine configuration, each in
// any form openInput recognises.
import type { CaOrigin } from '../pki/ca.js'
import type { AgeKeys } from './age.js'
import { readBundle } from './bundle.js'
import type { CaPem } from './ca-pem.js'
import { readMachineConfig } from './machine-config.js'
import { openInput, type Form } from './open.js'
import { secretValues } from './secret-values.js'

export type CaSourceInput = 'secrets-bundle' | 'machine-config'

export interface SourceCa {
  ca: CaPem
  origin: CaOrigin
  /** Further CAs the cluster accepts beside the issuing one (a CA rotation under way). */
  acceptedPems: string[]
}

export interface OpenedSource {
  form: Form
  /** The Talos API CA, which signs talosconfig client certificates. */
  os: SourceCa
  /** The Kubernetes CA, which signs the admin kubeconfig; read when asked for. */
  k8s(): SourceCa
  /** The Kubernetes API server's address and the cluster's name, where the source holds them. */
  kubernetesEndpoint: string | undefined
  clusterName: string | undefined
}

/**
 * Opens the CA source. `mask` receives every decrypted and every secret value the moment it
 * exists, before anything is read from the documents.
 */
export async function openCaSource(
  input: CaSourceInput,
  value: string,
  keys: AgeKeys,
  mask: (value: string) => void
): Promise<OpenedSource> {
  const opened = await openInput(value, input, keys)
  // Short values are left alone: masking 'one' would star every 'none' in the log, and no
  // Talos secret is that short.
  const maskable = (secret: string) => secret.length >= 8 && mask(secret)
  opened.plaintexts.forEach(maskable)
  for (const doc of opened.docs) secretValues(doc).forEach(maskable)
  const cas =
    input === 'secrets-bundle'
      ? { ...readBundle(opened.docs, opened.form), clusterName: undefined, endpoint: undefined }
      : readMachineConfig(opened.docs)
  return {
    form: opened.form,
    os: {
      ca: cas.os,
      origin: { input, path: input === 'secrets-bundle' ? 'certs.os' : 'machine.ca' },
      acceptedPems: []
    },
    k8s: () => {
      const { ca, path, acceptedPems } = cas.k8s()
      return { ca, origin: { input, path }, acceptedPems }
    },
    kubernetesEndpoint: cas.endpoint,
    clusterName: cas.clusterName
  }
}

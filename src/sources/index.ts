// Where the Talos API CA comes from: a secrets bundle or a controlplane machine
// configuration, each in any form openInput recognises.
import type { Document } from 'yaml'
import type { CaOrigin } from '../pki/ca.js'
import type { AgeKeys } from './age.js'
import { readBundleCa } from './bundle.js'
import type { CaPem } from './ca-pem.js'
import { readMachineConfigCa } from './machine-config.js'
import { openInput, type Form } from './open.js'
import { secretValues } from './secret-values.js'

export type CaSourceInput = 'secrets-bundle' | 'machine-config'

const SOURCES: Record<CaSourceInput, { path: string; read: (docs: Document[]) => CaPem }> = {
  'secrets-bundle': { path: 'certs.os', read: readBundleCa },
  'machine-config': { path: 'machine.ca', read: readMachineConfigCa }
}

export interface OpenedCa {
  ca: CaPem
  origin: CaOrigin
  form: Form
}

/**
 * Opens the CA source. `mask` receives every decrypted and every secret value the moment it
 * exists, before anything is read from the documents.
 */
export async function openCaSource(input: CaSourceInput, value: string, keys: AgeKeys, mask: (value: string) => void): Promise<OpenedCa> {
  const opened = await openInput(value, input, keys)
  // Short values are left alone: masking 'one' would star every 'none' in the log, and no
  // Talos secret is that short.
  const maskable = (secret: string) => secret.length >= 8 && mask(secret)
  opened.plaintexts.forEach(maskable)
  for (const doc of opened.docs) secretValues(doc).forEach(maskable)
  const source = SOURCES[input]
  return { ca: source.read(opened.docs), origin: { input, path: source.path }, form: opened.form }
}

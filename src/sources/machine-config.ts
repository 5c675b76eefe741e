import { isMap, type Document } from 'yaml'
import { UserError } from '../errors.js'
import { readCaPem, type CaPem } from './ca-pem.js'

const INPUT = 'machine-config'

/**
 * The Talos API CA (machine.ca) of a controlplane machine configuration. Newer Talos writes
 * several documents into one file; the CA stays in the v1alpha1 document.
 */
export function readMachineConfigCa(docs: Document[]): CaPem {
  const config = docs.find((doc) => isMap(doc.contents) && doc.get('version') === 'v1alpha1' && doc.has('machine'))
  if (!config) {
    throw new UserError(
      `Input '${INPUT}' has no v1alpha1 machine configuration document (one with 'version: v1alpha1' and a 'machine' section). Pass controlplane.yaml from 'talosctl gen config'.`,
      INPUT
    )
  }
  if (config.getIn(['machine', 'ca', 'crt']) && !config.getIn(['machine', 'ca', 'key'])) {
    throw new UserError(
      `Input '${INPUT}' is a worker configuration: its machine.ca.key is empty. Only a controlplane configuration carries the Talos API CA key; pass controlplane.yaml.`,
      INPUT
    )
  }
  return readCaPem(config, ['machine', 'ca'], INPUT, (field) => `Input '${INPUT}' has no ${field}; a controlplane configuration carries the Talos API CA there.`)
}

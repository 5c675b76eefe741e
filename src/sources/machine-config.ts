import { isMap, type Document } from 'yaml'
import { UserError } from '../errors.js'

const INPUT = 'machine-config'

/**
 * Where a controlplane machine configuration keeps the Talos API CA (machine.ca), the
 * Kubernetes CA (cluster.ca, up to Talos 1.13) and the API server's address.
 */
export const MACHINE_CONFIG_PATHS = { os: ['machine', 'ca'], k8s: ['cluster', 'ca'], endpoint: ['cluster', 'controlPlane', 'endpoint'] }

/** The v1alpha1 document of a controlplane configuration; newer Talos writes others beside it. */
export function machineConfigDocument(docs: Document[]): Document {
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
  return config
}

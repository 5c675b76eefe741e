import { own, said } from '../text.js'
import { isMap, isScalar, isSeq, type Document } from 'yaml'
import { UserError } from '../errors.js'
import { readCaPem, readPemCa, type CaPem } from './ca-pem.js'

const INPUT = 'machine-config'

/**
 * A controlplane machine configuration: the Talos API CA in machine.ca of the v1alpha1
 * document; the Kubernetes CA and the cluster's name and API server address in the
 * KubeAPIServerCAConfig and KubeClusterConfig documents (Talos 1.14 and later), or in
 * cluster.ca, cluster.clusterName and cluster.controlPlane.endpoint (up to Talos 1.13).
 */
export interface MachineConfigCas {
  os: CaPem
  k8s(): { ca: CaPem; path: string; acceptedPems: string[] }
  clusterName: string | undefined
  endpoint: string | undefined
}

const kindOf = (doc: Document): unknown => (isMap(doc.contents) ? doc.get('kind') : undefined)

export function readMachineConfig(docs: Document[]): MachineConfigCas {
  const config = machineConfigDocument(docs)
  const caConfig = docs.find((doc) => kindOf(doc) === 'KubeAPIServerCAConfig')
  const clusterConfig = docs.find((doc) => kindOf(doc) === 'KubeClusterConfig')
  const missing = (field: string) =>
    said`Input '${INPUT}' has no ${own(field)}; a controlplane configuration carries the Kubernetes CA there (or, `.concat(
      said`from Talos 1.14, in a KubeAPIServerCAConfig document).`
    )
  return {
    os: readCaPem(
      config,
      ['machine', 'ca'],
      INPUT,
      (field) =>
        said`Input '${INPUT}' has no ${own(field)}; a controlplane configuration carries the Talos API CA there.`
    ),
    k8s: () =>
      caConfig
        ? {
            ca: readPemCa(caConfig, ['issuingCA'], INPUT, 'KubeAPIServerCAConfig'),
            path: 'KubeAPIServerCAConfig.issuingCA',
            acceptedPems: acceptedCas(caConfig)
          }
        : { ca: readCaPem(config, ['cluster', 'ca'], INPUT, missing), path: 'cluster.ca', acceptedPems: [] },
    clusterName: text(clusterConfig, ['clusterName']) ?? text(config, ['cluster', 'clusterName']),
    endpoint: text(clusterConfig, ['endpoint']) ?? text(config, ['cluster', 'controlPlane', 'endpoint'])
  }
}

function text(doc: Document | undefined, path: string[]): string | undefined {
  const value = doc?.getIn(path)
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * acceptedCAs: a list of PEM certificates. Talos's own type (k8s/apiserver_ca.go) writes each
 * as a string; `{ cert: ... }` entries are read too.
 */
function acceptedCas(doc: Document): string[] {
  const list = doc.get('acceptedCAs', true)
  if (!isSeq(list)) return []
  return list.items.map((item, index) => {
    const value = isScalar(item) ? item.value : isMap(item) ? item.get('cert') : undefined
    if (typeof value !== 'string' || !value.includes('-----BEGIN CERTIFICATE-----')) {
      throw new UserError(
        said`KubeAPIServerCAConfig.acceptedCAs[${index}] in input '${INPUT}' is not a PEM certificate.`,
        INPUT
      )
    }
    return value.endsWith('\n') ? value : `${value}\n`
  })
}

/** The v1alpha1 document of a controlplane configuration; newer Talos writes others beside it. */
function machineConfigDocument(docs: Document[]): Document {
  const config = docs.find((doc) => isMap(doc.contents) && doc.get('version') === 'v1alpha1' && doc.has('machine'))
  if (!config) {
    throw new UserError(
      said`Input '${INPUT}' has no v1alpha1 machine configuration document (one with 'version: `.concat(
        said`v1alpha1' and a 'machine' section). Pass controlplane.yaml from 'talosctl gen config'.`
      ),
      INPUT
    )
  }
  if (config.getIn(['machine', 'ca', 'crt']) && !config.getIn(['machine', 'ca', 'key'])) {
    throw new UserError(
      said`Input '${INPUT}' is a worker configuration: its machine.ca.key is empty. `.concat(
        said`Only a controlplane configuration carries the Talos API CA key; pass controlplane.yaml.`
      ),
      INPUT
    )
  }
  return config
}

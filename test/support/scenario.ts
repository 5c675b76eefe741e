// What most end-to-end scenarios share: a cluster, a GitHub stand-in, and the inputs a
// scheduled workflow passes.
import { daysFromNow, makeCluster, talosconfigYaml, type ClientCertificate, type Cluster } from './cluster.js'
import { startGitHubStandIn, type Fault, type GitHubStandIn, type StandInOptions } from './github-standin.js'

export interface Scenario {
  cluster: Cluster
  github: GitHubStandIn
  current: ClientCertificate
  talosconfig: string
  /** The inputs of a scheduled workflow step for this scenario, plus `extra`. */
  inputs(extra?: Record<string, string>): Record<string, string>
  close(): Promise<void>
}

/** A cluster whose current talosconfig (context 'prod') expires `daysLeft` days from now. */
export async function scenario(options: {
  daysLeft: number
  fault?: Fault
  token?: string
  standIn?: StandInOptions
}): Promise<Scenario> {
  const cluster = makeCluster()
  const current = cluster.clientCertificate({
    notBefore: daysFromNow(options.daysLeft - 365),
    notAfter: daysFromNow(options.daysLeft)
  })
  const talosconfig = talosconfigYaml('prod', {
    prod: { endpoints: ['127.0.0.1:9'], nodes: ['127.0.0.1:9'], caPem: cluster.caCrtPem, client: current }
  })
  const github = await startGitHubStandIn({ ...options.standIn, fault: options.fault })
  return {
    cluster,
    github,
    current,
    talosconfig,
    inputs: (extra = {}) => ({
      'secrets-bundle': cluster.bundleYaml,
      talosconfig,
      'github-token': options.token ?? github.token,
      'github-api-url': github.url,
      repository: 'acme/cluster-ops',
      ...extra
    }),
    close: () => github.close()
  }
}

/** Key lines of a PEM key (its base64 body), which must never appear in a log. */
export const keyLines = (pem: string): string[] => pem.split('\n').filter((line) => line && !line.startsWith('-----'))

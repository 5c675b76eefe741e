// The admin kubeconfig as a credential: its admin context read and judged, renewed with
// Talos's GenerateAdmin profile when a secret name is set, and written back into the same file.
import { own, said } from '../../text.js'
import { UserError } from '../../errors.js'
import { plan } from '../../plan.js'
import { kubernetesAdminProfile, kubernetesProbeProfile } from '../../pki/profile.js'
import { reportContext, type CheckedContext } from '../judge.js'
import type { CredentialPass, OutputNames, PassContext } from '../pass.js'
import {
  publicKubeconfig,
  readKubeconfig,
  readKubeContext,
  renderKubeconfig,
  sensitiveValues,
  servers,
  type KubeContext,
  type Kubeconfig
} from './file.js'

/** The inputs about the kubeconfig. */
export interface KubeconfigOptions {
  kubeconfig: string | undefined
  /** Where the renewed kubeconfig is written; without it the kubeconfig is only checked. */
  secretName: string | undefined
  /** The API server URL; by default the kubeconfig's or the machine configuration's. */
  endpoint: string | undefined
  clusterName: string | undefined
  ttlMs: number
  /** Whether 'kubeconfig-ttl' was set: the Talos API cannot honour it, and says so. */
  ttlGiven: boolean
}

export const kubeconfigOutputs: OutputNames = {
  kind: 'kubeconfig',
  status: 'kubeconfig-status',
  expiresAt: 'kubeconfig-expires-at',
  renewed: 'kubeconfig-renewed',
  through: 'kubeconfig-renewed-through',
  path: 'kubeconfig-path'
}

export const kubeChecked = (context: KubeContext): CheckedContext => ({
  kind: 'kubeconfig',
  name: context.name,
  label: said`kubeconfig context '${context.name}'`,
  caName: own('Kubernetes CA'),
  caPem: context.caPem,
  crtPem: context.crtPem,
  crtField: said`users.${context.userName}.user.client-certificate-data`,
  caField: said`clusters.${context.clusterName}.cluster.certificate-authority-data`,
  talosClientRules: false
})

/**
 * The kubeconfig's pass, when the run involves one: a kubeconfig to check, or a secret to renew
 * it into. Its context is the file's current one, else admin@<cluster-name>, else admin@ and the
 * talosconfig's context name, as Talos names it.
 */
export function kubeconfigPass(
  options: KubeconfigOptions,
  run: PassContext,
  talosContext: string
): CredentialPass | undefined {
  if (!options.kubeconfig && !(run.mode === 'renew' && options.secretName)) return undefined
  const kubeconfig = options.kubeconfig ? readKubeconfig(options.kubeconfig) : undefined
  if (kubeconfig) sensitiveValues(kubeconfig).forEach((value) => run.mask(value))
  const named = options.clusterName && `admin@${options.clusterName}`
  const contextName = (kubeconfig && (kubeconfig.currentContext ?? named)) || named || `admin@${talosContext}`
  const context = kubeconfig && readKubeContext(kubeconfig, contextName)
  const rule = { ...run.rule, ttlMs: options.ttlMs }
  const report = context ? reportContext(kubeChecked(context), true, rule, run.now) : undefined
  return {
    kind: 'kubeconfig',
    context: contextName,
    addresses: [...(options.endpoint ? [options.endpoint] : []), ...(kubeconfig ? servers(kubeconfig) : [])],
    contexts: report ? [report] : [],
    decision: report?.decision ?? plan(undefined, rule, run.now),
    secretName: options.secretName,
    reportRule: rule,
    publicSuffix: '_KUBECONFIG',
    request: () => ({
      profile: kubernetesAdminProfile(),
      notes: [],
      ttl: { ms: options.ttlMs, input: 'kubeconfig-ttl', given: options.ttlGiven },
      current: context && {
        name: said`kubeconfig context '${context.name}'`,
        caPem: context.caPem,
        crtPem: context.crtPem,
        caField: said`clusters.${context.clusterName}.cluster.certificate-authority-data`
      }
    }),
    render(issued) {
      const server = options.endpoint ?? context?.server ?? issued.server
      if (!server) {
        throw new UserError(
          said`Input 'kubernetes-endpoint' is required to make a kubeconfig: the API server URL, such as `.concat(
            said`https://10.5.0.2:6443 (neither a kubeconfig nor a machine configuration gave one).`
          ),
          'kubernetes-endpoint'
        )
      }
      return renderKubeconfig(kubeconfig, context, {
        clusterName: options.clusterName ?? context?.clusterName ?? issued.clusterName ?? talosContext,
        server,
        serverGiven: options.endpoint !== undefined,
        credential: issued.credential
      })
    },
    readBack(text) {
      const written = readKubeconfig(text)
      const context = readKubeContext(written, written.currentContext ?? '')
      return {
        context: kubeChecked(context),
        proofTarget: { kind: 'kubeconfig', context: context.name, server: context.server ?? '' }
      }
    },
    publicCopy(renewedText) {
      const file: Kubeconfig | undefined = renewedText ? readKubeconfig(renewedText) : kubeconfig
      return file && publicKubeconfig(file)
    },
    standing(renewedText) {
      // Only a kubeconfig this action keeps: one it merely checks has no fallback to prove.
      const file: Kubeconfig | undefined = renewedText ? readKubeconfig(renewedText) : kubeconfig
      if (!options.secretName || !file) return undefined
      const standing = readKubeContext(file, file.currentContext ?? contextName)
      if (!standing.crtPem) return undefined
      return {
        current: {
          name: said`kubeconfig context '${standing.name}'`,
          caPem: standing.caPem,
          crtPem: standing.crtPem,
          caField: said`clusters.${standing.clusterName}.cluster.certificate-authority-data`
        },
        proofTarget: {
          kind: 'kubeconfig',
          context: standing.name,
          server: options.endpoint ?? standing.server ?? ''
        },
        drillProfile: kubernetesProbeProfile()
      }
    }
  }
}

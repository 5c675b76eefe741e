// The credential kinds this action keeps alive, in the order a run reads and reports them. A
// new kind is a folder beside talosconfig/ and kubeconfig/, and one line in each list here.
import { kubeconfigOutputs, kubeconfigPass, type KubeconfigOptions } from './kubeconfig/pass.js'
import type { CredentialPass, OutputNames, PassContext } from './pass.js'
import { talosconfigOutputs, talosconfigPass, type TalosconfigOptions } from './talosconfig/pass.js'

export interface CredentialOptions {
  talos: TalosconfigOptions
  kube: KubeconfigOptions
}

/** The step outputs of every kind, involved in a run or not (then all empty). */
export const CREDENTIAL_OUTPUTS: readonly OutputNames[] = [talosconfigOutputs, kubeconfigOutputs]

/** Reads every credential the run involves, masking each file's keys as it is read. */
export function openCredentials(options: CredentialOptions, run: PassContext): CredentialPass[] {
  const talosconfig = talosconfigPass(options.talos, run)
  const kubeconfig = kubeconfigPass(options.kube, run, talosconfig.context)
  return [talosconfig, ...(kubeconfig ? [kubeconfig] : [])]
}

/**
 * Every endpoint, node and server the inputs name, known before any file is read: what a
 * message for people must not show. Each pass adds those its file names.
 */
export function inputAddresses({ talos, kube }: CredentialOptions): string[] {
  return [...talos.endpoints, ...talos.nodes, ...(kube.endpoint ? [kube.endpoint] : [])]
}

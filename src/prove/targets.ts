// Where a new credential is proven, as plain values: light enough for main to hold without
// loading the proofs themselves.

/** Where a new credential is proven: a talosconfig context's endpoints, or a kubeconfig's server. */
export type ProofTarget =
  | { kind: 'talosconfig'; context: string; endpoints: string[] }
  | { kind: 'kubeconfig'; context: string; server: string }

/** Every address a proof may dial: the story's gate keeps them out of what people read. */
export function proofAddresses(target: ProofTarget): string[] {
  return target.kind === 'talosconfig' ? target.endpoints : [target.server]
}

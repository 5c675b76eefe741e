// kubectl, the independent judge of a kubeconfig.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Runs kubectl against a kubeconfig file; never contacts a cluster. */
export function kubectl(kubeconfig: string, args: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kubectl-')), 'config')
  writeFileSync(file, kubeconfig, { mode: 0o600 })
  return execFileSync('kubectl', ['--kubeconfig', file, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

// `npm run demo`: the whole job on a throwaway cluster. It makes a Talos-like PKI with
// openssl, a talosconfig 12 days from expiry, and a loopback GitHub stand-in; runs the
// bundled action as the runner does; then shows the log, the job summary, the outputs and
// openssl's view of the new certificate (never the key).
import { parse } from 'yaml'
import { daysFromNow, makeCluster, talosconfigYaml } from '../test/support/cluster.js'
import { startGitHubStandIn } from '../test/support/github-standin.js'
import { opensslText, opensslVerifyClient } from '../test/support/judge.js'
import { RUNTIMES, runAction, visibleLog } from '../test/support/run-action.js'

const section = (title: string): void => console.log(`\n=== ${title} ${'='.repeat(Math.max(0, 70 - title.length))}\n`)

const cluster = makeCluster()
const current = cluster.clientCertificate({ notBefore: daysFromNow(-353), notAfter: daysFromNow(12.5) })
const talosconfig = talosconfigYaml('demo', {
  demo: { endpoints: ['127.0.0.1:9'], nodes: ['127.0.0.1:9'], caPem: cluster.caCrtPem, client: current }
})
const github = await startGitHubStandIn()
const runtime = RUNTIMES[0] as { name: string; node: string }
try {
  section(`Running dist/index.js under ${runtime.name}, as the runner would`)
  const run = await runAction(
    {
      'secrets-bundle': cluster.bundleYaml,
      talosconfig,
      'github-token': github.token,
      'github-api-url': github.url,
      repository: 'acme/cluster-ops'
    },
    { node: runtime.node }
  )
  console.log(visibleLog(run).trim())
  console.log(`(exit code ${run.code}; ::add-mask:: lines are consumed by the runner and not shown)`)

  section('Job summary (GITHUB_STEP_SUMMARY)')
  console.log(run.summary.trim())

  section('Outputs (GITHUB_OUTPUT)')
  for (const [name, value] of Object.entries(run.outputs)) console.log(`${name}=${value}`)

  section('Requests the GitHub stand-in received')
  for (const request of github.requests) console.log(`${request.method} ${request.path}`)
  const stored = github.secrets.get('acme/cluster-ops/TALOSCONFIG')
  if (run.code !== 0 || !stored) throw new Error('the demo run did not store the secret')
  console.log(`Opened the sealed box of TALOSCONFIG: ${stored.value.length} bytes of talosconfig.`)

  const crtPem = Buffer.from(parse(stored.value).contexts.demo.crt, 'base64').toString()
  section('openssl verify -purpose sslclient against the cluster CA')
  console.log(opensslVerifyClient(cluster.caCrtPem, crtPem).output.trim())
  section('openssl x509 -text of the new client certificate')
  console.log(opensslText(crtPem).trim())
} finally {
  await github.close()
}

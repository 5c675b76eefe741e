// `npm run screenshot`: the picture of a job summary in the README (docs/summary.png), made the
// way a person sees it: the summary of a scheduled run that renewed the talosconfig and the
// kubeconfig and proved the break-glass fallback, at a fixed clock (2026-12-05 06:00 UTC), as
// GitHub renders it (test/support/github-render.ts, in Debian's Chromium). Committed, not
// tested for freshness: run it again when the summary changes.
import type { ContextReport } from '../src/credentials/judge.js'
import type { CredentialResult, RunResult } from '../src/result.js'
import { Gate } from '../src/story/gate.js'
import { summaryOf } from '../src/story/summary.js'
import { said } from '../src/text.js'
import { closeGitHubRenderer, renderAsGitHub } from '../test/support/github-render.js'

const AT = new Date('2026-12-05T06:00:00Z')
const day = (offset: number, hour = 6) => new Date(Date.UTC(2026, 11, 5 + offset, hour))

function credential(kind: 'talosconfig' | 'kubeconfig', context: string, roles: string[], secretName: string) {
  const report: ContextReport = {
    kind,
    name: context,
    selected: true,
    certificate: {
      organizations: roles,
      commonName: kind === 'kubeconfig' ? 'admin' : undefined,
      notBefore: day(-353),
      notAfter: day(12),
      extendedKeyUsages: ['1.3.6.1.5.5.7.3.2']
    },
    caNotAfter: day(3650),
    renewalOpens: day(-18),
    decision: { status: 'expiring', renew: true, reason: '12 days left, inside renew-before', daysRemaining: 12 },
    problems: []
  }
  const entry: CredentialResult = {
    kind,
    context,
    contexts: [report],
    decision: report.decision,
    secretName,
    renewal: {
      through: 'talos-api',
      roles,
      notBefore: AT,
      notAfter: day(365),
      renewalOpens: day(335),
      caNotAfter: day(3650),
      path: `/home/runner/work/_temp/talos-renew-a1b2c3/${kind}`,
      scope: 'repository acme/cluster-ops',
      secretUpdated: true,
      connectionVerified: true
    }
  }
  return entry
}

const result: RunResult = {
  at: AT,
  mode: 'renew',
  modeReason: 'mode auto on schedule',
  failed: false,
  credentials: [
    credential('talosconfig', 'prod', ['os:admin'], 'TALOSCONFIG'),
    credential('kubeconfig', 'admin@prod', ['system:masters'], 'KUBECONFIG')
  ],
  breakGlass: {
    status: 'proven',
    source: 'secrets-bundle',
    message: said`both proven`,
    credentials: [
      { kind: 'talosconfig', status: 'proven', message: said`a throwaway certificate for os:reader was accepted` },
      { kind: 'kubeconfig', status: 'proven', message: said`a throwaway certificate was accepted` }
    ]
  }
}

const links = { readmeUrl: 'https://github.com/OWNER/talos-client-cert-renewal/blob/v2/README.md' }
try {
  const page = await renderAsGitHub(summaryOf(result, new Gate(), links), { screenshot: 'docs/summary.png' })
  if (page.mermaidErrors.length > 0) throw new Error(page.mermaidErrors.join('\n'))
  console.log(`docs/summary.png: ${page.gantts[0]?.bars.length ?? 0} bars, first line '${page.firstLine}'`)
} finally {
  await closeGitHubRenderer()
}

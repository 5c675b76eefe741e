// A run's result as the story reads it, by hand: a talosconfig with three contexts (prod,
// selected and 9 days from expiry; staging, expired; omni, with no certificate), checked on a
// pull request, or renewed on a schedule. The clock stands at 2026-11-28 10:00 UTC.
import type { ContextReport } from '../../src/credentials/judge.js'
import type { CredentialResult, Renewal, RunResult } from '../../src/result.js'
import { said } from '../../src/text.js'

export const AT = new Date('2026-11-28T10:00:00Z')
export const prodCertificate = {
  organizations: ['os:admin'],
  commonName: undefined,
  notBefore: new Date('2025-12-07T10:00:00Z'),
  notAfter: new Date('2026-12-07T10:00:00Z'),
  extendedKeyUsages: ['1.3.6.1.5.5.7.3.2']
}
export const prod: ContextReport = {
  kind: 'talosconfig',
  name: 'prod',
  selected: true,
  certificate: prodCertificate,
  caNotAfter: new Date('2036-11-25T10:00:00Z'),
  renewalOpens: new Date('2026-11-07T10:00:00Z'),
  decision: { status: 'expiring', renew: true, reason: '9 days left, inside renew-before', daysRemaining: 9 },
  problems: [{ about: 'certificate', message: said`prod certificate problem` }]
}
export const omni: ContextReport = {
  kind: 'talosconfig',
  name: 'omni',
  selected: false,
  certificate: undefined,
  caNotAfter: undefined,
  renewalOpens: undefined,
  decision: { status: 'missing', renew: true, reason: 'there is no client certificate yet' },
  problems: []
}
export const expiredStaging: ContextReport = {
  ...prod,
  name: 'staging',
  selected: false,
  certificate: {
    ...prodCertificate,
    organizations: ['os:reader', 'os:etcd:backup'],
    notAfter: new Date('2026-11-25T10:00:00Z')
  },
  decision: { status: 'expired', renew: true, reason: 'it has expired', daysRemaining: -3, daysSinceExpiry: 2 },
  problems: [{ about: 'ca', message: said`staging CA problem` }]
}
export const talosconfig: CredentialResult = {
  kind: 'talosconfig',
  context: 'prod',
  contexts: [prod, expiredStaging, omni],
  decision: prod.decision,
  secretName: 'TALOSCONFIG'
}
export const checked: RunResult = {
  at: AT,
  mode: 'check',
  modeReason: 'mode auto on pull_request',
  credentials: [talosconfig],
  failed: true
}
export const renewal: Renewal = {
  through: 'secrets-bundle',
  roles: ['os:admin'],
  notBefore: new Date('2026-11-28T09:55:00Z'),
  notAfter: new Date('2027-11-28T10:00:00Z'),
  renewalOpens: new Date('2027-10-29T10:00:00Z'),
  caNotAfter: new Date('2036-11-25T10:00:00Z'),
  path: '/runner/temp/talos-renew-x/talosconfig',
  scope: 'repository acme/cluster-ops',
  secretUpdated: true
}
/** The scheduled run that renewed the talosconfig as `renewal` says (none: not due). */
export const renewedWith = (renewal: Renewal | undefined): RunResult => ({
  ...checked,
  mode: 'renew',
  modeReason: 'mode auto on schedule',
  failed: false,
  credentials: [{ ...talosconfig, renewal }]
})
export const renewed = renewedWith(renewal)

// chooseIssuers: renew-through picks the strategy, and the CA source behind the fallback and
// the break-glass drill is one issuer, opened at most once.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ApiFirstIssuer, chooseIssuers, type IssuerChoice } from '../../src/issuers/index.js'
import { LocalCaIssuer } from '../../src/issuers/local-ca.js'
import { TalosApiIssuer } from '../../src/issuers/talos-api.js'
import { talosClientProfile } from '../../src/pki/profile.js'
import { daysFromNow, makeCluster } from '../support/cluster.js'

const cluster = makeCluster()
const now = new Date()
const apiContext = {
  name: 'home',
  endpoints: ['127.0.0.1:9'],
  caPem: cluster.caCrtPem,
  ...cluster.clientCertificate({ notBefore: daysFromNow(-10), notAfter: daysFromNow(100) })
}
const choice = (overrides: Partial<IssuerChoice>): IssuerChoice => ({
  renewThrough: 'auto',
  caSource: { input: 'secrets-bundle', value: cluster.bundleYaml },
  ageKeys: { identities: [], passphrase: undefined, identitiesFrom: 'SOPS_AGE_KEY' },
  apiContext,
  now,
  mask: () => undefined,
  info: () => undefined,
  ...overrides
})

describe('chooseIssuers', () => {
  it('auto with a CA source: the API first, the CA key as the fallback and the drill', () => {
    const { issuer, breakGlass } = chooseIssuers(choice({}))
    assert.ok(issuer instanceof ApiFirstIssuer)
    assert.ok(breakGlass instanceof LocalCaIssuer)
    assert.equal(breakGlass.input, 'secrets-bundle')
  })

  it('auto without a CA source: the API alone, nothing to drill', () => {
    const { issuer, breakGlass } = chooseIssuers(choice({ caSource: undefined }))
    assert.ok(issuer instanceof TalosApiIssuer)
    assert.equal(breakGlass, undefined)
  })

  it('talos-api: the API alone, whatever else is given', () => {
    assert.ok(
      chooseIssuers(choice({ renewThrough: 'talos-api', caSource: undefined })).issuer instanceof TalosApiIssuer
    )
  })

  it('ca-key: the CA key only, the same issuer for renewals and the drill', () => {
    const { issuer, breakGlass } = chooseIssuers(
      choice({
        renewThrough: 'ca-key',
        caSource: { input: 'machine-config', value: cluster.machineConfigYaml('controlplane') }
      })
    )
    assert.ok(issuer instanceof LocalCaIssuer)
    assert.equal(issuer, breakGlass)
    assert.equal((issuer as LocalCaIssuer).input, 'machine-config')
  })

  it('opens the CA source once for every credential and the drill', async () => {
    const read: string[] = []
    const { breakGlass } = chooseIssuers(choice({ renewThrough: 'ca-key', info: (message) => read.push(message.raw) }))
    const request = {
      kind: 'talosconfig' as const,
      profile: talosClientProfile(['os:admin']),
      ttlMs: 86_400_000,
      ttlInput: 'ttl',
      ttlGiven: false,
      now,
      allowCaChange: false
    }
    await breakGlass?.issue(request)
    await breakGlass?.ca('kubeconfig', now)
    await breakGlass?.issue(request)
    assert.deepEqual(read, ["Read the CA source from input 'secrets-bundle' (YAML)."])
  })
})

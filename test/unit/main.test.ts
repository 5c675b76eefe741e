// main with recording collaborators and a fixed clock: the decisions, the order of events
// and the refusals, without the runner or the network.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse } from 'yaml'
import { CREDENTIAL_OUTPUTS } from '../../src/credentials/index.js'
import { UserError } from '../../src/errors.js'
import { Gate } from '../../src/story/gate.js'
import { Story } from '../../src/story/index.js'
import { readConfig, type Config } from '../../src/inputs.js'
import { main, type Deps } from '../../src/main.js'
import { inspectCertificate } from '../../src/pki/inspect.js'
import { startApid } from '../support/apid-standin.js'
import { daysFromNow, makeCluster, talosconfigYaml } from '../support/cluster.js'

const cluster = makeCluster()
const other = makeCluster()
const now = new Date(Date.now() + 10_000)

function config(inputs: Record<string, string>): Config {
  // The CA key only: these tests are about main's pass, not about choosing an issuer.
  const all: Record<string, string> = {
    // main's pass, not the drill (test/e2e/break-glass.test.ts holds that).
    'break-glass-drill': 'never',
    'secrets-bundle': cluster.bundleYaml,
    'renew-through': 'ca-key',
    'github-token': 't',
    repository: 'acme/ops',
    ...inputs
  }
  return readConfig((name) => all[name] ?? '', { GITHUB_EVENT_NAME: 'schedule' })
}

function recorder() {
  const events: string[] = []
  const puts: Array<{ name: string; value: string }> = []
  const sealed: string[] = []
  // The real story and its gate, over writers that record each line as a person would read it.
  const gate = new Gate()
  const story = new Story(gate, {
    info: (line) => events.push(`info: ${line}`),
    notice: (line) => events.push(`notice: ${line}`),
    warning: (line) => events.push(`warning: ${line}`),
    error: (line) => events.push(`error: ${line}`),
    setOutput: (name, value) => events.push(`output ${name}=${value}`),
    writeSummary: async () => void events.push('summary')
  })
  const deps: Deps = {
    now: () => now,
    mask: (value) => (events.push('mask'), gate.mask(value)),
    know: (address) => gate.know(address),
    info: (message) => story.say('info', message),
    notice: (message) => story.say('notice', message),
    warning: (message) => story.say('warning', message),
    error: (message) => story.say('error', message),
    tell: (result) => story.tell(result, 'expiring', CREDENTIAL_OUTPUTS),
    saveFile: async (name) => (events.push(`save ${name}`), `/tmp/${name}`),
    openSecretStore: async () => ({
      scope: 'repository acme/ops',
      seal: async (name, value) => (
        sealed.push(name),
        { name, value, scope: 'repository acme/ops', sealed: 'sealed', keyId: 'k', access: undefined }
      ),
      write: async ({ name, value }) => void puts.push({ name, value })
    }),
    openVariableStore: async () => assert.fail('no test here sets public-variable'),
    attend: async () => (events.push('attend'), undefined)
  }
  return { deps, events, puts, sealed }
}

const expiring = cluster.clientCertificate({ notBefore: daysFromNow(-360), notAfter: daysFromNow(5) })

describe('main', () => {
  it('masks all secrets before it logs or writes anything, and writes last', async () => {
    const { deps, events, puts } = recorder()
    const talosconfig = talosconfigYaml('prod', {
      prod: { endpoints: ['127.0.0.1:9'], caPem: cluster.caCrtPem, client: expiring }
    })
    const result = await main(config({ talosconfig }), deps)
    assert.equal(result.credentials[0]?.decision.status, 'expiring')
    assert.equal(puts.length, 1)
    const firstOther = events.findIndex((event) => event !== 'mask')
    assert.ok(firstOther > 10, 'bundle and talosconfig values are masked first')
    assert.deepEqual(
      events
        .slice(firstOther)
        .filter((event) => event !== 'mask')
        .slice(0, 2),
      ["info: Read the CA source from input 'secrets-bundle' (YAML).", 'save talosconfig']
    )
    assert.ok(
      events.lastIndexOf('mask') < events.indexOf('save talosconfig'),
      'the new credential is masked before it is saved'
    )
    assert.equal(events.at(-1), 'summary')
    assert.deepEqual(
      events.filter((event) => event.startsWith('warning')),
      []
    )
  })

  it('refuses a bundle whose CA the talosconfig does not trust, before anything is signed or written', async () => {
    const { deps, events, puts } = recorder()
    const foreign = other.clientCertificate({ notBefore: daysFromNow(-360), notAfter: daysFromNow(5) })
    const talosconfig = talosconfigYaml('prod', {
      prod: { endpoints: ['127.0.0.1:9'], caPem: other.caCrtPem, client: foreign }
    })
    await assert.rejects(
      main(config({ talosconfig }), deps),
      (error: UserError) =>
        error.input === 'allow-ca-change' &&
        /^The CA that would sign the new talosconfig certificate, certs\.os of input 'secrets-bundle' \(O=talos, expires \d{4}-\d{2}-\d{2}, SHA-256 [0-9A-F:]{95}\), is not a CA that talosconfig context 'prod' trusts or was issued by \(contexts\.prod\.ca: O=talos, expires .+, SHA-256 [0-9A-F:]{95}\)\. Either 'secrets-bundle' belongs to another cluster, or the CA was rotated/.test(
          error.message
        )
    )
    assert.deepEqual(puts, [])
    assert.ok(!events.includes('save talosconfig'))
  })

  it('with allow-ca-change renews once with the new CA, which the new file then trusts, and warns', async () => {
    const { deps, events, puts } = recorder()
    const foreign = other.clientCertificate({ notBefore: daysFromNow(-360), notAfter: daysFromNow(5) })
    // The node of the bundle's cluster: a changed CA is written only once the cluster accepts it.
    const apid = await startApid(cluster)
    const talosconfig = talosconfigYaml('prod', {
      prod: { endpoints: [apid.endpoint], caPem: other.caCrtPem, client: foreign }
    })
    await main(config({ talosconfig, 'allow-ca-change': 'true' }), deps).finally(() => apid.close())
    assert.equal(apid.versionCalls.length, 1, 'proven before it was written')
    const warnings = events.filter((event) => event.startsWith('warning'))
    assert.equal(warnings.length, 1)
    assert.match(
      warnings[0] ?? '',
      /^warning: allow-ca-change: the new talosconfig of talosconfig context 'prod' trusts certs\.os of input 'secrets-bundle' \(O=talos, /
    )
    const written = parse(puts[0]?.value ?? '')
    assert.equal(Buffer.from(written.contexts.prod.ca, 'base64').toString(), cluster.caCrtPem)
  })

  it('keeps a ca of two CAs (a rotation) when either signs', async () => {
    for (const caPem of [cluster.caCrtPem + other.caCrtPem, other.caCrtPem + cluster.caCrtPem]) {
      const { deps, events, puts } = recorder()
      const talosconfig = talosconfigYaml('prod', {
        prod: {
          endpoints: ['127.0.0.1:9'],
          caPem,
          client: other.clientCertificate({ notBefore: daysFromNow(-360), notAfter: daysFromNow(5) })
        }
      })
      await main(config({ talosconfig }), deps)
      assert.deepEqual(
        events.filter((event) => event.startsWith('warning')),
        []
      )
      assert.equal(
        Buffer.from(parse(puts[0]?.value ?? '').contexts.prod.ca, 'base64').toString(),
        caPem,
        'the trust list is kept as it was'
      )
    }
  })

  it('after a forced renewal judges the CA against the new certificate, not the one it replaced', async () => {
    const shortCa = makeCluster({ caValidity: { notBefore: daysFromNow(-10), notAfter: daysFromNow(250) } })
    const { deps, events } = recorder()
    const current = shortCa.clientCertificate({ notBefore: daysFromNow(-10), notAfter: daysFromNow(100) })
    const talosconfig = talosconfigYaml('prod', {
      prod: { endpoints: ['127.0.0.1:9'], caPem: shortCa.caCrtPem, client: current }
    })
    await main(
      config({
        talosconfig,
        'secrets-bundle': shortCa.bundleYaml,
        force: 'true',
        ttl: '200d',
        'verify-connection': 'never'
      }),
      deps
    )
    const day = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10)
    const warnings = events.filter((event) => event.startsWith('warning: The Talos API CA'))
    assert.equal(warnings.length, 1, warnings.join('\n'))
    // The new certificate lasts 200 days, so its renewal falls due on day 170, not on day 70.
    assert.match(
      warnings[0] ?? '',
      new RegExp(`before a certificate renewed on ${day(170)} for the configured ttl would`)
    )
  })

  it('issues a certificate for a context that has none (status missing)', async () => {
    const { deps, puts } = recorder()
    const talosconfig = talosconfigYaml('prod', { prod: { endpoints: ['127.0.0.1:9'], caPem: cluster.caCrtPem } })
    const result = await main(config({ talosconfig }), deps)
    assert.equal(result.credentials[0]?.decision.status, 'missing')
    assert.ok(parse(puts[0]?.value ?? '').contexts.prod.crt)
  })

  it('keeps the roles of the certificate it replaces when roles is not set', async () => {
    const { deps, events, puts } = recorder()
    const reader = cluster.clientCertificate({
      roles: ['os:reader', 'os:etcd:backup'],
      notBefore: daysFromNow(-360),
      notAfter: daysFromNow(5)
    })
    const talosconfig = talosconfigYaml('prod', {
      prod: { endpoints: ['127.0.0.1:9'], caPem: cluster.caCrtPem, client: reader }
    })
    await main(config({ talosconfig }), deps)
    const crt = Buffer.from(parse(puts[0]?.value ?? '').contexts.prod.crt, 'base64').toString()
    assert.deepEqual(inspectCertificate(crt)?.organizations, ['os:etcd:backup', 'os:reader'])
    assert.deepEqual(
      events.filter((event) => event.startsWith('warning')),
      []
    )
  })

  it('changes roles only when roles is set, with a warning that names both and what dropping os:admin means', async () => {
    const { deps, events, puts } = recorder()
    const talosconfig = talosconfigYaml('prod', {
      prod: { endpoints: ['127.0.0.1:9'], caPem: cluster.caCrtPem, client: expiring }
    })
    await main(config({ talosconfig, roles: 'os:reader' }), deps)
    const crt = Buffer.from(parse(puts[0]?.value ?? '').contexts.prod.crt, 'base64').toString()
    assert.deepEqual(inspectCertificate(crt)?.organizations, ['os:reader'])
    assert.deepEqual(
      events.filter((event) => event.startsWith('warning')),
      [
        "warning: Input 'roles' changes the roles of talosconfig context 'prod' from os:admin to os:reader. " +
          'Without os:admin the renewed talosconfig cannot renew itself through the Talos API: ' +
          "its next renewal will need the CA key ('secrets-bundle' or 'machine-config')."
      ]
    )
  })

  it('asks for roles when the certificate it replaces carries none', async () => {
    const { deps, puts } = recorder()
    const roleless = cluster.clientCertificate({ roles: [], notBefore: daysFromNow(-360), notAfter: daysFromNow(5) })
    const talosconfig = talosconfigYaml('prod', {
      prod: { endpoints: ['127.0.0.1:9'], caPem: cluster.caCrtPem, client: roleless }
    })
    await assert.rejects(main(config({ talosconfig }), deps), (error: UserError) => {
      assert.equal(error.input, 'roles')
      assert.match(
        error.message,
        /^The client certificate of context 'prod' carries no roles, so a renewal has none to keep/
      )
      return true
    })
    assert.deepEqual(puts, [])
  })

  it('refuses a ttl that outlives the CA, before issuing or writing anything', async () => {
    const { deps, events, puts } = recorder()
    const talosconfig = talosconfigYaml('prod', {
      prod: { endpoints: ['127.0.0.1:9'], caPem: cluster.caCrtPem, client: expiring }
    })
    await assert.rejects(main(config({ talosconfig, ttl: '3651d' }), deps), (error: UserError) => {
      assert.equal(error.input, 'ttl')
      assert.match(
        error.message,
        /^Input 'ttl' asks for a certificate valid until .+, but the Talos API CA expires on .+; a certificate that outlives its CA is not issued\. Shorten 'ttl' or rotate the CA\.$/
      )
      return true
    })
    assert.deepEqual(puts, [])
    assert.ok(!events.includes('save talosconfig'))
  })

  it('needs a context when the talosconfig selects none', async () => {
    const { deps } = recorder()
    const talosconfig = talosconfigYaml('', {
      prod: { endpoints: ['127.0.0.1:9'], caPem: cluster.caCrtPem, client: expiring }
    })
    await assert.rejects(main(config({ talosconfig }), deps), /^UserError: Input 'talosconfig' selects no context/)
    const result = await main(config({ talosconfig, context: 'prod' }), deps)
    assert.equal(result.credentials[0]?.context, 'prod')
  })

  it('refuses a crt that is not a certificate', async () => {
    const { deps } = recorder()
    const talosconfig = talosconfigYaml('prod', {
      prod: {
        endpoints: ['127.0.0.1:9'],
        caPem: cluster.caCrtPem,
        client: { crtPem: expiring.keyPem, keyPem: expiring.keyPem }
      }
    })
    await assert.rejects(
      main(config({ talosconfig }), deps),
      /^UserError: contexts\.prod\.crt in input 'talosconfig' is not a PEM certificate\.$/
    )
  })

  it('in check mode reads no bundle and opens no store, even when the certificate is due', async () => {
    const { deps, events, puts } = recorder()
    deps.openSecretStore = () => assert.fail('a check opened the secret store')
    const talosconfig = talosconfigYaml('prod', {
      prod: { endpoints: ['127.0.0.1:9'], caPem: cluster.caCrtPem, client: expiring }
    })
    const result = await main(config({ talosconfig, mode: 'check', 'secrets-bundle': 'not: a bundle' }), deps)
    assert.equal(result.credentials[0]?.renewal, undefined)
    assert.equal(result.failed, true)
    assert.deepEqual(puts, [])
    assert.ok(!events.includes('save talosconfig'))
    assert.equal(events.filter((event) => event.startsWith('error: ')).length, 1)
  })

  it('refuses to renew a context that signs in through Omni', async () => {
    const { deps } = recorder()
    const talosconfig = talosconfigYaml('omni', {
      omni: { endpoints: [], caPem: cluster.caCrtPem, extra: { auth: { siderov1: { identity: 'x' } } } }
    })
    await assert.rejects(
      main(config({ talosconfig }), deps),
      (error: UserError) =>
        error.input === 'context' && /signs in through Omni \(its auth section\)/.test(error.message)
    )
  })

  it('in a dry run seals but writes nothing', async () => {
    const { deps, puts, sealed } = recorder()
    const talosconfig = talosconfigYaml('prod', {
      prod: { endpoints: ['127.0.0.1:9'], caPem: cluster.caCrtPem, client: expiring }
    })
    const result = await main(config({ talosconfig, 'dry-run': 'true' }), deps)
    assert.deepEqual([sealed, puts], [['TALOSCONFIG'], []], 'sealed, to prove the key and the size, but not written')
    assert.equal(result.credentials[0]?.renewal?.secretUpdated, false)
  })
})

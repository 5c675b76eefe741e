// Hostile and broken input, table-driven: each case must end in exit code 1 with exactly one
// error line a person can act on, nothing sent to GitHub, no key material in the log or the
// summary, no stack trace, and well under a second.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { parse, stringify } from 'yaml'
import { daysFromNow, makeCluster, talosconfigYaml } from '../support/cluster.js'
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.js'
import { talhelperBundle } from '../support/fixtures.js'
import { errorLines, RUNTIMES, runAction, visibleLog } from '../support/run-action.js'
import { readAsRunner } from '../support/runner-log.js'
import { keyLines } from '../support/scenario.js'

const b64 = (text: string) => Buffer.from(text).toString('base64')
const cluster = makeCluster()
const other = makeCluster()
const client = cluster.clientCertificate({ notBefore: daysFromNow(-360), notAfter: daysFromNow(5) })
const talosconfig = talosconfigYaml('prod', { prod: { endpoints: ['127.0.0.1:9'], caPem: cluster.caCrtPem, client } })
const bundle = parse(cluster.bundleYaml)
const withOs = (os: Record<string, unknown>) => stringify({ ...bundle, certs: { ...bundle.certs, os } }, { indent: 4 })
const expiredCa = makeCluster({ caValidity: { notBefore: daysFromNow(-400), notAfter: daysFromNow(-5) } })
const futureCa = makeCluster({ caValidity: { notBefore: daysFromNow(5), notAfter: daysFromNow(400) } })
const notCa = cluster.clientCertificate({ notBefore: daysFromNow(-1), notAfter: daysFromNow(100) })
const half = (text: string) => text.slice(0, Math.floor(text.length / 2))
const aliasBomb =
  'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ncontexts: {}\n'
const deep = `certs:\n${Array.from({ length: 40 }, (_, i) => `${' '.repeat((i + 1) * 2)}k${i}:`).join('\n')} x\n`

/** Every secret the inputs hold: none may appear in what the action prints. */
const secrets = [
  ...[
    bundle.certs.os.key,
    bundle.cluster.secret,
    bundle.secrets.bootstraptoken,
    bundle.trustdinfo.token,
    b64(client.keyPem)
  ],
  ...keyLines(cluster.caKeyPem),
  ...keyLines(client.keyPem)
]

interface Case {
  name: string
  inputs: Record<string, string>
  error: string | RegExp
}

const P = '::error::'
/** The workflow commands the action itself issues. */
const ACTION_COMMANDS = ['add-mask', 'warning', 'error', 'notice', 'debug']
const cases: Case[] = [
  // The bundle.
  {
    name: 'a bundle that is not YAML',
    inputs: { 'secrets-bundle': `certs:\n  os: [${bundle.certs.os.key}\n` },
    error: /^::error::Input 'secrets-bundle' is not valid YAML at line \d+, column \d+ \(.+\)\.$/
  },
  {
    name: 'YAML that is not a bundle',
    inputs: { 'secrets-bundle': 'kind: Deployment\n' },
    error: `${P}Input 'secrets-bundle' is YAML without a 'certs' section, not a Talos secrets bundle. Pass the secrets.yaml made by 'talosctl gen secrets'.`
  },
  {
    name: 'a bundle without certs.os',
    inputs: { 'secrets-bundle': stringify({ ...bundle, certs: { k8s: bundle.certs.k8s } }) },
    error: `${P}Input 'secrets-bundle' has no certs.os.crt; a Talos secrets bundle carries the Talos API CA there.`
  },
  {
    name: 'a crt that is not base64',
    inputs: { 'secrets-bundle': withOs({ crt: 'not base64!', key: bundle.certs.os.key }) },
    error: `${P}certs.os.crt in input 'secrets-bundle' is not base64 of PEM text, as Talos writes it.`
  },
  {
    name: 'a crt that is not PEM',
    inputs: { 'secrets-bundle': withOs({ crt: b64('just text'), key: bundle.certs.os.key }) },
    error: `${P}certs.os.crt in input 'secrets-bundle' is not base64 of PEM text, as Talos writes it.`
  },
  {
    name: 'a truncated crt',
    inputs: { 'secrets-bundle': withOs({ crt: b64(half(cluster.caCrtPem)), key: bundle.certs.os.key }) },
    error: `${P}certs.os.crt in input 'secrets-bundle' is not a PEM certificate.`
  },
  {
    name: 'a crt of the wrong PEM type',
    inputs: { 'secrets-bundle': withOs({ crt: bundle.certs.os.key, key: bundle.certs.os.key }) },
    error: `${P}certs.os.crt in input 'secrets-bundle' is not a PEM certificate.`
  },
  {
    name: 'a truncated key',
    inputs: { 'secrets-bundle': withOs({ crt: bundle.certs.os.crt, key: b64(half(cluster.caKeyPem)) }) },
    error:
      /^::error::certs\.os\.key in input 'secrets-bundle' is not (base64 of PEM text, as Talos writes it|a private key Talos writes .+)\.$/
  },
  {
    name: 'a key of the wrong PEM type',
    inputs: { 'secrets-bundle': withOs({ crt: bundle.certs.os.crt, key: bundle.certs.os.crt }) },
    error: `${P}certs.os.key in input 'secrets-bundle' is not a private key Talos writes (ED25519, EC, RSA or PKCS#8 PRIVATE KEY in PEM).`
  },
  {
    name: 'a CA key that does not belong to the CA',
    inputs: { 'secrets-bundle': withOs({ crt: bundle.certs.os.crt, key: b64(other.caKeyPem) }) },
    error: `${P}certs.os.key in input 'secrets-bundle' does not belong to certs.os.crt (Ed25519 key); check that both come from the same bundle.`
  },
  {
    name: 'a CA certificate that is not a CA',
    inputs: { 'secrets-bundle': withOs({ crt: b64(notCa.crtPem), key: b64(notCa.keyPem) }) },
    error: `${P}certs.os.crt in input 'secrets-bundle' is not a CA certificate (it lacks the CA basic constraint or the certSign key usage); it cannot sign client certificates.`
  },
  {
    name: 'an expired CA',
    inputs: { 'secrets-bundle': expiredCa.bundleYaml },
    error:
      /^::error::certs\.os\.crt in input 'secrets-bundle' expired on .+; a new client certificate cannot be issued from an expired CA\. Rotate the CA \(see Talos's CA rotation guide\)\.$/
  },
  {
    name: 'a CA not yet valid',
    inputs: { 'secrets-bundle': futureCa.bundleYaml },
    error: /^::error::certs\.os\.crt in input 'secrets-bundle' is not valid before .+; check the runner's clock\.$/
  },
  // YAML attacks.
  {
    name: 'an alias bomb',
    inputs: { talosconfig: aliasBomb },
    error: `${P}Input 'talosconfig' uses YAML aliases, which Talos files never do; it is not read.`
  },
  {
    name: 'very deep nesting',
    inputs: { 'secrets-bundle': deep },
    error: `${P}Input 'secrets-bundle' is nested more than 32 levels deep; it is not read.`
  },
  {
    name: 'flow nesting deeper than the parser takes',
    inputs: { talosconfig: '['.repeat(20_000) },
    error:
      /^::error::Input 'talosconfig' is not valid YAML at line 1, column \d+ \(nested too deeply or too large to read\)\.$/
  },
  {
    name: 'duplicate keys',
    inputs: { talosconfig: `${talosconfig}context: other\n` },
    error: /^::error::Input 'talosconfig' is not valid YAML at line \d+, column 1 \(duplicate key\)\.$/
  },
  {
    name: "a '__proto__' context",
    inputs: { talosconfig: talosconfig.replace('context: prod', 'context: __proto__') },
    error: `${P}Context '__proto__' does not exist in input 'talosconfig' (contexts: 'prod'). Set 'context' to one of them.`
  },
  // Size.
  // Linux passes no environment value over 128 KiB, so 100 KB is as far over as a runner gets.
  {
    name: 'a bundle far over the secret limit',
    inputs: { 'secrets-bundle': `certs:\n${'    # padding\n'.repeat(7_000)}` },
    error: `${P}Input 'secrets-bundle' is 98006 bytes, more than any GitHub secret can hold (48 KB, or 73728 bytes as base64); pass the talosconfig, bundle or machine configuration itself.`
  },
  {
    name: 'a talosconfig far over the secret limit',
    inputs: { talosconfig: 'x'.repeat(100_000) },
    error: `${P}Input 'talosconfig' is 100000 bytes, more than any GitHub secret can hold (48 KB, or 73728 bytes as base64); pass the talosconfig, bundle or machine configuration itself.`
  },
  // ttl, roles, renew-before.
  {
    name: 'a ttl that is not a duration',
    inputs: { ttl: 'a year' },
    error: `${P}Input 'ttl' is not a duration: 'a year'. Use Go duration syntax such as 8760h, 720h or 1h30m, or days such as 365d.`
  },
  { name: 'a zero ttl', inputs: { ttl: '0' }, error: `${P}Input 'ttl' must be longer than zero; got '0'.` },
  { name: 'a negative ttl', inputs: { ttl: '-24h' }, error: `${P}Input 'ttl' must be longer than zero; got '-24h'.` },
  {
    name: 'a ttl past the CA',
    inputs: { ttl: '3660d' },
    error:
      /^::error::Input 'ttl' asks for a certificate valid until .+, but the Talos API CA expires on .+; a certificate that outlives its CA is not issued\. Shorten 'ttl' or rotate the CA\.$/
  },
  {
    name: 'unknown roles',
    inputs: { roles: 'os:admin, cluster-admin' },
    error: `${P}Input 'roles' has unknown roles: cluster-admin. Talos knows os:admin, os:operator, os:reader, os:etcd:backup, os:image:verifier, os:meta:writer, os:impersonator.`
  },
  {
    name: 'empty roles',
    inputs: { roles: ' , ' },
    error: `${P}Input 'roles' is empty. Talos knows os:admin, os:operator, os:reader, os:etcd:backup, os:image:verifier, os:meta:writer, os:impersonator.`
  },
  {
    name: 'a renew-before that is not a duration',
    inputs: { 'renew-before': 'soon' },
    error: `${P}Input 'renew-before' must be a duration such as 30d or 720h, or a share of the certificate's lifetime such as 33%; got 'soon'.`
  },
  {
    name: 'a percentage over 100',
    inputs: { 'renew-before': '150%' },
    error: `${P}Input 'renew-before' as a percentage must be between 0% and 100% (exclusive); got '150%'.`
  },
  // Names and booleans.
  {
    name: 'a GITHUB_ secret name',
    inputs: { 'secret-name': 'GITHUB_TALOSCONFIG' },
    error: `${P}Input 'secret-name' ('GITHUB_TALOSCONFIG') may not start with 'GITHUB_', by GitHub's rules for secret names.`
  },
  {
    name: 'a secret name with a leading digit',
    inputs: { 'secret-name': '1TALOSCONFIG' },
    error: `${P}Input 'secret-name' ('1TALOSCONFIG') may not start with a digit, by GitHub's rules for secret names.`
  },
  {
    name: 'a secret name with other characters',
    inputs: { 'secret-name': 'TALOS-CONFIG' },
    error: `${P}Input 'secret-name' ('TALOS-CONFIG') may contain only letters, digits and underscores, by GitHub's rules for secret names.`
  },
  {
    name: 'a repository that is not owner/name',
    inputs: { repository: 'cluster-ops' },
    error: `${P}Input 'repository' must be 'owner/name'; got 'cluster-ops'.`
  },
  {
    name: 'a boolean that is not true or false',
    inputs: { force: 'yes' },
    error: `${P}Input 'force' must be true or false; got 'yes'.`
  },
  // A newcomer's mistakes.
  {
    name: 'a SOPS bundle passed through yq without sops -d',
    inputs: {
      'secrets-bundle': talhelperBundle()
        .text.replace(/^sops:[\s\S]*$/m, '')
        .trimEnd()
    },
    error: `${P}Input 'secrets-bundle' is still SOPS-encrypted (its values are ENC[...]) but has no 'sops' section to decrypt them with: a tool other than sops changed it. Decrypt it first ('sops -d file.sops.yaml'), or pass the file exactly as sops wrote it.`
  },
  {
    name: 'a talosconfig that is neither a talosconfig nor base64 of one',
    inputs: { talosconfig: 'kind: Secret\n' },
    error: `${P}Input 'talosconfig' is neither a talosconfig nor base64 of one (it has no 'contexts' mapping). A secret may hold the file as talosctl wrote it, or its base64 (base64 < talosconfig | tr -d '\\n').`
  },
  // The talosconfig.
  {
    name: 'a talosconfig that is not YAML',
    inputs: { talosconfig: `context: prod\ncontexts: {prod: {key: ${b64(client.keyPem)}\n` },
    error: /^::error::Input 'talosconfig' is not valid YAML at line \d+, column \d+ \(.+\)\.$/
  },
  {
    name: 'a crt that is not a certificate',
    inputs: { talosconfig: talosconfig.replace(b64(client.crtPem), b64(client.keyPem)) },
    error: `${P}contexts.prod.crt in input 'talosconfig' is not a PEM certificate.`
  },
  {
    name: 'a context that does not exist',
    inputs: { context: 'staging' },
    error: `${P}Context 'staging' does not exist in input 'talosconfig' (contexts: 'prod'). Set 'context' to one of them.`
  },
  {
    name: 'a talosconfig with no contexts',
    inputs: { talosconfig: 'context: ""\ncontexts: {}\n' },
    error: `${P}Input 'talosconfig' holds no contexts. Pass a talosconfig made by talosctl (with its contexts), or leave the input empty to make a first one from 'context' and 'endpoints' with 'secrets-bundle' or 'machine-config'.`
  },
  // Durations Go cannot hold, and an API URL that would carry the token in clear text.
  {
    name: 'a lifetime past what a Go duration holds',
    inputs: { ttl: '9999999999d' },
    error: `${P}Input 'ttl' is longer than a Go duration can be (about 292 years), as talosctl would refuse it; got '9999999999d'.`
  },
  {
    name: 'an API URL in clear text to a host that is not loopback',
    inputs: { 'github-api-url': 'http://ghe.example/api/v3' },
    error: `${P}Input 'github-api-url' must be an https URL (it got http for a host that is not loopback): the token would travel in clear text. Give https://HOST/api/v3.`
  },
  {
    name: 'an API URL in clear text to a name that only starts like a loopback address',
    inputs: { 'github-api-url': 'http://127.0.0.1.nip.io/api/v3' },
    error: `${P}Input 'github-api-url' must be an https URL (it got http for a host that is not loopback): the token would travel in clear text. Give https://HOST/api/v3.`
  },
  {
    name: 'an API URL that is not absolute',
    inputs: { 'github-api-url': 'ghe.example/api/v3' },
    error: `${P}Input 'github-api-url' is not an absolute URL; give the API's https URL, such as https://api.github.com or https://HOST/api/v3.`
  },
  {
    name: 'an API URL of another scheme',
    inputs: { 'github-api-url': 'ftp://ghe.example/' },
    error: /^::error::Input 'github-api-url' must be an https URL \(it got ftp for a host/
  },
  // The runner's older command form, `##[cmd]data`, anywhere in a line, and the newer one.
  {
    name: 'an endpoint that carries ##[stop-commands]',
    inputs: { endpoints: 'cp1/##[stop-commands]t' },
    error: `${P}Input 'endpoints' has 'cp1/#%23[stop-commands]t', which is not host[:port]: give addresses such as 10.5.0.2, cp1.example.com:50000 or [fd00::1]:50000, separated by commas or newlines.`
  },
  {
    name: 'a node that carries ::stop-commands::',
    inputs: { nodes: 'cp1 ::stop-commands::t' },
    error: `${P}Input 'nodes' has 'cp1 ::stop-commands::t', which is not host[:port]: give addresses such as 10.5.0.2, cp1.example.com:50000 or [fd00::1]:50000, separated by commas or newlines.`
  },
  {
    name: 'a talosconfig endpoint that carries ##[add-mask]',
    inputs: {
      talosconfig: talosconfigYaml('prod', {
        prod: { endpoints: ['cp1/##[add-mask]x'], caPem: cluster.caCrtPem, client }
      })
    },
    error: `${P}contexts.prod.endpoints in input 'talosconfig' has 'cp1/#%23[add-mask]x', which is not host[:port]. Correct the talosconfig, or give the 'endpoints' input to replace them.`
  },
  {
    name: 'a context name that carries ##[stop-commands]',
    inputs: { context: 'staging ##[stop-commands]t' },
    error: `${P}Context 'staging #%23[stop-commands]t' does not exist in input 'talosconfig' (contexts: 'prod'). Set 'context' to one of them.`
  },
  // Keys for encrypted sources.
  {
    name: 'an age key that is not one',
    inputs: { 'age-key': 'AGE-SECRET-KEY-1-not-a-key' },
    error: `${P}Input 'age-key': identity 1 (line 1) is not a valid age identity: it is not an age identity (those start AGE-SECRET-KEY-1 and are upper case). It may hold identities (AGE-SECRET-KEY-1...), comment lines and blank lines only; copy the key again from its file.`
  },
  {
    name: 'a SOPS bundle without its key',
    inputs: { 'secrets-bundle': talhelperBundle().text },
    error: `${P}The SOPS data key in input 'secrets-bundle' is age-encrypted, but no key was given: set the 'age-key' input (or the SOPS_AGE_KEY environment variable) to an age identity, or 'age-passphrase'.`
  }
]

for (const runtime of RUNTIMES) {
  describe(`hostile and broken input (${runtime.name})`, () => {
    let github: GitHubStandIn
    before(async () => (github = await startGitHubStandIn()))
    after(() => github.close())

    for (const c of cases) {
      it(c.name, async () => {
        github.requests.length = 0
        const started = Date.now()
        const run = await runAction(
          {
            'secrets-bundle': cluster.bundleYaml,
            talosconfig,
            'github-token': github.token,
            'github-api-url': github.url,
            repository: 'acme/cluster-ops',
            ...c.inputs
          },
          { node: runtime.node }
        )
        const elapsed = Date.now() - started
        assert.equal(run.code, 1, visibleLog(run))
        const errors = errorLines(run)
        assert.equal(errors.length, 1, errors.join('\n'))
        if (typeof c.error === 'string') assert.equal(errors[0], c.error)
        else assert.match(errors[0] as string, c.error)
        assert.deepEqual(github.requests, [], 'nothing was sent to GitHub')
        const shown = visibleLog(run) + run.summary
        for (const secret of secrets) assert.ok(!shown.includes(secret), 'key material in the output')
        // As the runner reads it: only the action's own commands, and no key readable.
        const runner = readAsRunner(run.stdout + '\n' + run.stderr)
        assert.deepEqual(
          runner.commands.filter(({ command }) => !ACTION_COMMANDS.includes(command)),
          [],
          'a command from quoted text'
        )
        for (const secret of secrets) assert.ok(!runner.shown.join('\n').includes(secret), 'key readable')
        assert.doesNotMatch(shown, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace')
        assert.ok(elapsed < 1000, `${elapsed} ms`)
      })
    }

    it('shows the stack only with RUNNER_DEBUG, and still no key material', async () => {
      const run = await runAction(
        {
          'secrets-bundle': withOs({ crt: bundle.certs.os.crt, key: b64(other.caKeyPem) }),
          talosconfig,
          'github-token': github.token,
          repository: 'acme/cluster-ops'
        },
        { node: runtime.node, env: { RUNNER_DEBUG: '1' } }
      )
      assert.equal(run.code, 1)
      assert.match(run.stdout, /^::debug:: {4}at .+%0A {4}at /m)
      for (const secret of secrets) assert.ok(!visibleLog(run).includes(secret))
    })
  })
}

// Scenario: the CA comes from an encrypted bundle (SOPS with age, or an age file) or from a
// controlplane machine configuration; tampered or wrongly keyed sources are refused before
// anything is sent.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { parse } from 'yaml'
import { readIdentities } from '../../src/sources/age.js'
import { openInput } from '../../src/sources/open.js'
import { ageEncrypt, ageEncryptWithPassphrase, ageKeygen } from '../support/age-cli.js'
import { makeCluster } from '../support/cluster.js'
import { talhelperBundle } from '../support/fixtures.js'
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.js'
import { opensslVerifyClient } from '../support/judge.js'
import { errorLines, RUNTIMES, runAction, visibleLog, type ActionRun } from '../support/run-action.js'

const talhelper = talhelperBundle()
const talhelperCa = async () => {
  const opened = await openInput(talhelper.text, 'secrets-bundle', {
    identities: readIdentities(talhelper.ageKey),
    passphrase: undefined,
    identitiesFrom: 'test'
  })
  const bundle = opened.docs[0]?.toJS()
  return { crtPem: Buffer.from(bundle.certs.os.crt, 'base64').toString(), keyB64: bundle.certs.os.key as string }
}
const cluster = makeCluster()
const identity = ageKeygen()

for (const runtime of RUNTIMES) {
  describe(`encrypted and alternative CA sources (${runtime.name})`, () => {
    let github: GitHubStandIn
    before(async () => (github = await startGitHubStandIn()))
    after(() => github.close())
    const firstTalosconfig = (source: Record<string, string>, env: Record<string, string> = {}) =>
      runAction(
        {
          ...source,
          context: 'home',
          endpoints: '127.0.0.1:9',
          'github-token': github.token,
          'github-api-url': github.url,
          repository: 'acme/cluster-ops'
        },
        { node: runtime.node, env }
      )
    const storedCa = () =>
      Buffer.from(
        parse(github.secrets.get('acme/cluster-ops/TALOSCONFIG')?.value ?? '').contexts.home.ca,
        'base64'
      ).toString()
    const storedCrt = () =>
      Buffer.from(
        parse(github.secrets.get('acme/cluster-ops/TALOSCONFIG')?.value ?? '').contexts.home.crt,
        'base64'
      ).toString()
    const renewed = (run: ActionRun, caPem: string) => {
      assert.equal(run.code, 0, visibleLog(run))
      assert.equal(storedCa(), caPem)
      assert.ok(opensslVerifyClient(caPem, storedCrt()).ok)
    }
    const refused = (run: ActionRun, error: string) => {
      assert.equal(run.code, 1)
      assert.deepEqual(errorLines(run), [`::error::${error}`])
      assert.deepEqual(github.requests, [])
    }
    const reset = () => {
      github.requests.length = 0
      github.secrets.clear()
    }

    it("renews from talhelper's real SOPS bundle, with age-key or SOPS_AGE_KEY", async () => {
      reset()
      const ca = await talhelperCa()
      const run = await firstTalosconfig({ 'secrets-bundle': talhelper.text, 'age-key': talhelper.ageKey })
      renewed(run, ca.crtPem)
      assert.match(visibleLog(run), /Read the CA source from input 'secrets-bundle' \(SOPS\)\./)
      assert.ok(!visibleLog(run).includes(ca.keyB64), 'the decrypted CA key never reaches the log')
      assert.ok(run.stdout.includes(`::add-mask::${ca.keyB64}`), 'the decrypted CA key is masked')
      reset()
      renewed(
        await firstTalosconfig({ 'secrets-bundle': talhelper.text }, { SOPS_AGE_KEY: talhelper.ageKey }),
        ca.crtPem
      )
    })

    it('refuses every tampered copy of the SOPS bundle, and a wrong key, sending nothing', async () => {
      reset()
      const lines = talhelper.text.split('\n')
      const line = (start: string) => lines.find((l) => l.startsWith(start)) as string
      const value = (l: string) => l.slice(l.indexOf(': ') + 2)
      const mac = line('    mac: ')
      const [token, secret] = [line('    token: '), line('    secret: ')]
      const tampered: Array<[string, string]> = [
        [talhelper.text.replace(`${token}\n`, ''), 'does not match its MAC: it was altered after sops wrote it'],
        [
          talhelper.text.replace(value(token), value(secret)),
          'has a value at trustdinfo.token that does not decrypt under its path (altered or moved)'
        ],
        // Two values swapped between keys: each is bound to its own path.
        [
          talhelper.text
            .replace(token, '@@')
            .replace(secret, token.replace('token', 'secret'))
            .replace('@@', secret.replace('secret', 'token')),
          'has a value at cluster.secret that does not decrypt under its path (altered or moved)'
        ],
        [talhelper.text.replace(`${mac}\n`, ''), 'has no MAC'],
        [
          talhelper.text.replace(
            mac,
            mac.replace(/data:(.)/, (_, c: string) => `data:${c === 'A' ? 'B' : 'A'}`)
          ),
          'has a MAC that does not open with its lastmodified date (altered)'
        ],
        [
          talhelper.text.replace(/lastmodified: "(\d{4})/, (_, year: string) => `lastmodified: "${Number(year) + 1}`),
          'has a MAC that does not open with its lastmodified date (altered)'
        ]
      ]
      for (const [text, why] of tampered) {
        assert.notEqual(text, talhelper.text)
        refused(
          await firstTalosconfig({ 'secrets-bundle': text, 'age-key': talhelper.ageKey }),
          `Input 'secrets-bundle' is a SOPS file that ${why}; nothing from it is used.`
        )
        assert.equal(github.secrets.size, 0)
      }
      refused(
        await firstTalosconfig({ 'secrets-bundle': talhelper.text, 'age-key': identity.keyFile }),
        "The SOPS data key in input 'secrets-bundle' could not be decrypted: none of the identities in input 'age-key' opens it; check that it was encrypted to your key."
      )
    })

    it('renews from age files made by the age CLI: armored, binary in base64, passphrase', async () => {
      const sources: Array<Record<string, string>> = [
        {
          'secrets-bundle': ageEncrypt(cluster.bundleYaml, identity.recipient, true).toString('utf8'),
          'age-key': identity.keyFile
        },
        {
          'secrets-bundle': ageEncrypt(cluster.bundleYaml, identity.recipient, false).toString('base64'),
          'age-key': identity.keyFile
        },
        {
          'secrets-bundle': ageEncryptWithPassphrase(cluster.bundleYaml, 'hunter2 hunter2').toString('utf8'),
          'age-passphrase': 'hunter2 hunter2'
        }
      ]
      for (const source of sources) {
        reset()
        const run = await firstTalosconfig(source)
        renewed(run, cluster.caCrtPem)
        assert.match(visibleLog(run), /\(age\)\./)
      }
    })

    it('renews from a controlplane machine configuration, and refuses a worker one', async () => {
      reset()
      const run = await firstTalosconfig({
        'machine-config': Buffer.from(cluster.machineConfigYaml('controlplane', true)).toString('base64')
      })
      renewed(run, cluster.caCrtPem)
      assert.match(visibleLog(run), /Read the CA source from input 'machine-config' \(YAML\)\./)
      reset()
      refused(
        await firstTalosconfig({ 'machine-config': cluster.machineConfigYaml('worker') }),
        "Input 'machine-config' is a worker configuration: its machine.ca.key is empty. Only a controlplane configuration carries the Talos API CA key; pass controlplane.yaml."
      )
      refused(
        await firstTalosconfig({
          'machine-config': cluster.machineConfigYaml('controlplane'),
          'secrets-bundle': cluster.bundleYaml
        }),
        "Inputs 'secrets-bundle' and 'machine-config' are both set; give one of them, the CA is read from just one source."
      )
    })
  })
}

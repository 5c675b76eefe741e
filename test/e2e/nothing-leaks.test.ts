// Nothing a person reads may leak or mislead. Each failure below is run the way the runner
// runs the action, with an issue to open, and everything a person can read afterwards (the log
// as the runner shows it, the annotations, the outputs, the summary, the issue's title, body and
// comments) is searched for what must never be there: a masked value, twenty characters of any
// key, an endpoint, node or server of the run, an address or a URL a node or a library sent,
// "Unexpected failure", and a summary of a mebibyte or more.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import * as grpc from '@grpc/grpc-js'
import { ageEncrypt, ageKeygen } from '../support/age-cli.js'
import { startApid, type ApidOptions, type ApidStandIn } from '../support/apid-standin.js'
import { daysFromNow, makeCluster, talosconfigYaml } from '../support/cluster.js'
import { talhelperBundle } from '../support/fixtures.js'
import { startGitHubStandIn, type Fault, type GitHubStandIn } from '../support/github-standin.js'
import { maskedValues, RUNTIMES, runAction, type ActionRun } from '../support/run-action.js'
import { readAsRunner } from '../support/runner-log.js'
import { keyLines } from '../support/scenario.js'

const WORKFLOW_TOKEN = 'ghs_workflow_token_for_issues_0123456789'
const cluster = makeCluster()
const other = makeCluster()
const identity = ageKeygen()
const stranger = ageKeygen()
const secretKey = (keyFile: string) => keyFile.trim().split('\n').at(-1) as string
/** One character of the key changed: the bech32 checksum tells, and so would a leaked message. */
const mistyped = (key: string) => `${key.slice(0, 30)}${key[30] === 'Q' ? 'P' : 'Q'}${key.slice(31)}`
const ageBundle = ageEncrypt(cluster.bundleYaml, identity.recipient, true).toString('utf8')
const talhelper = talhelperBundle()
/** A value of the SOPS file changed by one character: its MAC no longer matches. */
const tamperedSops = talhelper.text.replace(
  /(ENC\[AES256_GCM,data:)(.)/,
  (_, head, c) => `${head}${c === 'A' ? 'B' : 'A'}`
)
/** What a hostile node says: links and addresses a person would follow or learn from. */
const HOSTILE =
  'see https://evil.example/login or evil.example/x, dial 10.20.30.40:50000 and [fd00::7]:50000 on cp-7.lab.internal'
const HUGE_HOSTNAME = `${'cp-7.lab.internal '.repeat(170_000)}`

interface Case {
  name: string
  inputs?: Record<string, string>
  env?: Record<string, string>
  apid?: ApidOptions
  fault?: Fault
  daysLeft?: number
  /** The break-glass output this failure must give; empty when the inputs are refused before anything runs. */
  breakGlass: string
  /** A run that succeeds, however odd what it was told: it opens no issue. */
  passes?: boolean
}

const cases: Case[] = [
  {
    name: 'a mistyped age key in the input',
    inputs: { 'secrets-bundle': ageBundle, 'age-key': mistyped(secretKey(identity.keyFile)) },
    breakGlass: ''
  },
  {
    name: 'a mistyped age key in SOPS_AGE_KEY',
    inputs: { 'secrets-bundle': ageBundle },
    env: { SOPS_AGE_KEY: `${secretKey(stranger.keyFile)}\n${mistyped(secretKey(identity.keyFile))}` },
    breakGlass: ''
  },
  {
    name: 'the wrong age key',
    inputs: { 'secrets-bundle': ageBundle, 'age-key': stranger.keyFile },
    breakGlass: 'broken'
  },
  {
    name: 'a SOPS bundle altered by one character',
    inputs: { 'secrets-bundle': tamperedSops, 'age-key': talhelper.ageKey },
    breakGlass: 'broken'
  },
  {
    name: "a hostile node's error text, with links and addresses",
    apid: { refuse: { code: grpc.status.FAILED_PRECONDITION, details: HOSTILE } },
    daysLeft: 5,
    breakGlass: 'proven'
  },
  {
    name: 'a node that answers Version with a 3 MB hostname',
    apid: { versionAnswer: { hostname: HUGE_HOSTNAME, tag: HOSTILE } },
    breakGlass: 'proven',
    passes: true
  },
  {
    name: 'a stale bundle: the cluster rotated its CA',
    apid: { clientCa: other },
    breakGlass: 'broken'
  },
  {
    name: 'GitHub refuses the write (403)',
    fault: { method: 'PUT', status: 403, message: 'Resource not accessible by integration' },
    daysLeft: 5,
    breakGlass: 'proven'
  }
]

/** Every secret of the run's inputs: no twenty characters of any may be read anywhere. */
const keys = [
  ...keyLines(cluster.caKeyPem),
  ...keyLines(cluster.k8sCaKeyPem),
  secretKey(identity.keyFile),
  secretKey(stranger.keyFile),
  secretKey(talhelper.ageKey)
]
const pieces = (text: string): string[] =>
  Array.from({ length: Math.max(0, text.length - 19) }, (_, i) => text.slice(i, i + 20))

for (const runtime of RUNTIMES) {
  describe(`nothing a person reads leaks or misleads (${runtime.name})`, () => {
    let github: GitHubStandIn
    before(async () => {
      github = await startGitHubStandIn({ workflowToken: WORKFLOW_TOKEN })
    })
    after(() => github.close())

    for (const scenario of cases) {
      it(scenario.name, async () => {
        const apid: ApidStandIn = await startApid(cluster, scenario.apid)
        const faulty =
          scenario.fault && (await startGitHubStandIn({ workflowToken: WORKFLOW_TOKEN, fault: scenario.fault }))
        const hub = faulty ?? github
        hub.issues.length = 0
        try {
          const client = cluster.clientCertificate({
            notBefore: daysFromNow((scenario.daysLeft ?? 200) - 365),
            notAfter: daysFromNow(scenario.daysLeft ?? 200)
          })
          const talosconfig = talosconfigYaml('prod', {
            prod: { endpoints: [apid.endpoint], nodes: [apid.endpoint], caPem: cluster.caCrtPem, client }
          })
          const run = await runAction(
            {
              'secrets-bundle': cluster.bundleYaml,
              talosconfig,
              'github-token': hub.token,
              'github-api-url': hub.url,
              repository: 'acme/cluster-ops',
              'open-issue': 'true',
              'workflow-token': WORKFLOW_TOKEN,
              ...scenario.inputs
            },
            { node: runtime.node, env: { GITHUB_EVENT_NAME: 'schedule', ...scenario.env }, timeoutMs: 60_000 }
          )
          assert.equal(run.code, scenario.passes ? 0 : 1, readAsRunner(run.stdout).shown.join('\n').slice(0, 2000))
          if (scenario.breakGlass) assert.equal(run.outputs['break-glass'], scenario.breakGlass)
          assertNothingLeaks(run, hub, [apid.endpoint, '127.0.0.1', String(apid.endpoint.split(':')[1])])
          // A refused input stops the run before it knows where an issue would go; the rest open one.
          assert.equal(hub.issues.length, scenario.breakGlass && !scenario.passes ? 1 : 0)
        } finally {
          await apid.close()
          await faulty?.close()
        }
      })
    }
  })
}

function assertNothingLeaks(run: ActionRun, github: GitHubStandIn, addresses: string[]): void {
  const issueTexts = github.issues.flatMap((issue) => [issue.title, issue.body, ...issue.comments])
  const log = readAsRunner(run.stdout + run.stderr).shown.join('\n')
  const read: Record<string, string> = {
    log,
    summary: run.summary,
    outputs: JSON.stringify(run.outputs),
    issue: issueTexts.join('\n')
  }
  assert.ok(Buffer.byteLength(run.summary) < 1024 * 1024, `a summary of ${Buffer.byteLength(run.summary)} bytes`)
  assert.ok(Buffer.byteLength(read.outputs as string) < 64 * 1024, 'outputs of a few KiB at most')
  for (const [where, text] of Object.entries(read)) {
    assert.doesNotMatch(text, /Unexpected failure/, where)
    for (const value of maskedValues(run).filter((value) => value.length >= 8))
      assert.ok(!text.includes(value), `${where} shows a masked value`)
    for (const key of keys) for (const piece of pieces(key)) assert.ok(!text.includes(piece), `${where} shows a key`)
    for (const address of [...addresses.slice(0, 2), 'evil.example', '10.20.30.40', 'fd00::7', 'cp-7.lab.internal'])
      assert.ok(!text.includes(address), `${where} shows ${address}`)
    assert.ok(!text.includes(`:${addresses[2]}`), `${where} shows the node's port`)
    assert.doesNotMatch(text, /https?:\/\//, `${where} shows a URL`)
  }
}

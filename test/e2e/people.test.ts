// Scenario: access for people. Beside the pipeline's credentials, every person listed in
// 'people' keeps a talosconfig of their own, issued through the cluster's Talos API (the apid
// stand-in records the roles it was asked for and every certificate shown to Version), and
// encrypted with age to their own key in an Actions variable (the GitHub stand-in checks every
// request against GitHub's OpenAPI description). The real age CLI opens each variable with
// its person's identity and no other's; openssl verifies each certificate against the CA. The
// scenario goes on run after run: first issue, a run that rewrites nobody, a new key, a person
// asking for theirs, a stranger asking, a person leaving, and GitHub's size limit.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createPrivateKey, X509Certificate } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parse } from 'yaml'
import { ageKeygen, type AgeIdentity } from '../support/age-cli.js'
import { startApid, type ApidStandIn } from '../support/apid-standin.js'
import { daysFromNow, makeCluster, talosconfigYaml } from '../support/cluster.js'
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.js'
import { opensslVerifyClient, standardKeyPem } from '../support/judge.js'
import { errorLines, maskedValues, RUNTIMES, runAction, visibleLog, type ActionRun } from '../support/run-action.js'
import { readAsRunner } from '../support/runner-log.js'
import { keyLines } from '../support/scenario.js'

const cluster = makeCluster()
const WORKFLOW_TOKEN = 'ghs_workflow_token_for_issues_0123456789'
const REPO = 'acme/cluster-ops'
const ARMOR = '-----BEGIN AGE ENCRYPTED FILE-----'
const secretKey = (identity: AgeIdentity) => identity.keyFile.trim().split('\n').at(-1) as string
const day = (date: Date) => date.toISOString().slice(0, 10)

/** A talosconfig for the pipeline whose os:admin certificate has `daysLeft` days. */
const pipelineTalosconfig = (endpoint: string, daysLeft = 200) =>
  talosconfigYaml('prod', {
    prod: {
      endpoints: [endpoint],
      nodes: [endpoint],
      caPem: cluster.caCrtPem,
      client: cluster.clientCertificate({ notBefore: daysFromNow(daysLeft - 365), notAfter: daysFromNow(daysLeft) })
    }
  })

/** The age CLI, as a person runs it: `age -d -i key.txt`, on the variable as `gh variable get` prints it. */
function openWith(value: string, identity: AgeIdentity): { ok: boolean; text: string } {
  const dir = mkdtempSync(join(tmpdir(), 'person-'))
  writeFileSync(join(dir, 'key.txt'), identity.keyFile, { mode: 0o600 })
  try {
    const text = execFileSync('age', ['-d', '-i', join(dir, 'key.txt')], {
      input: `${value}\n`,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe']
    })
    return { ok: true, text }
  } catch (error) {
    return { ok: false, text: String((error as { stderr?: string }).stderr ?? '') }
  }
}

interface Opened {
  context: string
  endpoints: string[]
  nodes: string[]
  caPem: string
  crtPem: string
  keyPem: string
}

function personalTalosconfig(text: string): Opened {
  const file = parse(text) as { context: string; contexts: Record<string, Record<string, unknown>> }
  const context = file.contexts[file.context] as Record<string, unknown>
  const pem = (field: string) => Buffer.from(String(context[field]), 'base64').toString()
  return {
    context: file.context,
    endpoints: context.endpoints as string[],
    nodes: context.nodes as string[],
    caPem: pem('ca'),
    crtPem: pem('crt'),
    keyPem: pem('key')
  }
}

interface Entry {
  kind: string
  login: string
  variable: string
  roles: string[]
  status: string
  'expires-at': string | null
  written: boolean
}
const people = (run: ActionRun): Entry[] =>
  (JSON.parse(run.outputs.report ?? '[]') as Entry[]).filter(({ kind }) => kind === 'person')
const statuses = (run: ActionRun) => Object.fromEntries(people(run).map(({ login, status }) => [login, status]))

for (const runtime of RUNTIMES) {
  describe(`access for people (${runtime.name})`, () => {
    let apid: ApidStandIn
    let github: GitHubStandIn
    const alice = ageKeygen()
    const bob = ageKeygen()
    const carol = ageKeygen()
    const dave = ageKeygen()
    const mallory = ageKeygen()
    let aliceNow = alice
    /** Every private key a personal talosconfig held, and every person's age key: never shown. */
    const secrets: string[] = [alice, bob, carol, dave, mallory].map(secretKey)
    const list = (who = aliceNow) =>
      [
        '# login  recipient  roles',
        `alice ${who.recipient} os:admin`,
        `bob ${bob.recipient} os:operator,os:etcd:backup`,
        '',
        `carol ${carol.recipient}   # os:reader when none is given`,
        `dave ${dave.recipient} os:etcd:backup`
      ].join('\n')

    before(async () => {
      apid = await startApid(cluster)
      // 35 variables of others: the listing needs two pages of 30; TALOSCONFIG_PUBLIC is nobody's.
      const others = Object.fromEntries(
        Array.from({ length: 34 }, (_, index) => [`${REPO}/OTHER_${String(index).padStart(2, '0')}`, 'x'])
      )
      github = await startGitHubStandIn({
        workflowToken: WORKFLOW_TOKEN,
        environments: ['talos-renewal'],
        variables: { ...others, [`${REPO}/TALOSCONFIG_PUBLIC`]: 'context: prod\n' }
      })
    })
    after(async () => {
      await apid.close()
      await github.close()
    })

    const act = async (inputs: Record<string, string>, env: Record<string, string> = {}, standIn = github) => {
      apid.calls.length = 0
      apid.versionCalls.length = 0
      apid.versionRoles.length = 0
      standIn.requests.length = 0
      const run = await runAction(
        {
          talosconfig: pipelineTalosconfig(apid.endpoint),
          'github-token': standIn.token,
          'github-api-url': standIn.url,
          repository: REPO,
          // The drill is break-glass.test.ts's; here it would only add a Version call per run.
          'break-glass-drill': 'never',
          people: list(),
          ...inputs
        },
        { node: runtime.node, env: { GITHUB_EVENT_NAME: 'schedule', ...env }, timeoutMs: 60_000 }
      )
      assert.deepEqual(standIn.violations, [], 'every request is one GitHub takes')
      assert.deepEqual(run.refused, [], 'nothing left loopback')
      assertNothingLeaks(run, standIn)
      return run
    }
    /** What a person can read after a run: the log as the runner shows it, the summary, the outputs, the variables, the issues. */
    const assertNothingLeaks = (run: ActionRun, standIn = github) => {
      const shown = [
        readAsRunner(run.stdout + run.stderr).shown.join('\n'),
        run.summary,
        JSON.stringify(run.outputs),
        JSON.stringify([...standIn.variables.values()]),
        JSON.stringify(standIn.issues)
      ].join('\n')
      for (const secret of secrets) assert.ok(!shown.includes(secret), 'a personal key or an age identity is shown')
      for (const value of maskedValues(run).filter((masked) => masked.length > 20))
        assert.ok(!shown.includes(value), 'a masked value is shown')
    }
    const variable = (name: string, scope = `${REPO}/`) => github.variables.get(`${scope}${name}`) ?? ''
    const writes = () =>
      github.requests
        .filter(({ method }) => method !== 'GET')
        .map(
          ({ method, path, body }) =>
            `${method} ${path}${(body as { name?: string })?.name ? ` ${(body as { name: string }).name}` : ''}`
        )
    /** Opens a person's variable with their identity, checks it, and records its key as a secret. */
    const opened = (name: string, identity: AgeIdentity, roles: string[]) => {
      const value = variable(name)
      assert.ok(value.startsWith(ARMOR), `${name} holds an armored age file from its first byte`)
      const result = openWith(value, identity)
      assert.ok(result.ok, result.text)
      const file = personalTalosconfig(result.text)
      secrets.push(...keyLines(file.keyPem), Buffer.from(file.keyPem).toString('base64'))
      assert.equal(file.context, 'prod')
      assert.deepEqual([file.endpoints, file.nodes], [[apid.endpoint], [apid.endpoint]])
      assert.equal(file.caPem, cluster.caCrtPem, 'the CA the pipeline trusts')
      const certificate = new X509Certificate(file.crtPem)
      assert.equal(
        certificate.subject,
        roles.map((role) => `O=${role}`).join(' + '),
        'O per role, in one RDN as Go writes them; no CN'
      )
      assert.ok(opensslVerifyClient(cluster.caCrtPem, file.crtPem).ok, 'chains to the cluster CA')
      assert.ok(certificate.checkPrivateKey(createPrivateKey(standardKeyPem(file.keyPem))), 'the key is its key')
      return { file, certificate }
    }

    it('issues everyone a talosconfig of their own through the Talos API, that only their key opens', async () => {
      const run = await act({})
      assert.equal(run.code, 0, visibleLog(run))
      assert.deepEqual(errorLines(run), [])
      // The node was asked for each person's roles, for people-ttl, by the pipeline's os:admin certificate.
      assert.deepEqual(
        apid.calls.map(({ roles, crtTtlSeconds, callerRoles }) => [roles, crtTtlSeconds, callerRoles]),
        [
          [['os:admin'], 720 * 3600, ['os:admin']],
          [['os:etcd:backup', 'os:operator'], 720 * 3600, ['os:admin']],
          [['os:reader'], 720 * 3600, ['os:admin']],
          [['os:etcd:backup'], 720 * 3600, ['os:admin']]
        ]
      )
      assert.deepEqual(github.secrets.size, 0, 'the pipeline was not due: no secret written')
      const roles: Record<string, [AgeIdentity, string[]]> = {
        ALICE: [alice, ['os:admin']],
        BOB: [bob, ['os:etcd:backup', 'os:operator']],
        CAROL: [carol, ['os:reader']],
        DAVE: [dave, ['os:etcd:backup']]
      }
      for (const [login, [identity, expected]] of Object.entries(roles)) {
        const { file, certificate } = opened(`TALOSCONFIG_${login}`, identity, expected)
        // The proof: apid accepted it over mutual TLS and read its roles (an etcd:backup
        // certificate is refused Version, which proves it was accepted).
        assert.ok(apid.versionCalls.includes(file.crtPem), `apid saw ${login}'s certificate`)
        const lifetime = new Date(certificate.validTo).getTime() - Date.now()
        assert.ok(Math.abs(lifetime - 720 * 3_600_000) < 10 * 60_000, 'people-ttl: 30 days')
        for (const [other, [stranger]] of Object.entries(roles))
          if (other !== login)
            assert.ok(!openWith(variable(`TALOSCONFIG_${login}`), stranger).ok, `${other} opens ${login}'s`)
        assert.ok(!openWith(variable(`TALOSCONFIG_${login}`), mallory).ok)
      }
      assert.deepEqual(apid.versionRoles, [
        ['os:admin'],
        ['os:etcd:backup', 'os:operator'],
        ['os:reader'],
        ['os:etcd:backup']
      ])
      assert.match(visibleLog(run), /For dave: Proved .+ accepted the certificate and refused Version to its roles/)
      // Listed page by page (35 others, the public copy), then written: the four people, then the record.
      assert.deepEqual(
        github.requests.filter(({ method }) => method === 'GET').map(({ path, query }) => `${path}?${query}`),
        [`/repos/${REPO}/actions/variables?per_page=30&page=1`, `/repos/${REPO}/actions/variables?per_page=30&page=2`]
      )
      assert.deepEqual(writes(), [
        `POST /repos/${REPO}/actions/variables TALOSCONFIG_ALICE`,
        `POST /repos/${REPO}/actions/variables TALOSCONFIG_BOB`,
        `POST /repos/${REPO}/actions/variables TALOSCONFIG_CAROL`,
        `POST /repos/${REPO}/actions/variables TALOSCONFIG_DAVE`,
        `POST /repos/${REPO}/actions/variables TALOSCONFIG__PEOPLE`
      ])
      // The record: logins, variables, roles, dates and fingerprints, never a recipient or a key.
      const record = JSON.parse(variable('TALOSCONFIG__PEOPLE'))
      assert.equal(record.format, 'talos-client-cert-renewal/people/v1')
      assert.deepEqual(
        record.people.map(({ login, variable: name, roles: held }: Record<string, unknown>) => [login, name, held]),
        [
          ['alice', 'TALOSCONFIG_ALICE', ['os:admin']],
          ['bob', 'TALOSCONFIG_BOB', ['os:etcd:backup', 'os:operator']],
          ['carol', 'TALOSCONFIG_CAROL', ['os:reader']],
          ['dave', 'TALOSCONFIG_DAVE', ['os:etcd:backup']]
        ]
      )
      for (const identity of [alice, bob, carol, dave])
        assert.ok(!variable('TALOSCONFIG__PEOPLE').includes(identity.recipient), 'no recipient in clear')
      assert.deepEqual(statuses(run), { alice: 'issued', bob: 'issued', carol: 'issued', dave: 'issued' })
      assert.ok(people(run).every(({ written, 'expires-at': expires }) => written && expires))
      assert.match(run.summary, /### Access for people\n/)
      assert.match(
        run.summary,
        /\| ✅ \| `alice` \| `os:admin` \| \d{4}-\d\d-\d\d \| issued \(no personal talosconfig yet\) through the Talos API, proven; written to `TALOSCONFIG_ALICE` \|/
      )
      assert.equal(variable('TALOSCONFIG_PUBLIC'), 'context: prod\n', "nobody's variable is untouched")
      assertNothingLeaks(run)
    })

    it('a second run rewrites nobody', async () => {
      const before = new Map(github.variables)
      const run = await act({})
      assert.equal(run.code, 0, visibleLog(run))
      assert.deepEqual(writes(), [])
      assert.deepEqual(apid.calls, [])
      assert.deepEqual(github.variables, before)
      assert.deepEqual(statuses(run), { alice: 'kept', bob: 'kept', carol: 'kept', dave: 'kept' })
      assert.match(visibleLog(run), /Kept the personal talosconfig of alice: 29 days left\./)
    })

    it('a new age key re-issues that person only: the old key opens nothing new', async () => {
      aliceNow = ageKeygen()
      secrets.push(secretKey(aliceNow))
      const run = await act({})
      assert.equal(run.code, 0, visibleLog(run))
      assert.deepEqual(writes(), [
        `PATCH /repos/${REPO}/actions/variables/TALOSCONFIG_ALICE`,
        `PATCH /repos/${REPO}/actions/variables/TALOSCONFIG__PEOPLE`
      ])
      assert.deepEqual(
        apid.calls.map(({ roles }) => roles),
        [['os:admin']]
      )
      assert.deepEqual(statuses(run), { alice: 'issued', bob: 'kept', carol: 'kept', dave: 'kept' })
      opened('TALOSCONFIG_ALICE', aliceNow, ['os:admin'])
      assert.ok(!openWith(variable('TALOSCONFIG_ALICE'), alice).ok, 'the old key opens nothing')
      assertNothingLeaks(run)
      assert.match(visibleLog(run), /Issued the personal talosconfig of alice \(the age recipient changed\)/)
    })

    it('a person asking on workflow_dispatch (people-only) gets a fresh one; no pipeline secret is touched', async () => {
      const due = pipelineTalosconfig(apid.endpoint, 5)
      const run = await act(
        { talosconfig: due, 'people-only': 'true', 'secrets-bundle': cluster.bundleYaml, 'break-glass-drill': 'auto' },
        { GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_ACTOR: 'Bob' }
      )
      assert.equal(run.code, 0, visibleLog(run))
      // The pipeline's certificate is due, and is only read: nothing renewed, drilled or sealed.
      assert.deepEqual(
        [run.outputs.renewed, run.outputs['secret-updated'], run.outputs['break-glass']],
        ['false', 'false', 'skipped']
      )
      assert.equal(github.secrets.size, 0)
      assert.ok(!github.requests.some(({ path }) => path.includes('/secrets')), 'no secret API call at all')
      assert.deepEqual(
        apid.calls.map(({ roles }) => roles),
        [['os:etcd:backup', 'os:operator']]
      )
      assert.deepEqual(writes(), [
        `PATCH /repos/${REPO}/actions/variables/TALOSCONFIG_BOB`,
        `PATCH /repos/${REPO}/actions/variables/TALOSCONFIG__PEOPLE`
      ])
      assert.deepEqual(statuses(run), { alice: 'untouched', bob: 'issued', carol: 'untouched', dave: 'untouched' })
      assert.match(visibleLog(run), /Issued the personal talosconfig of bob \(asked for by bob \(workflow_dispatch\)\)/)
      assert.match(
        run.summary,
        /^<sub>A check \(people-only, mode auto on workflow_dispatch: the pipeline's credentials are only read\) at /m
      )
      opened('TALOSCONFIG_BOB', bob, ['os:etcd:backup', 'os:operator'])
      assertNothingLeaks(run)
    })

    it('any workflow_dispatch run by a listed person issues them a fresh one, and attends to the others as usual', async () => {
      const run = await act({}, { GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_ACTOR: 'dave' })
      assert.equal(run.code, 0, visibleLog(run))
      assert.deepEqual(statuses(run), { alice: 'kept', bob: 'kept', carol: 'kept', dave: 'issued' })
      assert.deepEqual(
        apid.calls.map(({ roles }) => roles),
        [['os:etcd:backup']]
      )
      assert.equal(github.secrets.size, 0, 'the pipeline was not due')
      opened('TALOSCONFIG_DAVE', dave, ['os:etcd:backup'])
      assertNothingLeaks(run)
    })

    it('someone not listed asking gets nothing, and a notice says so', async () => {
      const before = new Map(github.variables)
      const run = await act(
        { 'people-only': 'true' },
        { GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_ACTOR: 'mallory' }
      )
      assert.equal(run.code, 0, visibleLog(run))
      assert.deepEqual([writes(), apid.calls, github.requests], [[], [], []], 'not even a read')
      assert.deepEqual(github.variables, before)
      assert.ok(
        visibleLog(run).includes(
          "::notice::mallory dispatched this run, but is not listed in 'people': no personal talosconfig was issued for them."
        )
      )
      assert.match(
        run.summary,
        /`mallory` dispatched this run but is not listed in `people`: nothing was issued for them\./
      )
    })

    it('a person no longer listed has their variable deleted, and the run says until when their certificate works', async () => {
      const record = JSON.parse(variable('TALOSCONFIG__PEOPLE'))
      const carolUntil = record.people.find(({ login }: { login: string }) => login === 'carol').notAfter as string
      const run = await act({ people: list().replace(/^carol .*$/m, '') })
      assert.equal(run.code, 0, visibleLog(run))
      assert.deepEqual(writes(), [
        `DELETE /repos/${REPO}/actions/variables/TALOSCONFIG_CAROL`,
        `PATCH /repos/${REPO}/actions/variables/TALOSCONFIG__PEOPLE`
      ])
      assert.ok(!github.variables.has(`${REPO}/TALOSCONFIG_CAROL`))
      assert.equal(variable('TALOSCONFIG_PUBLIC'), 'context: prod\n', 'never by prefix')
      assert.ok(
        visibleLog(run).includes(
          `::notice::carol is no longer listed: variable TALOSCONFIG_CAROL deleted; their last certificate stays valid until ${carolUntil}, as Talos cannot revoke a certificate.`
        ),
        visibleLog(run)
      )
      assert.equal(statuses(run).carol, 'removed')
      assert.equal(people(run).find(({ login }) => login === 'carol')?.['expires-at'], carolUntil)
      assert.match(
        run.summary,
        new RegExp(`\\| ➖ \\| \`carol\` \\| \`os:reader\` \\| ${day(new Date(carolUntil))} \\| removed: `)
      )
      assert.ok(
        !JSON.parse(variable('TALOSCONFIG__PEOPLE')).people.some(({ login }: { login: string }) => login === 'carol')
      )
    })

    it('an empty list deletes nothing, and sends nothing', async () => {
      const before = new Map(github.variables)
      const run = await act({ people: '# nobody for now\n' })
      assert.equal(run.code, 0, visibleLog(run))
      assert.deepEqual(github.requests, [])
      assert.deepEqual(github.variables, before)
      assert.doesNotMatch(run.summary, /Access for people/)
    })

    it('a bad line fails the run by its number before any request, never quoting a key', async () => {
      const mistyped = `${bob.recipient.slice(0, 20)}${bob.recipient[20] === 'q' ? 'p' : 'q'}${bob.recipient.slice(21)}`
      const before = new Map(github.variables)
      const run = await act({
        people: list().replace(bob.recipient, mistyped),
        'open-issue': 'true',
        'workflow-token': WORKFLOW_TOKEN
      })
      assert.equal(run.code, 1)
      assert.deepEqual(errorLines(run), [
        "::error::Input 'people', line 3: the age recipient of bob is not one this action can encrypt to: its checksum does not match: a character is mistyped, missing or extra."
      ])
      assert.ok(!visibleLog(run).includes(mistyped.slice(4, 30)), 'the recipient is not quoted')
      assert.deepEqual([github.requests, apid.calls], [[], []])
      assert.deepEqual(github.variables, before)
    })

    it('a pull request checks the list and issues nothing', async () => {
      const run = await act({ 'github-token': '' }, { GITHUB_EVENT_NAME: 'pull_request' })
      assert.equal(run.code, 0, visibleLog(run))
      assert.deepEqual([github.requests, apid.calls], [[], []])
      assert.deepEqual(statuses(run), { alice: 'listed', bob: 'listed', carol: 'listed', dave: 'listed' })
      assert.ok(
        run.summary.includes(
          'Nothing issued: this run only checks \\(mode auto on pull\\_request\\): the list was checked, nothing was issued.'
        ),
        run.summary
      )
      const bad = await act(
        { 'github-token': '', people: `${list()}\nbob ${bob.recipient}` },
        { GITHUB_EVENT_NAME: 'pull_request' }
      )
      assert.equal(bad.code, 1)
      assert.match(
        errorLines(bad)[0] ?? '',
        /^::error::Input 'people', line 7: bob is listed already, on line 3 \(logins are case-insensitive\)\.$/
      )
    })

    it('with the Talos API out of reach, people are signed with the CA key, as the pipeline would be', async () => {
      const run = await act({
        talosconfig: pipelineTalosconfig('127.0.0.1:9'),
        'secrets-bundle': cluster.bundleYaml,
        people: `erin ${bob.recipient} os:reader`,
        environment: 'talos-renewal'
      })
      assert.equal(run.code, 0, visibleLog(run))
      assert.match(
        visibleLog(run),
        /::notice::For erin: Not through the Talos API for the talosconfig: no endpoint answered: .+; signed with the CA of 'secrets-bundle' instead\./
      )
      assert.match(
        visibleLog(run),
        /::notice::For erin: Could not prove the new talosconfig of context 'prod' .+; written unproven, as 'verify-connection' is auto\./
      )
      assert.deepEqual(writes(), [
        `POST /repos/${REPO}/environments/talos-renewal/variables TALOSCONFIG_ERIN`,
        `POST /repos/${REPO}/environments/talos-renewal/variables TALOSCONFIG__PEOPLE`
      ])
      const value = variable('TALOSCONFIG_ERIN', `${REPO}/environments/talos-renewal/`)
      const file = personalTalosconfig(openWith(value, bob).text)
      secrets.push(...keyLines(file.keyPem))
      assert.ok(opensslVerifyClient(cluster.caCrtPem, file.crtPem).ok)
      assert.equal(new X509Certificate(file.crtPem).subject, 'O=os:reader')
      assert.equal(people(run)[0]?.status, 'issued')
      assertNothingLeaks(run)
    })

    it("GitHub's size limit refuses, before any write, the people who do not fit, and names them", async () => {
      // A repository whose variables already come close to the 224 KiB the action stops at:
      // room for the record and one person's talosconfig (as large as alice's from the first run).
      const personBytes = 'TALOSCONFIG_ALICE'.length + variable('TALOSCONFIG_ALICE').length
      const filler = 224 * 1024 - (1000 + Math.round(1.5 * personBytes)) - 5 * 'BIG_0'.length
      const crowded = await startGitHubStandIn({
        workflowToken: WORKFLOW_TOKEN,
        variables: Object.fromEntries(
          Array.from({ length: 5 }, (_, index) => [`${REPO}/BIG_${index}`, 'x'.repeat(Math.floor(filler / 5))])
        )
      })
      try {
        const run = await act(
          { 'open-issue': 'true', 'workflow-token': WORKFLOW_TOKEN },
          { GITHUB_REPOSITORY: REPO },
          crowded
        )
        assert.equal(run.code, 1, visibleLog(run))
        assert.deepEqual(crowded.violations, [])
        assert.deepEqual(statuses(run), { alice: 'issued', bob: 'failed', carol: 'failed', dave: 'failed' })
        const errors = errorLines(run)
        assert.equal(errors.length, 1, errors.join('\n'))
        assert.match(
          errors[0] ?? '',
          /^::error::The personal talosconfigs of bob, carol, dave were not written, for GitHub's limits on variables: the repository's variables would come to \d+ KiB, past the 224 KiB this action stops at: GitHub passes a run only 256 KB of repository and organization variables/
        )
        assert.deepEqual(
          crowded.requests
            .filter(({ method, path }) => method !== 'GET' && path.includes('/variables'))
            .map(({ method, path, body }) => `${method} ${path} ${(body as { name: string }).name}`),
          [
            `POST /repos/${REPO}/actions/variables TALOSCONFIG_ALICE`,
            `POST /repos/${REPO}/actions/variables TALOSCONFIG__PEOPLE`
          ]
        )
        // The issue names the people affected.
        const body = crowded.issues[0]?.body ?? ''
        for (const login of ['bob', 'carol', 'dave'])
          assert.match(
            body,
            new RegExp(
              `The personal talosconfig of \`${login}\` \\(variable \`TALOSCONFIG_${login.toUpperCase()}\`\\) failed: it does not fit`
            )
          )
        assert.doesNotMatch(body, /`alice`/)
        const shown = [visibleLog(run), run.summary, JSON.stringify(run.outputs), JSON.stringify(crowded.issues)].join(
          '\n'
        )
        for (const secret of secrets) assert.ok(!shown.includes(secret), 'a personal key or an age identity is shown')
      } finally {
        await crowded.close()
      }
    })
  })
}

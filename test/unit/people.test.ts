// The people input and what the people step decides from it, without a cluster: the list read
// line by line, the record of who has what, who is due, GitHub's limits on variables, the
// inputs that go with it, the story's words, and that a run without people loads none of the
// people code.
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import type { Metafile } from 'esbuild'
import fc from 'fast-check'
import { bundle } from '../../scripts/bundle.mjs'
import { parsePeople, personVariable, stateVariable, type Person } from '../../src/credentials/people/list.js'
import { fit, LIMITS } from '../../src/credentials/people/limits.js'
import type { PeopleResult } from '../../src/credentials/people/result.js'
import {
  fingerprint,
  judgePerson,
  readState,
  STATE_FORMAT,
  writeState,
  type StateEntry
} from '../../src/credentials/people/state.js'
import type { RunResult } from '../../src/result.js'
import { Gate } from '../../src/story/gate.js'
import { quoting } from '../../src/story/markdown.js'
import { peopleEntries, peopleReasons, peopleSection } from '../../src/story/people.js'
import { said } from '../../src/text.js'
import { ageKeygen } from '../support/age-cli.js'
import { configReader, userErrorOf } from '../support/refusals.js'

const alice = ageKeygen().recipient
const bob = ageKeygen().recipient
const DAY_MS = 86_400_000

const refusal = (text: string) => userErrorOf(() => parsePeople(text, 'TALOSCONFIG'))

describe('the people input', () => {
  it('reads one person a line, comments and blank lines aside, os:reader by default', () => {
    const people = parsePeople(
      [
        '# login  recipient  roles',
        '',
        `alice ${alice} os:operator,os:admin,os:operator`,
        `  Bob-Smith   ${bob}   # a comment after the roles`
      ].join('\n'),
      'TalosConfig_Prod'
    )
    assert.deepEqual(people, [
      {
        login: 'alice',
        recipient: alice,
        roles: ['os:admin', 'os:operator'],
        line: 3,
        variable: 'TALOSCONFIG_PROD_ALICE'
      },
      { login: 'Bob-Smith', recipient: bob, roles: ['os:reader'], line: 4, variable: 'TALOSCONFIG_PROD_BOB_SMITH' }
    ])
    assert.deepEqual(parsePeople('\n# nobody\n', 'TALOSCONFIG'), [])
  })

  it('refuses a bad line by its number, never quoting a key', () => {
    const secret = 'AGE-SECRET-KEY-1QYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSHNSYT0'
    const mistyped = `${alice.slice(0, 20)}${alice[20] === 'q' ? 'p' : 'q'}${alice.slice(21)}`
    const cases: Array<[string, RegExp]> = [
      [`-alice ${alice}`, /^Input 'people', line 1: the first word is not a GitHub login/],
      [`al--ice ${alice}`, /line 1: the first word is not a GitHub login: 1 to 39 letters, digits or single hyphens/],
      [`${'a'.repeat(40)} ${alice}`, /line 1: the first word is not a GitHub login/],
      [`alice_b ${alice}`, /line 1: the first word is not a GitHub login/],
      ['alice', /line 1: give a GitHub login, an age recipient and optionally roles, separated by spaces\.$/],
      [`alice ${alice} os:reader extra`, /line 1: give a GitHub login/],
      [
        `# header\nalice ${mistyped}`,
        /^Input 'people', line 2: the age recipient of alice .+its checksum does not match/
      ],
      [
        'alice age1yubikey1qwt50d05nh5vutpdzmlg5wn80xq5negm4uj9ghv0snvdd3yysf5yw3rhl3t',
        /line 1: .+it is a recipient of the age plugin or kind 'yubikey', which needs more than age itself; give a native X25519 recipient/
      ],
      [
        'alice age1pq1qqqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs',
        /line 1: .+it is a post-quantum recipient \(age1pq1\.\.\.\), which age opens only from version 1\.3 on/
      ],
      [
        `alice ${alice} os:root`,
        /line 1: unknown roles: os:root; give roles separated by commas, no spaces: os:admin, /
      ],
      [`alice ${alice} os:reader,`, /line 1: an empty role/],
      [
        `alice ${alice}\nALICE ${bob}`,
        /^Input 'people', line 2: ALICE is listed already, on line 1 \(logins are case-insensitive\)\.$/
      ],
      [
        `alice ${secret}`,
        /line 1: it holds an age secret key \(AGE-SECRET-KEY-\.\.\.\)\. The list takes public keys only .+ make a new one\.$/
      ],
      [secret, /line 1: it holds an age secret key/]
    ]
    for (const [text, message] of cases) {
      const error = refusal(text)
      assert.match(error.message, message, text)
      assert.equal(error.input, 'people')
      for (const key of [alice, bob, mistyped, secret])
        assert.ok(!error.message.includes(key.slice(4, 24)), error.message)
    }
  })

  it('no login gives the variable of the record, whatever the secret name', () => {
    // Words of letters and digits joined by single hyphens, 39 characters at most: GitHub's logins.
    const word = fc.stringMatching(/^[A-Za-z0-9]{1,8}$/)
    const login = fc
      .array(word, { minLength: 1, maxLength: 6 })
      .map((words) => words.join('-'))
      .filter((text) => text.length <= 39)
    const secretName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,30}$/)
    fc.assert(
      fc.property(login, secretName, (who, name) => {
        assert.notEqual(personVariable(name, who), stateVariable(name))
        assert.match(personVariable(name, who).slice(name.length + 1), /^[A-Z0-9]+(?:_[A-Z0-9]+)*$/)
      })
    )
  })
})

const person = (roles = ['os:reader']): Person => ({
  login: 'alice',
  recipient: alice,
  roles,
  line: 1,
  variable: 'TALOSCONFIG_ALICE'
})
const now = new Date('2026-06-01T00:00:00Z')
const entry = (overrides: Partial<StateEntry> = {}): StateEntry => ({
  login: 'alice',
  variable: 'TALOSCONFIG_ALICE',
  roles: ['os:reader'],
  recipient: fingerprint(alice),
  cluster: fingerprint('prod'),
  notBefore: new Date(now.getTime() - 10 * DAY_MS).toISOString(),
  notAfter: new Date(now.getTime() + 20 * DAY_MS).toISOString(),
  ...overrides
})

describe('the record of people', () => {
  it('reads back what it writes, and nothing else', () => {
    const written = writeState([entry({ login: 'zed', variable: 'TALOSCONFIG_ZED' }), entry()])
    assert.deepEqual(JSON.parse(written).format, STATE_FORMAT)
    assert.deepEqual(
      readState(written, 'TALOSCONFIG__PEOPLE', 'TALOSCONFIG').map(({ login }) => login),
      ['alice', 'zed']
    )
    assert.deepEqual(readState(undefined, 'TALOSCONFIG__PEOPLE', 'TALOSCONFIG'), [])
    assert.doesNotMatch(written, new RegExp(alice), 'the recipient is only a fingerprint')
    const tampered = [
      'not json',
      '{"format":"something/else","people":[]}',
      // An entry that would make a run delete the list itself.
      JSON.stringify({ format: STATE_FORMAT, people: [entry({ variable: 'TALOS_PEOPLE' })] }),
      JSON.stringify({ format: STATE_FORMAT, people: [entry({ recipient: alice })] }),
      JSON.stringify({ format: STATE_FORMAT, people: [entry({ notAfter: 'soon' })] }),
      JSON.stringify({ format: STATE_FORMAT, people: [entry({ login: '-x', variable: 'TALOSCONFIG__X' })] })
    ]
    for (const value of tampered)
      assert.throws(
        () => readState(value, 'TALOSCONFIG__PEOPLE', 'TALOSCONFIG'),
        /^UserError: Variable TALOSCONFIG__PEOPLE is not the record of the people this action keeps .+ nothing was issued or deleted/
      )
  })

  it('renews a third of the way from the end, at once on a new key, roles or cluster, and when asked', () => {
    const judged = (
      who: Person,
      held: StateEntry | undefined,
      more: { variableExists?: boolean; requested?: boolean; at?: Date } = {}
    ) => {
      const { due, reason } = judgePerson(who, held, {
        now: more.at ?? now,
        cluster: fingerprint('prod'),
        variableExists: more.variableExists ?? true,
        requested: more.requested ?? false
      })
      return `${due ? 'due' : 'kept'}: ${reason.raw}`
    }
    assert.equal(judged(person(), entry()), 'kept: 20 days left')
    assert.equal(judged(person(), entry(), { at: new Date(now.getTime() + 9 * DAY_MS) }), 'kept: 11 days left')
    assert.equal(
      judged(person(), entry(), { at: new Date(now.getTime() + 11 * DAY_MS) }),
      'due: 9 days left, less than a third of its lifetime'
    )
    assert.equal(judged(person(), entry(), { at: new Date(now.getTime() + 21 * DAY_MS) }), 'due: it has expired')
    assert.equal(judged(person(), undefined), 'due: no personal talosconfig yet')
    assert.equal(judged(person(), entry(), { variableExists: false }), 'due: variable TALOSCONFIG_ALICE is missing')
    assert.equal(judged({ ...person(), recipient: bob }, entry()), 'due: the age recipient changed')
    assert.equal(judged(person(['os:operator']), entry()), 'due: the roles changed from os:reader to os:operator')
    assert.equal(
      judged(person(), entry({ cluster: fingerprint('staging') })),
      "due: the cluster's endpoints, nodes or CA changed"
    )
    assert.equal(judged(person(), entry(), { requested: true }), 'due: asked for by alice (workflow_dispatch)')
  })
})

describe("GitHub's limits on variables", () => {
  const big = (name: string, bytes: number) => ({ name, value: 'x'.repeat(bytes - name.length) })
  it('keeps a repository below the margin, and lets through what makes nothing bigger', () => {
    const existing = [big('A', 205 * 1024), big('OLD_ALICE', 3000)]
    const { accepted, refused } = fit(
      existing,
      [],
      [
        { name: 'OLD_ALICE', value: 'y'.repeat(2990) },
        { name: 'NEW_BOB', value: 'y'.repeat(20 * 1024) },
        { name: 'NEW_CAROL', value: 'y'.repeat(5 * 1024) }
      ],
      'repository'
    )
    assert.deepEqual(accepted, ['OLD_ALICE', 'NEW_CAROL'])
    assert.deepEqual(
      refused.map(({ name }) => name),
      ['NEW_BOB']
    )
    assert.match(refused[0]?.why.raw ?? '', /would come to 228 KiB, past the 224 KiB this action stops at/)
    // Deleting a leaver's variable makes room first.
    const leaving = [...existing, big('GONE', 20 * 1024)]
    const bob15 = [{ name: 'NEW_BOB', value: 'y'.repeat(15 * 1024) }]
    assert.deepEqual(fit(leaving, ['GONE'], bob15, 'repository').accepted, ['NEW_BOB'])
    assert.deepEqual(fit(leaving, [], bob15, 'repository').accepted, [])
    // Already past the margin: a write that shrinks a variable still goes through.
    assert.deepEqual(
      fit([big('A', 230 * 1024), big('B', 3000)], [], [{ name: 'B', value: 'z' }], 'repository').accepted,
      ['B']
    )
  })

  it('counts variables, 500 a repository and 100 an environment, whose total is not limited', () => {
    const many = (count: number) => Array.from({ length: count }, (_, index) => ({ name: `V${index}`, value: 'v' }))
    const add = [{ name: 'NEW', value: 'n' }]
    assert.deepEqual(fit(many(99), [], add, 'environment').accepted, ['NEW'])
    assert.match(
      fit(many(100), [], add, 'environment').refused[0]?.why.raw ?? '',
      /the environment would hold 101 variables, and GitHub keeps at most 100 in one/
    )
    assert.deepEqual(fit(many(100), [], add, 'repository').accepted, ['NEW'])
    assert.equal(fit(many(500), [], add, 'repository').refused.length, 1)
    assert.deepEqual(
      fit([big('A', 300 * 1024)], [], add, 'environment').accepted,
      ['NEW'],
      'environment variables do not count toward 256 KB'
    )
    assert.match(
      fit([], [], [{ name: 'X', value: 'x'.repeat(LIMITS.valueBytes + 1) }], 'environment').refused[0]?.why.raw ?? '',
      /its value would be 48001 bytes, and GitHub keeps at most 48 KB in a variable/
    )
  })
})

describe('the people inputs', () => {
  const base: Record<string, string> = {
    talosconfig: 'contexts: {}',
    'github-token': 'ghs_x',
    repository: 'acme/cluster-ops',
    people: `alice ${alice}`
  }
  const { read, failure } = configReader(base)

  it('issues on scheduled and workflow_dispatch runs, and only checks the list on any other', () => {
    const scheduled = read({})
    assert.equal(scheduled.people?.checkOnly, undefined)
    assert.equal(scheduled.people?.ttlMs, 720 * 3_600_000)
    assert.equal(scheduled.people?.stateVariable, 'TALOSCONFIG__PEOPLE')
    assert.equal(scheduled.people?.requestedBy, undefined, 'a schedule is nobody asking')
    assert.equal(
      read({}, { GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_ACTOR: 'alice' }).people?.requestedBy,
      'alice'
    )
    assert.match(
      read({}, { GITHUB_EVENT_NAME: 'pull_request' }).people?.checkOnly?.raw ?? '',
      /^this run only checks \(mode auto on pull_request\)/
    )
    assert.match(
      read({}, { GITHUB_EVENT_NAME: 'push' }).people?.checkOnly?.raw ?? '',
      /scheduled and workflow_dispatch runs only, not on push$/
    )
    assert.equal(
      read({ mode: 'renew' }, { GITHUB_EVENT_NAME: 'pull_request' }).people?.checkOnly?.raw.includes(
        'not on pull_request'
      ),
      true
    )
    assert.equal(read({ people: '# nobody\n' }).people, undefined, 'an empty list is no people at all')
    assert.equal(read({ environment: 'prod' }).people?.scope, 'environment')
  })

  it('people-only reads the pipeline without renewing, drilling or failing on it', () => {
    const config = read(
      { 'people-only': 'true', 'secrets-bundle': 'certs: {}' },
      { GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_ACTOR: 'alice' }
    )
    assert.equal(config.mode, 'check')
    assert.equal(config.failOn, 'never')
    assert.match(config.modeReason, /^people-only, mode auto on workflow_dispatch/)
    assert.match(config.drillSkipped?.raw ?? '', /'people-only' runs renew, drill and write none/)
    assert.equal(config.people?.only, true)
    assert.equal(config.people?.checkOnly, undefined)
  })

  it('names each combination it refuses', () => {
    const dispatch = { GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_ACTOR: 'alice' }
    const cases: Array<[Record<string, string>, NodeJS.ProcessEnv, string, RegExp]> = [
      [
        { organization: 'acme' },
        {},
        'people',
        /^Input 'people' keeps each person's talosconfig in a variable of the repository or of an environment, not of an organization/
      ],
      [
        { 'people-only': 'true' },
        {},
        'people-only',
        /^Input 'people-only' is for workflow_dispatch runs .+, not schedule\.$/
      ],
      [{ 'people-only': 'true', force: 'true' }, dispatch, 'force', /^Inputs 'people-only' and 'force' are both true/],
      [{ 'people-only': 'true', talosconfig: '' }, dispatch, 'talosconfig', /^Input 'people-only' needs 'talosconfig'/],
      [
        { 'people-only': 'true', people: '' },
        dispatch,
        'people',
        /^Input 'people-only' is true, but 'people' lists nobody/
      ],
      [
        { 'people-only': 'true', 'github-token': '' },
        dispatch,
        'github-token',
        /^Input 'github-token' is required.+'Variables: Read and write'/
      ],
      [
        { 'public-variable': 'TALOSCONFIG_ALICE' },
        {},
        'people',
        /^Input 'people', line 1: the talosconfig of alice would go to variable TALOSCONFIG_ALICE, which 'public-variable' uses/
      ],
      [
        { 'public-variable': 'TALOSCONFIG__PEOPLE' },
        {},
        'public-variable',
        /names TALOSCONFIG__PEOPLE, the variable 'people' keeps its record in/
      ],
      [{ 'people-ttl': '30' }, {}, 'people-ttl', /^Input 'people-ttl' is not a duration/]
    ]
    for (const [inputs, env, input, message] of cases) {
      const error = failure(inputs, env)
      assert.equal(error.input, input, JSON.stringify(inputs))
      assert.match(error.message, message)
    }
  })
})

describe("the story's words for people", () => {
  const gate = new Gate()
  const quote = quoting(gate)
  const until = new Date('2026-07-01T10:00:00Z')
  const people: PeopleResult = {
    people: [
      {
        login: 'alice',
        variable: 'TALOSCONFIG_ALICE',
        roles: ['os:admin'],
        status: 'issued',
        reason: said`no personal talosconfig yet`,
        notAfter: until,
        through: 'talos-api',
        proven: true,
        written: true
      },
      {
        login: 'bob',
        variable: 'TALOSCONFIG_BOB',
        roles: ['os:reader'],
        status: 'kept',
        reason: said`20 days left`,
        notAfter: until,
        written: false
      },
      {
        login: 'carol',
        variable: 'TALOSCONFIG_CAROL',
        roles: ['os:reader'],
        status: 'removed',
        reason: said`carol is no longer listed`,
        notAfter: until,
        written: true
      },
      {
        login: 'dave',
        variable: 'TALOSCONFIG_DAVE',
        roles: ['os:etcd:backup'],
        status: 'failed',
        reason: said`it was not issued: ${'a node said | `x` [y](z)'}`,
        written: false
      }
    ],
    dryRun: false,
    stateVariable: 'TALOSCONFIG__PEOPLE',
    failed: true
  }
  const result: RunResult = {
    at: new Date('2026-12-05T06:00:00Z'),
    mode: 'renew',
    modeReason: 'mode auto on schedule',
    credentials: [],
    failed: true,
    people
  }

  it('a row a person in the summary, quoted so that nothing in a reason breaks the table', () => {
    const lines = peopleSection(result, quote)
    assert.equal(lines[0], '### Access for people')
    assert.ok(
      lines.includes(
        '| ✅ | `alice` | `os:admin` | 2026-07-01 | issued (no personal talosconfig yet) through the Talos API, proven; written to `TALOSCONFIG_ALICE` |'
      )
    )
    assert.ok(lines.includes('| ✅ | `bob` | `os:reader` | 2026-07-01 | kept (20 days left) |'))
    assert.ok(lines.includes('| ➖ | `carol` | `os:reader` | 2026-07-01 | removed: carol is no longer listed |'))
    assert.ok(
      lines.includes(
        '| ❌ | `dave` | `os:etcd:backup` | — | **failed**: it was not issued: a node said \\| \\`x\\` \\[y\\]\\(z\\) |'
      ),
      lines.join('\n')
    )
    assert.deepEqual(peopleSection({ ...result, people: undefined }, quote), [])
  })

  it('an entry a person in the report, and a reason for each failure in the issue', () => {
    assert.deepEqual(peopleEntries(result, gate)[0], {
      kind: 'person',
      login: 'alice',
      variable: 'TALOSCONFIG_ALICE',
      roles: ['os:admin'],
      'expires-at': '2026-07-01T10:00:00.000Z',
      status: 'issued',
      'renewed-through': 'talos-api',
      written: true
    })
    assert.deepEqual(peopleReasons(result, quote), [
      'The personal talosconfig of `dave` (variable `TALOSCONFIG_DAVE`) failed: it was not issued: a node said \\| \\`x\\` \\[y\\]\\(z\\)'
    ])
  })
})

describe('loading', () => {
  let metafile: Metafile
  before(async () => {
    metafile = await bundle(mkdtempSync(join(tmpdir(), 'dist-')))
  })

  it('a run without people loads none of the people code: it is in chunks imported only when people are listed', () => {
    const outputs = metafile.outputs
    const entry = Object.keys(outputs).find((file) => outputs[file]?.entryPoint === 'src/index.ts') as string
    const atStart = new Set<string>()
    const visit = (file: string) => {
      if (atStart.has(file)) return
      atStart.add(file)
      for (const { path, kind } of outputs[file]?.imports ?? [])
        if (kind === 'import-statement' && outputs[path]) visit(path)
    }
    visit(entry)
    const loaded = [...atStart].flatMap((file) => Object.keys(outputs[file]?.inputs ?? {}))
    assert.deepEqual(
      loaded.filter((input) => input.startsWith('src/credentials/people/')),
      ['src/credentials/people/list.ts'],
      'only the list is read at every start (inputs.ts checks it before anything is done)'
    )
    const lazily = Object.values(outputs).flatMap(({ inputs }) => Object.keys(inputs))
    for (const module of ['index', 'issue', 'state', 'limits'])
      assert.ok(lazily.includes(`src/credentials/people/${module}.ts`), `${module}.ts is bundled`)
  })
})

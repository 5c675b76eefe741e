// The people step: after the pipeline's credentials are issued, checked and written, each
// listed person gets a talosconfig of their own, encrypted to their own age key and kept in an
// Actions variable, renewed when a third of its life is left or when their key or roles
// change; a person no longer listed has theirs deleted. Each person on their own: one failure
// never stops the others, and fails the step. Loaded only when the people input lists anyone.
import { isoDay } from '../../duration.js'
import { describe, UserError } from '../../errors.js'
import type { Variable, VariableStore } from '../../github/variables.js'
import type { Issuers } from '../../issuers/index.js'
import type { RunCredential } from '../../renewal.js'
import { invalidEndpoints } from '../../talos-api/endpoint.js'
import { joined, said, type Text } from '../../text.js'
import { ARMOR_HEADER } from '../../sources/age.js'
import type { CredentialPass, SharedContext } from '../pass.js'
import { issueFor, type IssuedPerson } from './issue.js'
import { fit } from './limits.js'
import type { Person, PeopleOptions } from './list.js'
import type { PeopleResult, PersonResult } from './result.js'
import { fingerprint, judgePerson, readState, writeState, type StateEntry } from './state.js'

/** What the step may do for people: mask, know an address, and say things (main's Deps fit). */
export interface PeopleDeps {
  mask(value: string): void
  know(address: string): void
  info(message: Text): void
  notice(message: Text): void
  warning(message: Text): void
  error(message: Text): void
}

/** What the step is given of the run. */
export interface PeopleRun {
  credentials: readonly RunCredential[]
  /** The texts this run renewed, by credential: the pipeline's file as it stands now. */
  renewed: ReadonlyMap<CredentialPass, string>
  now: Date
  deps: PeopleDeps
  issuers(): Promise<Issuers>
  /** The variable store of the secrets' scope. */
  openStore(): Promise<VariableStore>
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

/** Every listed person attended to (or, on a run that only checks, the list checked), and why. */
export async function attend(options: PeopleOptions, run: PeopleRun): Promise<PeopleResult> {
  const { deps } = run
  const result: PeopleResult = {
    people: [],
    dryRun: options.dryRun,
    stateVariable: options.stateVariable,
    failed: false,
    ...(options.checkOnly ? { checkOnly: options.checkOnly } : {})
  }
  const entryOf = (person: Person, status: PersonResult['status'], reason: Text): PersonResult => ({
    login: person.login,
    variable: person.variable,
    roles: person.roles,
    status,
    reason,
    written: false
  })
  if (options.checkOnly) {
    result.people = options.people.map((person) => entryOf(person, 'listed', options.checkOnly as Text))
    deps.info(said`Checked the list of ${options.people.length} people in 'people': ${options.checkOnly}.`)
    return result
  }
  const requester = options.requestedBy
  const asking = requester ? options.people.find((person) => same(person.login, requester)) : undefined
  if (requester) {
    result.requestedBy = { login: requester, listed: asking !== undefined }
    if (!asking)
      deps.notice(
        said`${requester} dispatched this run, but is not listed in 'people': no personal talosconfig was issued for them.`
      )
  }
  if (options.only && !asking) return result
  try {
    await attendEveryone(options, run, result, asking)
  } catch (error) {
    result.failure = describe(error)
    result.failed = true
    deps.error(said`Personal talosconfigs: ${result.failure}`)
    // Whoever was not settled when it failed has nothing new.
    for (const person of options.people)
      if (!result.people.some((entry) => same(entry.login, person.login)))
        result.people.push(entryOf(person, 'failed', result.failure))
  }
  return result
}

/** One person's plan: their new talosconfig, or why they keep theirs, or why it failed. */
interface Planned {
  person: Person
  /** The record's entry before this run. */
  before: StateEntry | undefined
  result: PersonResult
  issued?: IssuedPerson
}

async function attendEveryone(
  options: PeopleOptions,
  run: PeopleRun,
  result: PeopleResult,
  asking: Person | undefined
): Promise<void> {
  const { deps, now } = run
  const shared = sharedContext(run)
  const cluster = fingerprint(shared.name, ...shared.endpoints, '|', ...shared.nodes, '|', shared.trusted.caPem)
  const store = await run.openStore()
  const variables = await store.list()
  const byName = new Map(variables.map((variable) => [variable.name.toUpperCase(), variable]))
  const stateName = options.stateVariable
  const entries = readState(byName.get(stateName)?.value, stateName, options.secretName)
  const listed = (login: string) => options.people.some((person) => same(person.login, login))

  // Who is due and who keeps theirs; on a run for everyone, who has left (people-only keeps them).
  const planned = options.people.map((person) => plan(person, entries, asking, options.only, { now, cluster, byName }))
  for (const { person, result: entry } of planned)
    if (entry.status === 'kept') deps.info(said`Kept the personal talosconfig of ${person.login}: ${entry.reason}.`)
  const gone = entries.filter((entry) => !listed(entry.login))
  const leavers = options.only ? [] : gone
  const retained = options.only ? gone : []

  // Each person on their own: issued, proven and sealed, or failed with why.
  for (const item of planned.filter(({ result: entry }) => entry.status === 'issued')) {
    try {
      refuseForeign(item.person, byName, entries, variables, stateName)
      item.issued = await issueFor(item.person, shared, cluster, options, { ...deps, now, issuers: run.issuers })
      const { notAfter, through, proven } = item.issued
      Object.assign(item.result, { notAfter, through, ...(proven === undefined ? {} : { proven }) })
    } catch (error) {
      fail(item, said`it was not issued: `.concat(describe(error)), deps)
    }
  }
  refuseWhatDoesNotFit(planned, variables, leavers, retained, options, deps)
  result.people = planned.map(({ result: entry }) => entry)
  if (planned.some(({ result: entry }) => entry.status === 'failed')) result.failed = true

  if (options.dryRun) {
    for (const leaver of leavers) result.people.push(removed(leaver, false))
    deps.info(said`Dry run: no variable was written or deleted for people.`)
    return
  }
  // Those who left first: their variables go, and the room they leave was counted.
  for (const leaver of leavers) {
    try {
      if (byName.has(leaver.variable)) await store.remove(leaver.variable)
      const entry = removed(leaver, true)
      result.people.push(entry)
      deps.notice(entry.reason)
    } catch (error) {
      retained.push(leaver)
      const why = said`${leaver.login} is no longer listed, but variable ${leaver.variable} was not deleted: `.concat(
        describe(error)
      )
      result.people.push({ ...removed(leaver, false), status: 'failed', reason: why })
      deps.error(why)
      result.failed = true
    }
  }
  for (const item of planned.filter(({ result: entry }) => entry.status === 'issued')) {
    try {
      const value = item.issued?.value ?? ''
      if (byName.has(item.person.variable)) await store.update(item.person.variable, value)
      else await store.create(item.person.variable, value)
      item.result.written = true
      deps.info(issuedLine(item))
    } catch (error) {
      fail(
        item,
        said`it was issued, but variable ${item.person.variable} was not written: `.concat(describe(error)),
        deps
      )
      result.failed = true
    }
  }
  // The record last: what the variables hold now.
  const state = writeState(stateAfter(planned, retained, (item) => item.result.written))
  const current = byName.get(stateName)
  if (current?.value === state) return
  if (current) await store.update(stateName, state)
  else await store.create(stateName, state)
}

/** One listed person judged against the record: due (status issued, for now), kept, or untouched. */
function plan(
  person: Person,
  entries: readonly StateEntry[],
  asking: Person | undefined,
  only: boolean,
  run: { now: Date; cluster: string; byName: ReadonlyMap<string, Variable> }
): Planned {
  const before = entries.find((entry) => same(entry.login, person.login))
  const result = (status: PersonResult['status'], reason: Text): PersonResult => ({
    login: person.login,
    variable: person.variable,
    roles: person.roles,
    status,
    reason,
    written: false,
    ...(before ? { notAfter: new Date(before.notAfter) } : {})
  })
  if (only && person !== asking)
    return { person, before, result: result('untouched', said`this run is for ${asking?.login} only`) }
  const judged = judgePerson(person, before, {
    now: run.now,
    cluster: run.cluster,
    variableExists: run.byName.has(person.variable),
    requested: person === asking
  })
  return { person, before, result: result(judged.due ? 'issued' : 'kept', judged.reason) }
}

/**
 * GitHub's limits (limits.ts), before anything is written: the record first, at its largest,
 * then each person in the order of the list. Whoever does not fit fails, and one error says
 * who and why.
 */
function refuseWhatDoesNotFit(
  planned: readonly Planned[],
  variables: readonly Variable[],
  leavers: readonly StateEntry[],
  retained: readonly StateEntry[],
  options: PeopleOptions,
  deps: PeopleDeps
): void {
  const issued = planned.filter((item) => item.issued)
  if (issued.length === 0) return
  const largest = writeState(stateAfter(planned, [...retained, ...leavers], () => true))
  const present = new Set(variables.map(({ name }) => name.toUpperCase()))
  const sized = fit(
    variables,
    leavers.map(({ variable }) => variable).filter((name) => present.has(name)),
    [
      { name: options.stateVariable, value: largest },
      ...issued.map(({ person, issued: sealed }) => ({ name: person.variable, value: sealed?.value ?? '' }))
    ],
    options.scope
  )
  const recordRefused = sized.refused.find(({ name }) => name === options.stateVariable)
  const unfit: string[] = []
  for (const item of issued) {
    const refused = recordRefused ?? sized.refused.find(({ name }) => name === item.person.variable)
    if (!refused) continue
    unfit.push(item.person.login)
    fail(item, said`it does not fit: `.concat(refused.why), deps, false)
    delete item.issued
  }
  if (unfit.length > 0)
    deps.error(
      said`The personal talosconfigs of ${unfit.join(', ')} were not written, for GitHub's limits on variables: `.concat(
        (recordRefused ?? sized.refused[0])?.why,
        said`. Delete variables this repository no longer needs, or keep the people in an environment ('environment').`
      )
    )
}

/** The talosconfig a personal one copies: the pipeline's context, as it stands after the run. */
function sharedContext({ credentials, renewed, deps }: PeopleRun): SharedContext {
  const shared = credentials
    .map(({ pass, entry }) => pass.shared?.(entry.renewal?.secretUpdated ? renewed.get(pass) : undefined))
    .find((context) => context !== undefined)
  if (!shared)
    throw new UserError(
      said`the pipeline's talosconfig has no context with a CA for the personal talosconfigs to copy; pass 'talosconfig'.`,
      'talosconfig'
    )
  for (const address of [...shared.endpoints, ...shared.nodes]) deps.know(address)
  if (shared.endpoints.length === 0 || invalidEndpoints(shared.endpoints).length > 0)
    throw new UserError(
      said`context '${shared.name}' of the pipeline's talosconfig has no endpoints a personal talosconfig can use; set 'endpoints'.`,
      'endpoints'
    )
  return shared
}

/**
 * A person's variable is written only when it is theirs: absent, recorded for them, or an age
 * file that no other record claims (a record lost between two writes). Anything else is a
 * variable of someone else's, never overwritten.
 */
function refuseForeign(
  person: Person,
  byName: ReadonlyMap<string, Variable>,
  entries: readonly StateEntry[],
  variables: readonly Variable[],
  stateName: string
): void {
  const existing = byName.get(person.variable)
  if (!existing || entries.some(({ variable }) => variable === person.variable)) return
  const claimedBy = variables.find(
    ({ name, value }) =>
      name.toUpperCase() !== stateName && /__PEOPLE$/i.test(name) && value.includes(`"${person.variable}"`)
  )
  if (claimedBy)
    throw new UserError(
      said`variable ${person.variable} is recorded for another list, in ${claimedBy.name}; `.concat(
        said`give the clusters secret names that do not overlap.`
      ),
      'secret-name'
    )
  if (!existing.value.startsWith(ARMOR_HEADER))
    throw new UserError(
      said`variable ${person.variable} exists and holds something other than a personal talosconfig; `.concat(
        said`it was left as it is: delete it, or rename it.`
      ),
      'people'
    )
}

/** The record after the run: the new entry of each person written, else what it held; and those it still keeps. */
function stateAfter(
  planned: readonly Planned[],
  retained: readonly StateEntry[],
  written: (item: Planned) => boolean
): StateEntry[] {
  const listed = planned.flatMap((item) => {
    const entry = item.issued && written(item) ? item.issued.entry : item.before
    return entry ? [entry] : []
  })
  return [...listed, ...retained]
}

/** A person's credential failed: they keep what their variable held, and the step fails. */
function fail(item: Planned, why: Text, deps: PeopleDeps, say = true): void {
  delete item.result.through
  delete item.result.proven
  delete item.result.notAfter
  Object.assign(item.result, { status: 'failed', reason: why, written: false })
  if (item.before) item.result.notAfter = new Date(item.before.notAfter)
  if (say) deps.error(said`The personal talosconfig of ${item.person.login}: `.concat(why))
}

/** A person no longer listed: their variable deleted (or, in a dry run, to be), and until when their last certificate works. */
function removed(entry: StateEntry, written: boolean): PersonResult {
  const until = new Date(entry.notAfter)
  const what = written ? said`variable ${entry.variable} deleted` : said`variable ${entry.variable} would be deleted`
  return {
    login: entry.login,
    variable: entry.variable,
    roles: entry.roles,
    status: 'removed',
    reason: said`${entry.login} is no longer listed: `.concat(
      what,
      said`; their last certificate stays valid until ${until.toISOString()}, as Talos cannot revoke a certificate.`
    ),
    notAfter: until,
    written
  }
}

function issuedLine({ person, result, issued }: Planned): Text {
  const through =
    issued?.through === 'talos-api' ? said`through the Talos API` : said`with the CA key of '${issued?.through}'`
  return said`Issued the personal talosconfig of ${person.login} (${result.reason}) `.concat(
    through,
    said`: ${joined(
      person.roles.map((role) => said`${role}`),
      ', '
    )} until ${isoDay(result.notAfter ?? new Date(0))}; written to variable ${person.variable}.`
  )
}

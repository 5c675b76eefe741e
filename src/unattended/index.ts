// What a run that nobody watches does besides renewing, through the workflow token: keep its
// own schedule enabled, and open, update or close the issue that tells a person when one is
// needed. Nothing here may fail the step or hide its error: every refusal is one warning.
import { describe } from '../errors.js'
import type { Repository } from '../github/target.js'
import type { RepositoryApi } from '../github/repository.js'
import type { RunResult } from '../report.js'
import { issueText, setMarker, stateIn } from './issue.js'
import { ACTION_NAME, VERSION } from '../version.js'

/** The inputs and runner facts about unattended runs. */
export interface UnattendedOptions {
  event: string
  keepScheduleAlive: boolean
  openIssue: boolean
  issueLabel: string
  /** The token for the workflow and issues APIs (GITHUB_TOKEN by default), never the secrets token. */
  workflowToken: string
  /** The repository the workflow runs in (GITHUB_REPOSITORY), where the issue goes. */
  repository: Repository | undefined
  /** The running workflow's file name, from GITHUB_WORKFLOW_REF. */
  workflowFile: string | undefined
  /** A link to this run, for the issue. */
  runUrl: string | undefined
}

/** Where GitHub's API is, and which credentials the run manages: their scope and secret names. */
export interface AttendContext {
  apiUrl: string
  credentialSet: string
  /** Every endpoint, node and server the run knows of: the issue never shows them. */
  addresses: string[]
}

/** What a run ends with, for the issue: its result, with the error line of a failure in it. */
export interface Outcome {
  result: RunResult
}

/** Issues are kept for runs that are meant to act: schedules and manual runs. */
const ISSUE_EVENTS = ['schedule', 'workflow_dispatch']

/** Whether this run keeps its schedule alive, and whether it keeps the issue: decided before loading any client. */
export function unattendedWork(options: UnattendedOptions): { keepAlive: boolean; notify: boolean } {
  if (!options.repository) return { keepAlive: false, notify: false }
  return {
    keepAlive: options.keepScheduleAlive && options.event === 'schedule',
    notify: options.openIssue && ISSUE_EVENTS.includes(options.event)
  }
}

export interface AttendDeps {
  info(message: string): void
  warning(message: string): void
}

/** Keeps the schedule alive and keeps the issue up to date; returns the issue's number, if any. */
export async function attend(
  options: UnattendedOptions,
  context: AttendContext,
  outcome: Outcome,
  deps: AttendDeps
): Promise<number | undefined> {
  const { keepAlive, notify } = unattendedWork(options)
  if ((!keepAlive && !notify) || !options.repository) return undefined
  if (!options.workflowToken) {
    const asked = [keepAlive && 'keep-schedule-alive', notify && 'open-issue'].filter(Boolean).join(' and ')
    deps.warning(
      `${asked}: 'workflow-token' is empty, so nothing was done. Leave it unset (it defaults to the job's ` +
        "GITHUB_TOKEN), or pass a token with 'issues: write' and 'actions: write'."
    )
    return undefined
  }
  const { repositoryApi } = await import('../github/repository.js')
  const userAgent = `${ACTION_NAME}/${VERSION}`
  const api = repositoryApi(options.repository, { token: options.workflowToken, apiUrl: context.apiUrl, userAgent })
  if (keepAlive) await keepScheduleAlive(options, api, deps)
  if (!notify) return undefined
  try {
    return await keepIssue(options, context, outcome, api)
  } catch (error) {
    deps.warning(`open-issue: ${describe(error)} Give the job 'permissions: issues: write' for 'workflow-token'.`)
    return undefined
  }
}

async function keepScheduleAlive(options: UnattendedOptions, api: RepositoryApi, deps: AttendDeps): Promise<void> {
  try {
    if (!options.workflowFile) throw new Error('GITHUB_WORKFLOW_REF names no workflow file.')
    await api.enableWorkflow(options.workflowFile)
    deps.info(`Kept workflow ${options.workflowFile} enabled for its schedule.`)
  } catch (error) {
    const why = describe(error)
    deps.warning(`keep-schedule-alive: ${why} Give the job 'permissions: actions: write' for 'workflow-token'.`)
  }
}

async function keepIssue(
  options: UnattendedOptions,
  { credentialSet: set, addresses }: AttendContext,
  outcome: Outcome,
  api: RepositoryApi
): Promise<number | undefined> {
  const text = issueText(outcome.result, set, options.runUrl, addresses)
  const open = await api.findIssue(options.issueLabel, setMarker(set), stateIn)
  if (text.needsPerson) {
    if (!open) return api.openIssue(text.title, text.markdown, options.issueLabel)
    if (open.lastState !== text.state) await api.comment(open.number, text.markdown)
    return open.number
  }
  if (!open) return undefined
  await api.comment(open.number, text.markdown)
  await api.close(open.number)
  return open.number
}

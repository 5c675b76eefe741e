// What a run that nobody watches does besides renewing, through the workflow token: keep its
// own schedule enabled, and open, update or close the issue that tells a person when one is
// needed (src/story/notify.ts). Nothing here may fail the step or hide its error: every refusal
// is one warning.
import { describe } from '../errors.js'
import type { Repository } from '../github/target.js'
import type { RunResult } from '../result.js'
import type { Gate } from '../story/gate.js'
import { said, type Text } from '../text.js'
import { ACTION_NAME, VERSION } from '../version.js'

/** The inputs and runner facts about unattended runs. */
export interface UnattendedOptions {
  /** This run keeps its schedule alive: a scheduled run, in a public repository under auto. */
  keepScheduleAlive: boolean
  /** This run keeps the issue: a scheduled or manual run, unless open-issue is false. */
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
  /** The README of the action as it runs, for the issue's links. */
  readmeUrl: string | undefined
}

/** What a run ends with, for the issue: its result, with the error line of a failure in it. */
export interface Outcome {
  result: RunResult
}

export interface AttendDeps {
  info(message: Text): void
  warning(message: Text): void
  /** What the issue's words pass through. */
  gate: Gate
}

/** Keeps the schedule alive and keeps the issue up to date; returns the issue's number, if any. */
export async function attend(
  options: UnattendedOptions,
  context: AttendContext,
  outcome: Outcome,
  deps: AttendDeps
): Promise<number | undefined> {
  const { keepScheduleAlive: keepAlive, openIssue: notify } = options
  // Only with a repository to do it in.
  if ((!keepAlive && !notify) || !options.repository) return undefined
  if (!options.workflowToken) {
    const asked = [keepAlive && 'keep-schedule-alive', notify && 'open-issue'].filter(Boolean).join(' and ')
    deps.warning(
      said`${asked}: 'workflow-token' is empty, so nothing was done. Leave it unset (it defaults `.concat(
        said`to the job's GITHUB_TOKEN), or pass a token with 'issues: write' and 'actions: write'.`
      )
    )
    return undefined
  }
  const userAgent = `${ACTION_NAME}/${VERSION}`
  const api = { token: options.workflowToken, apiUrl: context.apiUrl, userAgent }
  if (keepAlive) await keepScheduleAlive(options, options.repository, api, deps)
  if (!notify) return undefined
  try {
    const { keepIssue } = await import('../story/notify.js')
    const notifyOptions = { ...options, repository: options.repository }
    return await keepIssue(notifyOptions, { ...context, userAgent }, outcome.result, deps.gate)
  } catch (error) {
    deps.warning(said`open-issue: ${describe(error)} Give the job 'permissions: issues: write' for 'workflow-token'.`)
    return undefined
  }
}

async function keepScheduleAlive(
  options: UnattendedOptions,
  repository: Repository,
  api: { token: string; apiUrl: string; userAgent: string },
  deps: AttendDeps
): Promise<void> {
  try {
    if (!options.workflowFile) throw new Error('GITHUB_WORKFLOW_REF names no workflow file.')
    const { workflowsApi } = await import('../github/workflows.js')
    await workflowsApi(repository, api).enableWorkflow(options.workflowFile)
    deps.info(said`Kept workflow ${options.workflowFile} enabled for its schedule.`)
  } catch (error) {
    const why = describe(error)
    deps.warning(said`keep-schedule-alive: ${why} Give the job 'permissions: actions: write' for 'workflow-token'.`)
  }
}

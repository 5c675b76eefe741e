// What a run that nobody watches does besides renewing, through the workflow token: keep its
// own schedule enabled, and open, update or close the issue that tells a person when one is
// needed. Nothing here may fail the step or hide its error: every refusal is one warning.
import { describe } from './errors.js'
import type { Config } from './inputs.js'
import { issueText, setMarker, stateIn } from './notify.js'
import type { RunResult } from './report.js'
import type { RepositoryApi } from './github/repository.js'
import { ACTION_NAME, VERSION } from './version.js'

/** What a run ends with, for the issue: its result, or the one error line of a failure. */
export interface Outcome {
  result?: RunResult
  errorLine?: string
}

/** Issues are kept for runs that are meant to act: schedules and manual runs. */
const ISSUE_EVENTS = ['schedule', 'workflow_dispatch']

/** Whether this run keeps its schedule alive, and whether it keeps the issue; cheap, so decided before loading any client. */
function unattendedWork(config: Config): { keepAlive: boolean; notify: boolean } {
  const u = config.unattended
  if (!u.repository) return { keepAlive: false, notify: false }
  return {
    keepAlive: u.keepScheduleAlive && u.event === 'schedule',
    notify: u.openIssue && ISSUE_EVENTS.includes(u.event)
  }
}

export interface AttendDeps {
  info(message: string): void
  warning(message: string): void
}

/** Keeps the schedule alive and keeps the issue up to date; returns the issue's number, if any. */
export async function attend(config: Config, outcome: Outcome, deps: AttendDeps): Promise<number | undefined> {
  const u = config.unattended
  const { keepAlive, notify } = unattendedWork(config)
  if ((!keepAlive && !notify) || !u.repository) return undefined
  const { repositoryApi } = await import('./github/repository.js')
  const api = repositoryApi(u.repository, {
    token: u.workflowToken,
    apiUrl: config.githubApiUrl,
    userAgent: `${ACTION_NAME}/${VERSION}`
  })
  if (keepAlive) {
    try {
      if (!u.workflowFile) throw new Error('GITHUB_WORKFLOW_REF names no workflow file.')
      await api.enableWorkflow(u.workflowFile)
      deps.info(`Kept workflow ${u.workflowFile} enabled for its schedule.`)
    } catch (error) {
      deps.warning(
        `keep-schedule-alive: ${describe(error)} Give the job 'permissions: actions: write' for 'workflow-token'.`
      )
    }
  }
  if (!notify) return undefined
  try {
    return await keepIssue(config, outcome, api)
  } catch (error) {
    deps.warning(`open-issue: ${describe(error)} Give the job 'permissions: issues: write' for 'workflow-token'.`)
    return undefined
  }
}

async function keepIssue(config: Config, outcome: Outcome, api: RepositoryApi): Promise<number | undefined> {
  const set = credentialSet(config)
  const text = issueText(outcome.result, outcome.errorLine, set, config.unattended.runUrl)
  const open = await api.findIssue(config.unattended.issueLabel, setMarker(set), stateIn)
  if (text.needsPerson) {
    if (!open) return api.openIssue(text.title, text.markdown, config.unattended.issueLabel)
    if (open.lastState !== text.state) await api.comment(open.number, text.markdown)
    return open.number
  }
  if (!open) return undefined
  await api.comment(open.number, text.markdown)
  await api.close(open.number)
  return open.number
}

/** Which credentials a run manages: where its secrets live and their names. */
function credentialSet(config: Config): string {
  const target = config.secretTarget
  const scope =
    target.kind === 'organization'
      ? `organization ${target.organization}`
      : `${target.repository.owner}/${target.repository.repo}${target.kind === 'environment' ? ` environment ${target.environment}` : ''}`
  return `${scope} ${[config.secretName, config.kube.secretName].filter(Boolean).join(', ')}`
}

// The issue that tells a person when one is needed: opened when a run needs a person, commented
// on when what it says changes, closed when all is well again. Its words are built and gated in
// issue.ts; this is the only place that calls GitHub's issues API.
import type { Repository } from '../github/target.js'
import type { RunResult } from '../result.js'
import type { Gate } from './gate.js'
import { issueText, stateIn } from './issue.js'

export interface NotifyOptions {
  repository: Repository
  workflowToken: string
  issueLabel: string
  /** A link to this run, for the issue. */
  runUrl: string | undefined
}

export interface NotifyContext {
  apiUrl: string
  userAgent: string
  /** The scope and secret names the issue is about: one issue per credential set. */
  credentialSet: string
  /** The README's links, for what to do. */
  readmeUrl: string | undefined
}

/** Keeps the issue up to date with the run; returns its number, if there is one. Throws what GitHub refused. */
export async function keepIssue(
  options: NotifyOptions,
  context: NotifyContext,
  result: RunResult,
  gate: Gate
): Promise<number | undefined> {
  const { issuesApi } = await import('../github/issues.js')
  const { apiUrl, userAgent } = context
  const api = issuesApi(options.repository, { token: options.workflowToken, apiUrl, userAgent })
  const text = issueText(result, context.credentialSet, options.runUrl, gate, { readmeUrl: context.readmeUrl })
  const open = await api.findIssue(options.issueLabel, text.marker, stateIn)
  if (text.needsPerson) {
    if (!open) return api.openIssue(text.title, text.markdown, options.issueLabel)
    if (open.lastState !== text.state) await api.comment(open.number, text.markdown)
    return open.number
  }
  // A dry run changed nothing, so it cannot be what made all well again: only a real run closes.
  if (!open || result.dryRun) return open?.number
  await api.comment(open.number, text.markdown)
  await api.close(open.number)
  return open.number
}

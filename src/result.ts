// What one run found and did: the single record every part of the story is told from (the
// outputs, the log's headlines, the annotations, the summary and the issue, in src/story/).
import type { BreakGlass } from './break-glass.js'
import type { ContextReport } from './credentials/judge.js'
import type { PeopleResult } from './credentials/people/result.js'
import type { CredentialKind, RenewedThrough } from './issuers/issuer.js'
import type { Decision, Mode } from './plan.js'
import type { Text } from './text.js'

/** A certificate issued and stored (or, in a dry run, only issued) by this run. */
export interface Renewal {
  /** How it was renewed: through the cluster's Talos API, or with the CA key of an input. */
  through: RenewedThrough
  roles: string[]
  notBefore: Date
  notAfter: Date
  /** When renew-before opens the new certificate's renewal window. */
  renewalOpens: Date
  caNotAfter: Date
  /** The new file for later steps (mode 0600, under RUNNER_TEMP). */
  path: string
  /** Where the secret went, or would have gone: `repository owner/name`. */
  scope: string
  secretUpdated: boolean
  /** Proven against the live cluster (true), not reachable (false), or not tried (undefined). */
  connectionVerified?: boolean
  /** Why writing its secret failed, when it did. */
  writeFailed?: Text
}

/** One credential file of the run: what was found in it, and what was done. */
export interface CredentialResult {
  kind: CredentialKind
  /** The selected context: the one checked for the outputs and renewed when due. */
  context: string
  /** Every context of the file, the selected one first; empty when there is no file yet. */
  contexts: ContextReport[]
  decision: Decision
  /** Where a renewal goes; undefined when the credential is only checked. */
  secretName: string | undefined
  renewal?: Renewal
}

/** What one run found and did: the single source of outputs, annotations and summary. */
export interface RunResult {
  /** The run's own instant: what "now" means in everything it tells. */
  at: Date
  mode: Mode
  modeReason: string
  /** The talosconfig first, then any other credential the run involves. */
  credentials: CredentialResult[]
  /**
   * The step fails without an error of its own: a check found a certificate at the fail-on
   * level, or the drill found the fallback broken (their annotations say why).
   */
  failed: boolean
  /** The issue open-issue opened, commented on or closed in this run. */
  issueNumber?: number
  /** Why the run did nothing at all (a fork's pull request), when it did not. */
  skipped?: Text
  /** The break-glass drill: the CA source proven, checked, found broken, or skipped. */
  breakGlass?: BreakGlass
  /** A dry run: everything but the writes. */
  dryRun?: boolean
  /** The one error line of a run that failed, with what to do. */
  failure?: Text
  /** Each listed person's own talosconfig, when the people input lists anyone. */
  people?: PeopleResult
}

/** Every context reported, credential by credential. */
export const allReports = (result: RunResult): ContextReport[] => result.credentials.flatMap((entry) => entry.contexts)

/** The renewal of the credential a report belongs to, when the report is its selected context. */
export function renewalOf(result: RunResult, report: ContextReport): Renewal | undefined {
  return report.selected ? result.credentials.find((entry) => entry.contexts.includes(report))?.renewal : undefined
}

/** Whether the drill ran: a skipped one has no row and no report entry. */
export const drilled = (result: RunResult): boolean =>
  result.breakGlass !== undefined && result.breakGlass.status !== 'skipped'

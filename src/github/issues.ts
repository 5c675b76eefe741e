// The issue that tells a person when one is needed, in the running workflow's own repository,
// through the workflow token. Only the story (src/story/) calls it, with text that has passed
// its gate; a lint rule holds that.
import { makeClient, type Client, type ClientOptions } from './client.js'
import type { Repository } from './target.js'

export interface OpenIssue {
  number: number
  /** The state digest of its last word: the body, or the latest comment by the issue's own author. */
  lastState: string | undefined
}

export interface IssuesApi {
  /** The open issue with the label whose body carries the marker, if any. */
  findIssue(
    label: string,
    marker: string,
    stateOf: (text: string) => string | undefined
  ): Promise<OpenIssue | undefined>
  openIssue(title: string, body: string, label: string): Promise<number>
  comment(number: number, body: string): Promise<void>
  close(number: number): Promise<void>
}

export function issuesApi(repository: Repository, options: ClientOptions): IssuesApi {
  const { owner, repo } = repository
  const issues: Client = makeClient(options, {
    name: `repository ${owner}/${repo}`,
    permission: "the permission 'issues: write' (add it to the job's permissions: for the workflow's GITHUB_TOKEN)",
    inputs: "'workflow-token'",
    tokenInput: 'workflow-token'
  })
  return {
    async findIssue(label, marker, stateOf) {
      const open = await issues.call('list the open issues', (signal) =>
        issues.octokit.paginate(issues.octokit.rest.issues.listForRepo, {
          owner,
          repo,
          state: 'open',
          labels: label,
          per_page: 100,
          request: { signal }
        })
      )
      const found = open.find((issue) => !issue.pull_request && (issue.body ?? '').includes(marker))
      if (!found) return undefined
      const comments = await issues.call(`read the comments of issue #${found.number}`, (signal) =>
        issues.octokit.paginate(issues.octokit.rest.issues.listComments, {
          owner,
          repo,
          issue_number: found.number,
          per_page: 100,
          request: { signal }
        })
      )
      // Only the issue's own author speaks for it: anyone who may comment could post a marker.
      const author = found.user?.login
      const own = comments.filter((comment) => author !== undefined && comment.user?.login === author)
      const states = [found.body ?? '', ...own.map((comment) => comment.body ?? '')]
        .map(stateOf)
        .filter((state) => state !== undefined)
      return { number: found.number, lastState: states.at(-1) }
    },
    async openIssue(title, body, label) {
      const created = await issues.call('open an issue', (signal) =>
        issues.octokit.rest.issues.create({ owner, repo, title, body, labels: [label], request: { signal } })
      )
      return created.data.number
    },
    async comment(number, body) {
      await issues.call(`comment on issue #${number}`, (signal) =>
        issues.octokit.rest.issues.createComment({ owner, repo, issue_number: number, body, request: { signal } })
      )
    },
    async close(number) {
      await issues.call(`close issue #${number}`, (signal) =>
        issues.octokit.rest.issues.update({
          owner,
          repo,
          issue_number: number,
          state: 'closed',
          state_reason: 'completed',
          request: { signal }
        })
      )
    }
  }
}

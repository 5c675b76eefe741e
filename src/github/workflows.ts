// The running workflow's own file, through the workflow token: keeping a scheduled workflow
// enabled (GitHub disables schedules in public repositories after 60 days without activity).
import { makeClient, type ClientOptions } from './client.js'
import type { Repository } from './target.js'

export interface WorkflowsApi {
  enableWorkflow(file: string): Promise<void>
}

export function workflowsApi(repository: Repository, options: ClientOptions): WorkflowsApi {
  const { owner, repo } = repository
  const actions = makeClient(options, {
    name: `repository ${owner}/${repo}`,
    permission: "the permission 'actions: write' (add it to the job's permissions: for the workflow's GITHUB_TOKEN)",
    inputs: "'workflow-token'",
    tokenInput: 'workflow-token'
  })
  return {
    async enableWorkflow(file) {
      await actions.call(`enable workflow ${file}`, (signal) =>
        actions.octokit.rest.actions.enableWorkflow({ owner, repo, workflow_id: file, request: { signal } })
      )
    }
  }
}

// Actions variables, in the same scope as the secrets: where the public copy of the
// credentials (no private key) is kept for checks that should need no secret.
import { makeClient, type ClientOptions } from './client.js'
import type { SecretTarget } from './target.js'

export type VariableOutcome = 'created' | 'updated' | 'unchanged'

export interface VariableStore {
  /** Creates or updates the variable; an unchanged value is not written again. */
  put(name: string, value: string): Promise<VariableOutcome>
}

const PERMISSION =
  "the permission 'Variables: write' (a GitHub App or fine-grained token; for organization variables, the organization permission)"

export function variableStore(target: SecretTarget, options: ClientOptions): VariableStore {
  const { owner, repo } = target.kind === 'organization' ? { owner: '', repo: '' } : target.repository
  const where =
    target.kind === 'organization'
      ? {
          name: `organization ${target.organization}`,
          base: `/orgs/${target.organization}/actions/variables`,
          inputs: "'organization'"
        }
      : target.kind === 'environment'
        ? {
            name: `environment '${target.environment}' of repository ${owner}/${repo}`,
            base: `/repos/${owner}/${repo}/environments/${encodeURIComponent(target.environment)}/variables`,
            inputs: "'environment' and 'repository'"
          }
        : {
            name: `repository ${owner}/${repo}`,
            base: `/repos/${owner}/${repo}/actions/variables`,
            inputs: "'repository'"
          }
  const client = makeClient(options, { name: where.name, permission: PERMISSION, inputs: where.inputs })
  const { octokit } = client
  // An organization variable needs a visibility; private keeps it to private repositories.
  const extra = target.kind === 'organization' ? { visibility: target.visibility ?? 'private' } : {}
  return {
    async put(name, value) {
      const current = await client.call(
        `read variable ${name} of the ${where.name}`,
        async (signal) =>
          (await octokit.request(`GET ${where.base}/{name}`, { name, request: { signal } })).data as { value?: string },
        { notFound: null }
      )
      if (current?.value === value) return 'unchanged'
      if (current) {
        await client.call(`update variable ${name} of the ${where.name}`, (signal) =>
          octokit.request(`PATCH ${where.base}/{name}`, { name, value, ...extra, request: { signal } })
        )
        return 'updated'
      }
      await client.call(`create variable ${name} in the ${where.name}`, (signal) =>
        octokit.request(`POST ${where.base}`, { name, value, ...extra, request: { signal } })
      )
      return 'created'
    }
  }
}

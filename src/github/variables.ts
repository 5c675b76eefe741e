// Actions variables, in the same scope as the secrets: where the public copy of the
// credentials (no private key) is kept for checks that should need no secret, and where each
// listed person's encrypted talosconfig and the action's record of them are kept.
import { UserError } from '../errors.js'
import { said } from '../text.js'
import { makeClient, type ClientOptions } from './client.js'
import type { SecretTarget } from './target.js'

export type VariableOutcome = 'created' | 'updated' | 'unchanged'

/** A variable as the API lists it. */
export interface Variable {
  name: string
  value: string
}

export interface VariableStore {
  /** Where the variables are, in words: `repository acme/ops`. */
  scope: string
  /** Creates or updates the variable; an unchanged value is not written again. */
  put(name: string, value: string): Promise<VariableOutcome>
  /** Every variable of the scope, page by page, following the pagination GitHub answers with. */
  list(): Promise<Variable[]>
  create(name: string, value: string): Promise<void>
  update(name: string, value: string): Promise<void>
  /** Deletes the variable; absent when there was none to delete. */
  remove(name: string): Promise<'deleted' | 'absent'>
}

/** The most GitHub returns a page for variables (its default is 10). */
const PER_PAGE = 30
/** 500 repository variables at 30 a page is 17 pages: more means the answers do not add up. */
const MAX_PAGES = 40

const PERMISSION =
  "the permission 'Variables: write' (a GitHub App or fine-grained token; a workflow's GITHUB_TOKEN cannot write " +
  'variables, and its permissions have no key for them; for organization variables, the organization permission)'
const ENVIRONMENT_PERMISSION =
  "the repository permission 'Environments: write', which environment variables need (a GitHub App or " +
  "fine-grained token; a workflow's GITHUB_TOKEN cannot write variables)"

/** The next page a Link header names, or undefined when it names none. */
export function nextPage(link: string | undefined): number | undefined {
  const next = link
    ?.split(',')
    .find((part) => /;\s*rel="next"/.test(part))
    ?.match(/[?&]page=(\d+)/)?.[1]
  return next === undefined ? undefined : Number(next)
}

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
  const permission = target.kind === 'environment' ? ENVIRONMENT_PERMISSION : PERMISSION
  const client = makeClient(options, { name: where.name, permission, inputs: where.inputs })
  const { octokit } = client
  // An organization variable needs a visibility; private keeps it to private repositories.
  const extra = target.kind === 'organization' ? { visibility: target.visibility ?? 'private' } : {}
  const create = async (name: string, value: string) => {
    await client.call(`create variable ${name} in the ${where.name}`, (signal) =>
      octokit.request(`POST ${where.base}`, { name, value, ...extra, request: { signal } })
    )
  }
  const update = async (name: string, value: string) => {
    await client.call(`update variable ${name} of the ${where.name}`, (signal) =>
      octokit.request(`PATCH ${where.base}/{name}`, { name, value, ...extra, request: { signal } })
    )
  }
  return {
    scope: where.name,
    async put(name, value) {
      const current = await client.call(
        `read variable ${name} of the ${where.name}`,
        async (signal) =>
          (await octokit.request(`GET ${where.base}/{name}`, { name, request: { signal } })).data as { value?: string },
        { notFound: null }
      )
      if (current?.value === value) return 'unchanged'
      if (current) {
        await update(name, value)
        return 'updated'
      }
      await create(name, value)
      return 'created'
    },
    async list() {
      const found: Variable[] = []
      let total = 0
      for (let page: number | undefined = 1, read = 0; page !== undefined; read++) {
        if (read >= MAX_PAGES)
          throw new UserError(
            said`Listing the variables of the ${where.name} took over ${MAX_PAGES} pages.`,
            'github-api-url'
          )
        const at: number = page
        const answer = await client.call(`list the variables of the ${where.name}`, (signal) =>
          octokit.request(`GET ${where.base}`, { per_page: PER_PAGE, page: at, request: { signal } })
        )
        const data = answer.data as { total_count: number; variables: Variable[] }
        total = data.total_count
        found.push(...data.variables.map(({ name, value }) => ({ name, value })))
        // The Link header leads; without one, a full page may still have a next.
        const link = answer.headers.link
        page =
          link !== undefined
            ? nextPage(link)
            : data.variables.length === PER_PAGE && found.length < total
              ? at + 1
              : undefined
      }
      if (found.length < total)
        throw new UserError(
          said`GitHub counts ${total} variables in the ${where.name}, but listed ${found.length}; run it again later.`,
          'github-api-url'
        )
      return found
    },
    create,
    update,
    async remove(name) {
      const gone = await client.call(
        `delete variable ${name} of the ${where.name}`,
        async (signal) => {
          await octokit.request(`DELETE ${where.base}/{name}`, { name, request: { signal } })
          return false
        },
        { notFound: true }
      )
      return gone ? 'absent' : 'deleted'
    }
  }
}

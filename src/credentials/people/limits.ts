// GitHub's limits for configuration variables, as its documentation gives them ("Limits for
// configuration variables", https://docs.github.com/en/actions/reference/workflows-and-actions/variables#limits-for-configuration-variables):
// a variable holds at most 48 KB; a repository holds at most 500 variables and an environment
// 100; and a workflow run gets the repository's and the organization's variables only up to
// 256 KB in all, "as sorted alphabetically by variable name", the rest dropped (environment
// variables do not count toward it). TALOSCONFIG_... sorts before TALOS_PEOPLE: enough people
// would push the list itself out of `vars`, and the next run would read an empty list. So a
// write that would take the scope past a margin below that limit is refused before it is made.
import { said, type Text } from '../../text.js'
import type { Variable } from '../../github/variables.js'

export const LIMITS = {
  /** 48 KB, read as 48,000 bytes: the smaller of the two readings. */
  valueBytes: 48_000,
  /** What a run gets of the repository's and the organization's variables. */
  runBytes: 256_000,
  /** Where this action stops: 32 KiB below, for variables set by hand meanwhile and the organization's. */
  marginBytes: 224 * 1024,
  count: { repository: 500, environment: 100 }
} as const

/**
 * A variable's size as it counts toward the limit: the documentation does not say whether
 * the name counts, so it does.
 */
export const sizeOf = (name: string, value: string): number => Buffer.byteLength(name) + Buffer.byteLength(value)

/** One write the run means to make: a variable's new value, and whose it is (for messages). */
export interface PlannedWrite {
  name: string
  value: string
}

export interface Fit {
  /** The writes that fit, by name, in the order given. */
  accepted: string[]
  /** The writes that do not, with why. */
  refused: Array<{ name: string; why: Text }>
}

const kib = (bytes: number): string => `${Math.ceil(bytes / 1024)} KiB`

/**
 * Which of the writes fit, taken in order, after the deletions: each may not take a variable
 * past 48 KB, the scope past its count, nor (for a repository) the scope's total past the
 * margin. A write that makes nothing bigger always fits: it cannot make things worse.
 */
export function fit(
  existing: readonly Variable[],
  deleted: readonly string[],
  writes: readonly PlannedWrite[],
  scope: 'repository' | 'environment'
): Fit {
  const sizes = new Map(existing.map(({ name, value }) => [name.toUpperCase(), sizeOf(name, value)]))
  for (const name of deleted) sizes.delete(name.toUpperCase())
  let total = [...sizes.values()].reduce((sum, size) => sum + size, 0)
  const countLimit = LIMITS.count[scope]
  const accepted: string[] = []
  const refused: Fit['refused'] = []
  for (const { name, value } of writes) {
    const before = sizes.get(name.toUpperCase())
    const size = sizeOf(name, value)
    const next = total - (before ?? 0) + size
    let why: Text | undefined
    if (Buffer.byteLength(value) > LIMITS.valueBytes)
      why = said`its value would be ${Buffer.byteLength(value)} bytes, and GitHub keeps at most 48 KB in a variable`
    else if (before === undefined && sizes.size + 1 > countLimit)
      why = said`the ${scope} would hold ${sizes.size + 1} variables, and GitHub keeps at most ${countLimit} in one`
    else if (scope === 'repository' && next > LIMITS.marginBytes && next > total)
      why =
        said`the repository's variables would come to ${kib(next)}, past the ${kib(LIMITS.marginBytes)} this action `.concat(
          said`stops at: GitHub passes a run only 256 KB of repository and organization variables, dropping the rest `,
          said`in alphabetical order, and TALOSCONFIG_... sorts before a list kept in a variable such as TALOS_PEOPLE`
        )
    if (why) {
      refused.push({ name, why })
      continue
    }
    sizes.set(name.toUpperCase(), size)
    total = next
    accepted.push(name)
  }
  return { accepted, refused }
}

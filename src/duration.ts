import { said } from './text.js'
import { UserError } from './errors.js'

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  // Not in Go's syntax, but what people write for certificate lifetimes.
  d: 86_400_000
}

/** The day of an instant, as the log, the summary and the issue give dates: 2026-12-05 (UTC). */
export const isoDay = (date: Date): string => date.toISOString().slice(0, 10)

/** Go's time.Duration is int64 nanoseconds (2^63 - 1): about 292 years at most, as talosctl accepts. */
export const MAX_DURATION_MS = Number(2n ** 63n - 1n) / 1e6

const TERM = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d)/y

/**
 * Parses a duration as Go's time.ParseDuration reads it (what `talosctl --crt-ttl` takes:
 * `24h`, `1h30m`, `1.5h`), plus `d` for days. Returns milliseconds, or undefined when the
 * text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  let rest = text.trim()
  let sign = 1
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1
    rest = rest.slice(1)
  }
  if (rest === '0') return 0
  if (rest === '') return undefined
  let total = 0
  TERM.lastIndex = 0
  while (TERM.lastIndex < rest.length) {
    const match = TERM.exec(rest)
    if (!match) return undefined
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number)
  }
  return sign * total
}

/** A positive duration for the input `input`, or a UserError that says what is expected. */
export function requirePositiveDuration(text: string, input: string): number {
  const ms = parseDuration(text)
  if (ms === undefined) {
    throw new UserError(
      said`Input '${input}' is not a duration: '${text}'. Use Go duration syntax such as 8760h, 720h or 1h30m, or days such as 365d.`,
      input
    )
  }
  if (ms <= 0) {
    throw new UserError(said`Input '${input}' must be longer than zero; got '${text}'.`, input)
  }
  refuseOutOfRange(ms, text, input)
  return ms
}

/** How long before expiry a certificate is due: a fixed time, or a share of its lifetime. */
export type RenewBefore = { kind: 'duration'; ms: number } | { kind: 'share'; fraction: number }

export function parseRenewBefore(text: string, input: string): RenewBefore {
  const share = /^(\d+(?:\.\d+)?)%$/.exec(text.trim())
  if (share) {
    const percent = Number(share[1])
    if (percent <= 0 || percent >= 100) {
      throw new UserError(
        said`Input '${input}' as a percentage must be between 0% and 100% (exclusive); got '${text}'.`,
        input
      )
    }
    return { kind: 'share', fraction: percent / 100 }
  }
  const ms = parseDuration(text)
  if (ms !== undefined) refuseOutOfRange(ms, text, input)
  if (ms === undefined || ms < 0) {
    throw new UserError(
      said`Input '${input}' must be a duration such as 30d or 720h, or a share of the certificate's lifetime such as 33%; got '${text}'.`,
      input
    )
  }
  return { kind: 'duration', ms }
}

function refuseOutOfRange(ms: number, text: string, input: string): void {
  if (Number.isFinite(ms) && ms <= MAX_DURATION_MS) return
  throw new UserError(
    said`Input '${input}' is longer than a Go duration can be (about 292 years), as talosctl would refuse it; got '${text}'.`,
    input
  )
}

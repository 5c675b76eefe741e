// A Talos endpoint or node as talosctl takes it: host[:port], where host is a DNS name, an
// IPv4 address or an IPv6 address (in brackets when a port follows). Nothing else is taken:
// an endpoint is quoted in the log and dialled, so a path, a scheme or a stray character in
// it is refused before either happens. IPv4 is a plain dotted quad only: getaddrinfo also reads
// 0177.0.0.1, 127.1, 0x7f.1 and 2130706433 as 127.0.0.1, so a name whose last label is a number
// is refused; and IPv6 carries no zone (fe80::1%eth0), which names an interface of the runner.
import { isIP } from 'node:net'

/** apid's port, for an endpoint that names none. */
export const APID_PORT = 50000

export interface Endpoint {
  host: string
  port: number | undefined
}

const DNS_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/

/**
 * IPv4 by hand, and IPv6 by Node only for text with two colons or more: Node's IPv6 check
 * builds a large regular expression on first use, some ten milliseconds of every start.
 */
const isIPv4 = (text: string): boolean =>
  /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/.test(text) &&
  text.split('.').every((octet) => Number(octet) <= 255)
const isIPv6 = (text: string): boolean =>
  (text.match(/:/g) ?? []).length >= 2 && !text.includes('%') && isIP(text) === 6
/** A name whose last label is a number, decimal or hex, is an address in another form to getaddrinfo. */
const numericName = (host: string): boolean => /(^|\.)(\d+|0x[0-9a-f]*)\.?$/i.test(host)

const port = (digits: string | undefined): number | undefined | false => {
  if (digits === undefined) return undefined
  const value = Number(digits)
  return /^\d{1,5}$/.test(digits) && value >= 1 && value <= 65535 ? value : false
}

/** The endpoint's host and port, or undefined when it is not host[:port]. */
export function parseEndpoint(text: string): Endpoint | undefined {
  const bracketed = /^\[([^\]]+)\](?::([^:]*))?$/.exec(text)
  if (bracketed) {
    const parsed = port(bracketed[2])
    return isIPv6(bracketed[1] as string) && parsed !== false
      ? { host: bracketed[1] as string, port: parsed }
      : undefined
  }
  if (isIPv6(text)) return { host: text, port: undefined }
  const [host = '', digits, ...rest] = text.split(':')
  const parsed = port(digits)
  if (rest.length > 0 || parsed === false) return undefined
  return isIPv4(host) || (DNS_NAME.test(host) && !numericName(host)) ? { host, port: parsed } : undefined
}

/** The endpoints that are not host[:port], for a message that names them. */
export function invalidEndpoints(endpoints: readonly string[]): string[] {
  return endpoints.filter((endpoint) => parseEndpoint(endpoint) === undefined)
}

/** The gRPC target of a valid endpoint: host:port or [v6]:port, port 50000 by default. */
export function grpcTarget(endpoint: string): string {
  const parsed = parseEndpoint(endpoint)
  if (!parsed) throw new Error(`not an endpoint: ${endpoint}`)
  const host = isIPv6(parsed.host) ? `[${parsed.host}]` : parsed.host
  return `${host}:${parsed.port ?? APID_PORT}`
}

/** host and port of a gRPC target made by grpcTarget. */
export function hostPort(target: string): { host: string; port: number } {
  const match = /^\[?(.*?)\]?:(\d+)$/.exec(target)
  return { host: match?.[1] ?? target, port: Number(match?.[2] ?? 0) }
}

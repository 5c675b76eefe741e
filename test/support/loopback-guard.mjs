// Preloaded (`node --import`) into every run of the bundle that a test, the demo or the bench
// starts: no connection and no name lookup may leave loopback. Anything else is refused at
// once, as a refused connection or an unknown name would be, and recorded in the file named
// by LOOPBACK_GUARD_LOG (one line per refusal) so that a test can see what was attempted.
import dns from 'node:dns'
import { appendFileSync } from 'node:fs'
import net from 'node:net'

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.', 'ip6-localhost'])

/** 127.0.0.0/8, ::1, and IPv4-mapped 127.x: the only addresses tests may reach. */
export function isLoopback(host) {
  const bare = String(host)
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
  if (LOOPBACK_NAMES.has(bare)) return true
  if (net.isIPv4(bare)) return bare.startsWith('127.')
  if (net.isIPv6(bare)) return bare === '::1' || bare === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(bare)
  return false
}

function record(what) {
  if (process.env.LOOPBACK_GUARD_LOG) appendFileSync(process.env.LOOPBACK_GUARD_LOG, `${what}\n`)
}

function refusal(code, syscall, host, port) {
  const where = port === undefined ? host : `${host}:${port}`
  return Object.assign(new Error(`${syscall} ${code} ${where} (refused by the tests' loopback guard)`), {
    code,
    syscall,
    address: host,
    port
  })
}

// Every TCP and TLS client (net.connect, tls.connect, http, undici, gRPC) ends here.
const connect = net.Socket.prototype.connect
net.Socket.prototype.connect = function guardedConnect(...args) {
  const first = args[0]
  const options =
    typeof first === 'object' && first !== null
      ? Array.isArray(first)
        ? first[0]
        : first
      : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined }
  if (options?.path === undefined) {
    const host = options?.host ?? 'localhost'
    if (!isLoopback(host)) {
      record(`connect ${host}:${options?.port}`)
      process.nextTick(() => this.destroy(refusal('ECONNREFUSED', 'connect', host, options?.port)))
      return this
    }
  }
  return connect.apply(this, args)
}

// Name lookups: only loopback names resolve; any other name is unknown, at once.
function guardLookup(original, isPromise) {
  return function guardedLookup(hostname, ...rest) {
    if (isLoopback(hostname) || net.isIP(String(hostname))) return original.call(this, hostname, ...rest)
    record(`lookup ${hostname}`)
    const error = refusal('ENOTFOUND', 'getaddrinfo', hostname)
    if (isPromise) return Promise.reject(error)
    const callback = rest.find((arg) => typeof arg === 'function')
    process.nextTick(() => callback?.(error))
    return {}
  }
}
dns.lookup = guardLookup(dns.lookup, false)
dns.promises.lookup = guardLookup(dns.promises.lookup, true)
for (const method of ['resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveSrv', 'resolveTxt']) {
  dns[method] = guardLookup(dns[method], false)
  dns.promises[method] = guardLookup(dns.promises[method], true)
  dns.Resolver.prototype[method] = guardLookup(dns.Resolver.prototype[method], false)
  dns.promises.Resolver.prototype[method] = guardLookup(dns.promises.Resolver.prototype[method], true)
}

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

/**
 * Where a call of `net.Socket.prototype.connect` goes, in each form it is called with: Node's
 * own normalized `[options, callback]` array (net.connect, http), an options object
 * (tls.connect, https), `(port, host)`, or `(path)`, read as Node reads them.
 */
function connectTarget(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0]
  if (typeof first === 'object' && first !== null) return { host: first.host, port: first.port, path: first.path }
  // A string that is not a port number is a socket path to Node, as it is here.
  if (typeof first === 'string' && !(Number(first) >= 0)) return { path: first }
  return { host: typeof args[1] === 'string' ? args[1] : undefined, port: first }
}

// Every TCP and TLS client (net.connect, tls.connect, http, https, undici, gRPC) ends here.
const connect = net.Socket.prototype.connect
net.Socket.prototype.connect = function guardedConnect(...args) {
  const { host, port, path } = connectTarget(args)
  // Only a path without a host is a unix socket: Node's http and https pass `path: null`
  // beside the host they dial, and a client may pass a request's URL path there as well.
  const unixSocket = Boolean(path) && !host
  // An absent or empty host is localhost to Node.
  const dialled = host || 'localhost'
  if (!unixSocket && !isLoopback(dialled)) {
    record(`connect ${dialled}:${port}`)
    process.nextTick(() => this.destroy(refusal('ECONNREFUSED', 'connect', dialled, port)))
    return this
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

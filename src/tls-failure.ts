// What a failed TLS connection means, in words: the peer was not reached, or one side refused
// the other's certificate. The difference decides between "try later" and "this credential
// is wrong", so both the Talos API client and the proofs read failures through here.

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'name not found',
  EAI_AGAIN: 'name lookup failed',
  EPIPE: 'connection closed'
}

/** The runner's own verdict on the server's certificate, by OpenSSL's and Node's codes. */
const SERVER_CERTIFICATE =
  /^(UNABLE_TO_|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_|ERR_TLS_CERT_ALTNAME_INVALID|ERR_TLS_CERT)/

/** Why the peer was not reached, when that is what happened. */
export function unreachableReason(code: string | undefined): string | undefined {
  return code ? UNREACHABLE[code] : undefined
}

/** Finds a network error code in a library's text ("connect ECONNREFUSED 127.0.0.1:9"). */
export function codeInText(text: string): string | undefined {
  return Object.keys(UNREACHABLE).find((code) => new RegExp(`\\b${code}\\b`).test(text))
}

/**
 * Why a TLS connection failed over a certificate, when it did: the peer sent an alert (it
 * refused this side's certificate), or this side refused the peer's certificate.
 */
export function certificateReason(error: { code?: unknown; message?: unknown }): string | undefined {
  const code = typeof error.code === 'string' ? error.code : ''
  if (/^ERR_SSL_.*ALERT/.test(code))
    return `the server refused the client certificate (${code
      .replace(/^ERR_SSL_/, '')
      .toLowerCase()
      .replace(/_/g, ' ')})`
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `the server's certificate does not name the address it was reached at (${code})`
  if (SERVER_CERTIFICATE.test(code))
    return `the server's certificate does not verify against the CA the file trusts (${code})`
  return undefined
}

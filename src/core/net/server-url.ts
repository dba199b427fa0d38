// The one rule for which backend addresses the client accepts (a flag, an environment variable,
// the core's own options): an http(s) URL, normalised to origin + path without a trailing slash.
// Plain http:// only reaches this machine (127.0.0.0/8, ::1, localhost): the backend sees only
// ciphertext, but a session token, an account's salt and every request's metadata would cross
// the network in the clear and could be changed on the way.

export class ServerUrlError extends Error {}

/** True for a URL hostname on this machine: 127.0.0.0/8, ::1 (as `[::1]` or bare), localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase()
  if (host === 'localhost' || host === '[::1]' || host === '::1') return true
  // WHATWG URL parsing already wrote IPv4 in dotted decimal (127.1 → 127.0.0.1).
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host)
  return octets !== null && octets.slice(1).every((o) => Number(o) <= 255) && octets[1] === '127'
}

/** The reason `url` may not be used unencrypted, or null: http:// and ws:// reach loopback only. */
export function insecureUrlProblem(url: URL, what: string, text: string): string | null {
  if (url.protocol !== 'http:' && url.protocol !== 'ws:') return null
  if (isLoopbackHost(url.hostname)) return null
  const secure = url.protocol === 'ws:' ? 'https:// or wss://' : 'https://'
  return `${what} must use ${secure} for a backend on another machine (plain ${url.protocol}// only for 127.0.0.1, ::1 or localhost); got "${text}"`
}

/** Throws ServerUrlError with a one-line reason naming `what` (e.g. "--server"). */
export function parseServerUrl(text: string, what: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new ServerUrlError(`${what} must be a URL like http://127.0.0.1:8443; got "${text}"`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ServerUrlError(`${what} must be an http:// or https:// URL; got "${text}"`)
  const insecure = insecureUrlProblem(url, what, text)
  if (insecure !== null) throw new ServerUrlError(insecure)
  return url.origin + url.pathname.replace(/\/+$/, '')
}

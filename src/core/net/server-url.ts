// The one rule for which backend addresses a host accepts (a flag, an environment variable):
// an http(s) URL, normalised to origin + path without a trailing slash.

export class ServerUrlError extends Error {}

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
  return url.origin + url.pathname.replace(/\/+$/, '')
}

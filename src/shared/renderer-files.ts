// Which files of the built renderer a host may serve, and as what: pure path rules shared by
// the desktop app's app:// protocol and the web host, so both refuse the same paths.

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
}

export const contentTypeOf = (path: string): string =>
  CONTENT_TYPES[extensionOf(path)] ?? 'application/octet-stream'

/** The lower-cased extension with its dot (`.js`), or '' (no Node path module: shared is pure). */
function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1)
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(dot).toLowerCase() : ''
}

/**
 * The request path as segments relative to the root, or null when it tries to leave it or is
 * not a plain path. Raw `..`, percent-encoded dots and slashes, backslashes and NUL all fail.
 */
export function safeRelativePath(url: string): string | null {
  const rawPath = url.split(/[?#]/, 1)[0] ?? ''
  if (!rawPath.startsWith('/')) return null
  const segments: string[] = []
  for (const raw of rawPath.slice(1).split('/')) {
    let segment: string
    try {
      segment = decodeURIComponent(raw)
    } catch {
      return null
    }
    if (segment === '') continue
    if (segment === '.' || segment === '..') return null
    if (/[/\\\0]/.test(segment) || segment.startsWith('.')) return null
    segments.push(segment)
  }
  return segments.join('/')
}

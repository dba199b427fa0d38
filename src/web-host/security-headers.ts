// The headers every response of the web host carries. The Content-Security-Policy is the
// renderer's own (the <meta> policy of the served index.html, so the two cannot drift apart)
// plus what a browser page needs beyond Electron: a WebSocket to this host's bridge, and no
// framing.

/** Used when the served index.html carries no policy of its own. */
export const FALLBACK_RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
] as const

export function contentSecurityPolicy(origin: string, renderer: readonly string[]): string {
  const added = [
    `connect-src 'self' ${origin.replace(/^http:/, 'ws:')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ]
  const name = (directive: string) => directive.split(' ', 1)[0]
  const overridden = new Set(added.map(name))
  return [...renderer.filter((d) => !overridden.has(name(d))), ...added].join('; ')
}

export function securityHeaders(
  origin: string,
  renderer: readonly string[],
): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(origin, renderer),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  }
}

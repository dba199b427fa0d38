// The Content-Security-Policy header of every page response in the desktop app. It is the
// renderer's own <meta> policy (src/renderer/index.html; a test keeps the two equal) plus
// what only a header can say or what the meta leaves to defaults: no plugins, no <base>, no
// form posts, no framing of the app.

/** The directives of src/renderer/index.html's meta policy, in order. */
export const RENDERER_CSP_DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
] as const

const HARDENING_DIRECTIVES = [
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
] as const

/**
 * `electron-vite dev` injects styles and React Refresh's preamble inline, and its config
 * relaxes the meta policy the same way; only there. A build never gets 'unsafe-inline'.
 */
const DEV_RELAXED: Readonly<Record<string, string>> = {
  'script-src': "script-src 'self' 'unsafe-inline'",
  'style-src': "style-src 'self' 'unsafe-inline'",
}

export type CspMode = 'packaged' | 'dev'

export function contentSecurityPolicy(mode: CspMode): string {
  const renderer = RENDERER_CSP_DIRECTIVES.map((directive) =>
    mode === 'dev' ? (DEV_RELAXED[directiveName(directive)] ?? directive) : directive,
  )
  return [...renderer, ...HARDENING_DIRECTIVES].join('; ')
}

/** The directives of a policy string, keyed by name. */
export function parsePolicy(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>()
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/)
    if (name && !directives.has(name)) directives.set(name.toLowerCase(), values)
  }
  return directives
}

function directiveName(directive: string): string {
  return directive.split(' ', 1)[0] ?? ''
}

/**
 * Response headers with the app's policy set, replacing any policy the response carried
 * (header names are matched without regard to case, as Electron hands them over as sent).
 */
export function withSecurityHeaders(
  headers: Readonly<Record<string, readonly string[] | string>>,
  mode: CspMode,
): Record<string, string[]> {
  const replaced = new Set(['content-security-policy', 'x-content-type-options'])
  const result: Record<string, string[]> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (replaced.has(name.toLowerCase())) continue
    result[name] = typeof value === 'string' ? [value] : [...value]
  }
  result['Content-Security-Policy'] = [contentSecurityPolicy(mode)]
  result['X-Content-Type-Options'] = ['nosniff']
  return result
}

// The renderer's own Content-Security-Policy, read from the <meta> tag of its index.html: the
// one source both hosts' response headers start from, so they cannot drift apart.

/** The directives of index.html's `<meta http-equiv="Content-Security-Policy">`, or null. */
export function rendererPolicy(indexHtml: string): string[] | null {
  for (const [tag] of indexHtml.matchAll(/<meta\b[^>]*>/gi)) {
    if (!/http-equiv\s*=\s*["']content-security-policy["']/i.test(tag)) continue
    const content = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag)
    const policy = content?.[1] ?? content?.[2]
    if (policy === undefined) return null
    return policy
      .split(';')
      .map((directive) => directive.trim().replace(/\s+/g, ' '))
      .filter((directive) => directive !== '')
  }
  return null
}

import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { rendererPolicy } from '../../shared/renderer-csp'
import {
  contentSecurityPolicy,
  parsePolicy,
  RENDERER_CSP_DIRECTIVES,
  withSecurityHeaders,
} from './csp'

const indexHtml = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8')

describe('contentSecurityPolicy', () => {
  it("carries the renderer's own meta policy, directive for directive", () => {
    const meta = rendererPolicy(indexHtml)
    expect(meta).toEqual([...RENDERER_CSP_DIRECTIVES])
    const header = parsePolicy(contentSecurityPolicy('packaged'))
    for (const [name, values] of parsePolicy((meta ?? []).join('; '))) {
      expect(header.get(name)).toEqual(values)
    }
  })

  it('allows no remote code, no eval, no inline script, no plugins, no framing', () => {
    const policy = parsePolicy(contentSecurityPolicy('packaged'))
    const all = [...policy.values()].flat()
    expect(all.some((value) => value.includes('unsafe-eval'))).toBe(false)
    expect(all.some((value) => value.includes('unsafe-inline'))).toBe(false)
    expect(all.some((value) => /^(https?:|\*|ws)/.test(value))).toBe(false)
    expect(policy.get('script-src')).toEqual(["'self'"])
    expect(policy.get('object-src')).toEqual(["'none'"])
    expect(policy.get('base-uri')).toEqual(["'none'"])
    expect(policy.get('frame-ancestors')).toEqual(["'none'"])
    expect(policy.get('form-action')).toEqual(["'none'"])
  })

  it('relaxes only inline scripts and styles under the dev server, never eval', () => {
    const dev = parsePolicy(contentSecurityPolicy('dev'))
    expect(dev.get('script-src')).toEqual(["'self'", "'unsafe-inline'"])
    expect(dev.get('style-src')).toEqual(["'self'", "'unsafe-inline'"])
    expect([...dev.values()].flat()).not.toContain("'unsafe-eval'")
    expect(dev.get('object-src')).toEqual(["'none'"])
  })
})

describe('withSecurityHeaders', () => {
  it("replaces a response's own policy whatever its case, and keeps other headers", () => {
    const headers = withSecurityHeaders(
      {
        'content-security-policy': ["script-src * 'unsafe-eval'"],
        'Content-Type': ['text/html'],
        'x-content-type-options': 'none',
      },
      'packaged',
    )
    expect(headers['Content-Security-Policy']).toEqual([contentSecurityPolicy('packaged')])
    expect(headers['content-security-policy']).toBeUndefined()
    expect(headers['x-content-type-options']).toBeUndefined()
    expect(headers['X-Content-Type-Options']).toEqual(['nosniff'])
    expect(headers['Content-Type']).toEqual(['text/html'])
  })
})

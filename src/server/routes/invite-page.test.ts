// GET /invite on a real server: the page, its headers, a policy whose hashes admit exactly its
// inline script and style; then the served page's script run in happy-dom with the fragments an
// invite link may carry.
import { createHash } from 'node:crypto'
import { Window, type HTMLElement, type HTMLInputElement } from 'happy-dom'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { inviteAppLink, readInviteText } from '../../shared/invite-link'
import { startTestServer, type TestServer } from '../testing/harness'
import { randomB64 } from '../testing/keys'

const CODE = '0123456789abcdefghjkmnpqrs' // 26 characters of the invite alphabet

let server: TestServer
let page: string
beforeAll(async () => {
  server = await startTestServer()
  const reply = await fetch(`${server.url}/invite`)
  page = await reply.text()
})
afterAll(() => server.dispose())

/** The contents of every `<tag>…</tag>` in the page, exactly as a browser hashes them. */
function inline(html: string, tag: 'script' | 'style'): string[] {
  return [...html.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map(
    (match) => match[1]!,
  )
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`
}

function directives(csp: string): Map<string, string> {
  return new Map(
    csp.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/)
      return [name, values.join(' ')]
    }),
  )
}

function expectPageHeaders(headers: Headers): void {
  expect(headers.get('content-type')).toBe('text/html; charset=utf-8')
  expect(headers.get('referrer-policy')).toBe('no-referrer')
  expect(headers.get('x-content-type-options')).toBe('nosniff')
  expect(headers.get('x-frame-options')).toBe('DENY')
  expect(headers.get('cache-control')).toBe('no-store')
  expect(headers.get('content-security-policy')).toMatch(/^default-src 'none'; /)
}

describe('GET /invite', () => {
  it('serves the page as HTML with strict headers', async () => {
    const reply = await fetch(`${server.url}/invite`)
    expect(reply.status).toBe(200)
    expectPageHeaders(reply.headers)
    const html = await reply.text()
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain('<title>Join a server on paracord</title>')
  })

  it('has a policy whose hashes are those of its one inline script and one style', async () => {
    const reply = await fetch(`${server.url}/invite`)
    const policy = directives(reply.headers.get('content-security-policy')!)
    const scripts = inline(page, 'script')
    const styles = inline(page, 'style')
    expect(scripts).toHaveLength(1)
    expect(styles).toHaveLength(1)
    expect(Object.fromEntries(policy)).toEqual({
      'default-src': "'none'",
      'script-src': sha256(scripts[0]!),
      'style-src': sha256(styles[0]!),
      'img-src': "'none'",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
    })
    // Nothing the policy would have to allow: no external resource, no inline handler or style.
    expect(page).not.toMatch(/\s(src|on[a-z]+|style)=|<link|<img|<iframe|<form|https?:\/\//i)
  })

  it('answers HEAD with the same headers and no body', async () => {
    const reply = await fetch(`${server.url}/invite`, { method: 'HEAD' })
    expect(reply.status).toBe(200)
    expectPageHeaders(reply.headers)
    expect(await reply.text()).toBe('')
  })

  it('serves the same page with a query string or a trailing slash, and nothing below', async () => {
    for (const path of ['/invite?x', '/invite?x=1&y', '/invite/']) {
      const reply = await fetch(server.url + path)
      expect(reply.status, path).toBe(200)
      expect(await reply.text(), path).toBe(page)
    }
    for (const path of [`/invite/${CODE}`, '/invite/anything/else', '/invitex']) {
      const reply = await server.api.request('GET', path)
      expect(reply.status, path).toBe(404)
      expect(reply.body, path).toMatchObject({ error: 'not_found' })
    }
    expect((await fetch(`${server.url}/invite`, { method: 'POST' })).status).toBe(404)
  })

  it('is not rate-limited: everyone invited behind one address still gets it', async () => {
    const limited = await startTestServer({ addressRateLimitPerMinute: 2 })
    try {
      const salt = () => limited.api.request('GET', `/v1/accounts/salt?handle=${randomB64(32)}`)
      expect([(await salt()).status, (await salt()).status, (await salt()).status]).toEqual([
        200, 200, 429,
      ])
      const statuses = []
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${limited.url}/invite`)).status)
      expect(statuses).toEqual([200, 200, 200, 200])
    } finally {
      await limited.dispose()
    }
  })

  it('is left out of the OpenAPI document, which describes the API', async () => {
    const reply = await server.api.request<{ paths: Record<string, object> }>(
      'GET',
      '/openapi.json',
    )
    expect(Object.keys(reply.body.paths)).not.toContain('/invite')
  })
})

describe("the page's script", () => {
  const windows: Window[] = []
  afterEach(async () => {
    for (const window of windows.splice(0)) await window.happyDOM.close()
  })

  /** The served page, opened at `url` in a browser that runs its inline script. */
  function open(url: string) {
    const window = new Window({
      url,
      settings: {
        enableJavaScriptEvaluation: true,
        suppressInsecureJavaScriptEnvironmentWarning: true,
        disableJavaScriptFileLoading: true,
        disableCSSFileLoading: true,
      },
    })
    windows.push(window)
    window.document.write(page)
    const byId = (id: string) => window.document.getElementById(id) as HTMLElement
    return {
      window,
      invite: byId('invite'),
      incomplete: byId('incomplete'),
      host: () => byId('host').textContent,
      openHref: () => byId('open').getAttribute('href'),
      link: () => (byId('link') as HTMLInputElement).value,
    }
  }

  it('offers the invite to the app, naming this server', () => {
    const view = open(`https://chat.example.org/invite#${CODE}`)
    expect(view.invite.hidden).toBe(false)
    expect(view.incomplete.hidden).toBe(true)
    expect(view.host()).toBe('chat.example.org')
    expect(view.openHref()).toBe(
      `paracord://invite/${CODE}?server=${encodeURIComponent('https://chat.example.org')}`,
    )
    expect(view.link()).toBe(`https://chat.example.org/invite#${CODE}`)
    // The app reads both links as this invite on this server.
    const expected = { code: CODE, server: 'https://chat.example.org' }
    expect(readInviteText(view.openHref()!)).toEqual(expected)
    expect(readInviteText(view.link())).toEqual(expected)
    expect(view.invite.textContent).toContain(
      "You've been invited to a paracord server at chat.example.org.",
    )
  })

  it('keeps the path prefix and port of a backend behind a proxy, and lowercases the code', () => {
    const address = 'https://example.org:8443/apps/paracord'
    for (const url of [`${address}/invite`, `${address}/invite/`, `${address}/invite?from=mail`]) {
      const view = open(`${url}#${CODE.toUpperCase()}`)
      expect(view.host(), url).toBe('example.org:8443/apps/paracord')
      expect(view.openHref(), url).toBe(inviteAppLink(CODE, address))
      expect(view.link(), url).toBe(`${address}/invite#${CODE}`)
      expect(readInviteText(view.link()), url).toEqual({ code: CODE, server: address })
    }
  })

  it('says the link is incomplete when the fragment is missing or not a code', () => {
    for (const fragment of [
      '',
      '#',
      `#${CODE.slice(0, 19)}`,
      `#${'a'.repeat(41)}`,
      '#<img src=x onerror=alert(1)>abcdefghijklmnopqrst',
      `#${CODE}!`,
    ]) {
      const view = open(`https://chat.example.org/invite${fragment}`)
      expect(view.invite.hidden, fragment).toBe(true)
      expect(view.incomplete.hidden, fragment).toBe(false)
      expect(view.incomplete.textContent, fragment).toContain(
        'This invite link is incomplete. Ask for the link again and copy all of it, including the part after #.',
      )
      expect(view.openHref(), fragment).toBeNull()
      expect(view.window.document.querySelector('img'), fragment).toBeNull()
    }
  })

  it('follows the fragment when it changes', async () => {
    const view = open('https://chat.example.org/invite')
    expect(view.incomplete.hidden).toBe(false)
    const changed = new Promise((resolve) =>
      view.window.addEventListener('hashchange', resolve, { once: true }),
    )
    view.window.location.hash = `#${CODE}`
    await changed
    expect(view.invite.hidden).toBe(false)
    expect(view.incomplete.hidden).toBe(true)
    expect(view.openHref()).toMatch(new RegExp(`^paracord://invite/${CODE}\\?server=`))

    const cut = new Promise((resolve) =>
      view.window.addEventListener('hashchange', resolve, { once: true }),
    )
    view.window.location.hash = `#${CODE.slice(0, 10)}`
    await cut
    expect(view.invite.hidden).toBe(true)
    expect(view.incomplete.hidden).toBe(false)
    expect(view.openHref()).toBeNull()
    expect(view.link()).toBe('')
  })
})

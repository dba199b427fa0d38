// The web host against a real in-memory API: who may connect, what the static server hands
// out, and calls, errors and events across the bridge.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ParacordError, type ParacordApi } from '../shared/api'
import { BRIDGE_CLOSE_BAD_TOKEN, BRIDGE_NO_ID } from '../shared/bridge-protocol'
import { MAX_CALLS_IN_FLIGHT } from './bridge'
import { rendererPolicy } from '../shared/renderer-csp'
import { FALLBACK_RENDERER_CSP } from './security-headers'
import { createFakeParacordApi, type FakeParacordApi } from './test-api'
import {
  INDEX_HTML,
  makeRendererDir,
  RENDERER_META_POLICY,
  openBridge,
  openServed,
  rawRequest,
  startTestHost,
  type TestSocket,
} from './test-host'
import type { RunningWebHost } from './web-host'

let renderer: Awaited<ReturnType<typeof makeRendererDir>>
let api: FakeParacordApi
let host: RunningWebHost
const extraHosts: RunningWebHost[] = []

beforeAll(async () => {
  renderer = await makeRendererDir()
})
afterAll(async () => {
  await renderer.dispose()
})

const start = async () => {
  api = createFakeParacordApi()
  host = await startTestHost(api, renderer.root)
}
const stop = async () => {
  await host.close()
  await Promise.all(extraHosts.splice(0).map((h) => h.close()))
}

describe('who may use the bridge', () => {
  beforeAll(start)
  afterAll(stop)

  it('prints a link on 127.0.0.1 with the token in the fragment only', () => {
    expect(host.origin).toBe(`http://127.0.0.1:${host.port}`)
    expect(host.openUrl).toBe(`${host.origin}/#token=${host.token}`)
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it.each([
    ['missing', null],
    ['wrong', 'A'.repeat(43)],
    ['truncated', () => host.token.slice(0, 42)],
  ])('closes a socket whose token is %s, before any call reaches the API', async (_, token) => {
    const offered = typeof token === 'function' ? token() : token
    const opened = await openBridge(host, { token: offered })
    if (opened.kind !== 'socket') throw new Error('expected the handshake to complete')
    const calls = api.callCount
    opened.socket.send({
      type: 'call',
      id: 1,
      method: 'register',
      input: { name: 'mallory', password: 'x' },
    })
    const closed = await opened.socket.closed
    expect(closed.code).toBe(BRIDGE_CLOSE_BAD_TOKEN)
    expect(closed.reason).toMatch(/invalid token/)
    expect(opened.socket.messages).toEqual([])
    expect(api.callCount).toBe(calls)
    expect(host.servedSockets).toBe(0)
  })

  it('refuses a foreign or missing Origin at the handshake', async () => {
    const calls = api.callCount
    for (const origin of ['http://evil.example', `http://localhost:${host.port}`, 'null', null]) {
      expect(await openBridge(host, { origin })).toEqual({ kind: 'refused', status: 403 })
    }
    expect(api.callCount).toBe(calls)
  })

  it('refuses another Host name (DNS rebinding), a page without the subprotocol and other paths', async () => {
    expect(await openBridge(host, { host: `attacker.example:${host.port}` })).toEqual({
      kind: 'refused',
      status: 403,
    })
    expect(await openBridge(host, { protocols: [] })).toEqual({ kind: 'refused', status: 400 })
    expect(await openBridge(host, { path: '/bridge/extra' })).toEqual({
      kind: 'refused',
      status: 404,
    })
    const plain = await rawRequest(host.port, '/', {
      headers: { host: `attacker.example:${host.port}` },
    })
    expect(plain.status).toBe(403)
    expect(plain.body).not.toContain('paracord')
  })

  it('serves a socket with the right token from its own origin', async () => {
    const socket = await openServed(host)
    expect(socket.ws.protocol).toBe('paracord-bridge.v1')
    const reply = await socket.call('getAuthState', {})
    expect(reply.result).toEqual({
      ok: true,
      value: { status: 'signed_out', name: null, userId: null },
    })
    socket.ws.close()
    await socket.closed
  })
})

describe('static files', () => {
  beforeAll(start)
  afterAll(stop)

  const get = (path: string, headers: Record<string, string> = {}) =>
    rawRequest(host.port, path, { headers })

  it('serves index.html with the security headers', async () => {
    const response = await get('/')
    expect(response.status).toBe(200)
    expect(response.body).toBe(INDEX_HTML)
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(response.headers['referrer-policy']).toBe('no-referrer')
    expect(response.headers['x-frame-options']).toBe('DENY')
    expect(response.headers['content-security-policy']).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
        `connect-src 'self' ws://127.0.0.1:${host.port}; object-src 'none'; base-uri 'none'; ` +
        "form-action 'none'; frame-ancestors 'none'",
    )
  })

  it('takes the renderer’s policy from its index.html, the real one included', async () => {
    expect(rendererPolicy(INDEX_HTML)).toEqual(RENDERER_META_POLICY.split('; '))
    const html = await readFile(new URL('../renderer/index.html', import.meta.url), 'utf8')
    const real = rendererPolicy(html)
    expect(real).toContain("default-src 'self'")
    expect(real).toContain("script-src 'self'")
    expect(rendererPolicy('<!doctype html><title>no policy</title>')).toBeNull()
  })

  it('falls back to a strict policy when index.html carries none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'paracord-web-bare-'))
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>bare</title>')
    const bare = await startTestHost(createFakeParacordApi(), dir)
    try {
      const csp = String((await rawRequest(bare.port, '/')).headers['content-security-policy'])
      expect(csp.startsWith(FALLBACK_RENDERER_CSP.join('; ') + '; connect-src')).toBe(true)
    } finally {
      await bare.close()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it.each([
    ['/assets/app.js', 'text/javascript; charset=utf-8'],
    ['/assets/app.css', 'text/css; charset=utf-8'],
    ['/assets/logo.svg', 'image/svg+xml'],
    ['/assets/blob.bin', 'application/octet-stream'],
    ['/index.html', 'text/html; charset=utf-8'],
    ['/assets/app.js?v=2', 'text/javascript; charset=utf-8'],
  ])('serves %s as %s', async (path, type) => {
    const response = await get(path)
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toBe(type)
    expect(response.headers['x-content-type-options']).toBe('nosniff')
  })

  it.each([
    '/../package.json',
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets\\..\\..\\secret.txt',
    '/%00index.html',
    '/%zz',
    '/.env',
    '/assets/./app.js',
  ])('never serves what lies outside the folder: %s', async (path) => {
    const response = await get(path, { accept: 'text/html', 'sec-fetch-mode': 'navigate' })
    expect([400, 403, 404]).toContain(response.status)
    expect(response.body).not.toContain('outside the root')
    expect(response.body).not.toContain('HIDDEN')
    expect(response.body).not.toContain('"name"')
  })

  it('does not follow a symlink out of the folder', async () => {
    const response = await get('/assets/leak.txt')
    expect(response.status).toBe(404)
    expect(response.body).not.toContain('outside the root')
  })

  it('answers a browser navigating to an unknown path with index.html, anything else with 404', async () => {
    const navigation = await get('/servers/abc', { 'sec-fetch-mode': 'navigate' })
    expect(navigation.status).toBe(200)
    expect(navigation.body).toBe(INDEX_HTML)
    const oldBrowser = await get('/settings', { accept: 'text/html,application/xhtml+xml' })
    expect(oldBrowser.body).toBe(INDEX_HTML)

    expect((await get('/servers/abc', { accept: '*/*' })).status).toBe(404)
    expect(
      (await get('/servers/abc', { 'sec-fetch-mode': 'cors', accept: 'text/html' })).status,
    ).toBe(404)
    const missingScript = await get('/assets/missing.js', { 'sec-fetch-mode': 'navigate' })
    expect(missingScript.status).toBe(404)
    expect(missingScript.headers['content-type']).toBe('text/plain; charset=utf-8')
  })

  it('answers HEAD without a body, refuses other methods, and says the bridge needs WebSocket', async () => {
    const head = await rawRequest(host.port, '/', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.body).toBe('')
    const post = await rawRequest(host.port, '/', { method: 'POST' })
    expect(post.status).toBe(405)
    expect(post.headers.allow).toBe('GET, HEAD')
    expect((await get('/bridge')).status).toBe(426)
  })
})

describe('calls and events across the bridge', () => {
  let socket: TestSocket
  beforeAll(start)
  afterAll(stop)
  afterEach(async () => {
    if (socket && socket.ws.readyState === socket.ws.OPEN) {
      socket.ws.close()
      await socket.closed
    }
  })

  it('round-trips results and stable error codes', async () => {
    socket = await openServed(host)
    const registered = await socket.call('register', { name: 'ada', password: 'correct horse' })
    expect(registered.result).toMatchObject({
      ok: true,
      value: { status: 'unlocked', name: 'ada' },
    })
    await socket.call('logout', {})
    expect((await socket.call('register', { name: 'ada', password: 'x' })).result).toEqual({
      ok: false,
      error: { code: 'name_taken', message: 'The name ada is taken.' },
    })
    expect((await socket.call('login', { name: 'ada', password: 'wrong' })).result).toEqual({
      ok: false,
      error: { code: 'wrong_password', message: 'Wrong password.' },
    })
    expect(
      (await socket.call('login', { name: 'ada', password: 'correct horse' })).result,
    ).toMatchObject({
      ok: true,
      value: { status: 'unlocked' },
    })
    const server = await socket.call('createServer', { name: 'Lab' })
    expect(server.result).toMatchObject({ ok: true, value: { name: 'Lab', myRole: 'owner' } })
  })

  it('answers unknown methods and invalid inputs with invalid_input, untouched', async () => {
    socket = await openServed(host)
    const calls = api.callCount
    expect((await socket.call('deleteEverything', {})).result).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'unknown method' },
    })
    const badName = await socket.call('register', { name: 'a', password: 'x' })
    expect(badName.result).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    const missingInput = await socket.call('getAuthState', undefined)
    expect(missingInput.result).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    const extra = await socket.call('lock', { force: true })
    expect(extra.result).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(api.callCount).toBe(calls)
  })

  it('answers malformed frames with an error result and keeps serving', async () => {
    socket = await openServed(host)
    const calls = api.callCount
    socket.send('not json')
    expect(await socket.next((m) => m.type === 'result')).toEqual({
      type: 'result',
      id: BRIDGE_NO_ID,
      result: {
        ok: false,
        error: { code: 'invalid_input', message: 'bridge message is not valid JSON' },
      },
    })
    socket.send({ type: 'subscribe', id: 9, method: 'getAuthState' })
    expect(await socket.next((m) => m.type === 'result')).toMatchObject({
      id: 9,
      result: { ok: false, error: { code: 'invalid_input' } },
    })
    socket.ws.send(Buffer.from([1, 2, 3]), { binary: true })
    expect(await socket.next((m) => m.type === 'result')).toMatchObject({
      id: BRIDGE_NO_ID,
      result: { ok: false, error: { message: expect.stringMatching(/binary/) as unknown } },
    })
    socket.send({
      type: 'call',
      id: 10,
      method: 'sendMessage',
      input: { text: 'x'.repeat(70_000) },
    })
    expect(await socket.next((m) => m.type === 'result')).toMatchObject({
      id: BRIDGE_NO_ID,
      result: { ok: false, error: { message: expect.stringMatching(/larger than/) as unknown } },
    })
    expect(api.callCount).toBe(calls)
    expect((await socket.call('getConnectionState', {})).result).toMatchObject({ ok: true })
  })

  it('forwards the core’s events to every served socket', async () => {
    socket = await openServed(host)
    const other = await openServed(host)
    await socket.call('lock', {})
    for (const s of [socket, other]) {
      expect(await s.next((m) => m.type === 'event' && m.event === 'authChanged')).toMatchObject({
        payload: { status: 'locked', name: 'ada' },
      })
    }
    api.events.emit('spineRejected', { serverId: 'x'.repeat(16), reason: 'forged join' })
    expect(await other.next((m) => m.type === 'event')).toEqual({
      type: 'event',
      event: 'spineRejected',
      payload: { serverId: 'x'.repeat(16), reason: 'forged join' },
    })
    other.ws.close()
    await other.closed
  })

  it('closes every socket with 1001 when the host stops', async () => {
    const a = await openServed(host)
    const b = await openServed(host)
    await host.close()
    expect((await a.closed).code).toBe(1001)
    expect((await b.closed).code).toBe(1001)
    await expect(rawRequest(host.port, '/')).rejects.toThrow()
    await start()
  })
})

describe('a core that misbehaves', () => {
  afterEach(stop)

  it('turns an unexpected failure into `internal` without leaking its message', async () => {
    const base = createFakeParacordApi()
    const broken: ParacordApi = {
      ...base,
      getProfile: () => Promise.reject(new Error('SQLITE_CORRUPT at /home/ada/secret.db')),
    }
    host = await startTestHost(broken, renderer.root)
    const socket = await openServed(host)
    expect((await socket.call('getProfile', {})).result).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Something went wrong inside paracord.' },
    })
  })

  it(`answers more than ${MAX_CALLS_IN_FLIGHT} calls at once with rate_limited, then serves again`, async () => {
    const base = createFakeParacordApi()
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    const slow: ParacordApi = {
      ...base,
      touch: async () => {
        await gate
        return null
      },
    }
    host = await startTestHost(slow, renderer.root)
    const socket = await openServed(host)
    const waiting = Array.from({ length: MAX_CALLS_IN_FLIGHT }, () => socket.call('touch', {}))
    const refused = await socket.call('touch', {})
    expect(refused.result).toMatchObject({ ok: false, error: { code: 'rate_limited' } })
    release()
    for (const reply of await Promise.all(waiting))
      expect(reply.result).toEqual({ ok: true, value: null })
    expect((await socket.call('touch', {})).result).toEqual({ ok: true, value: null })
  })

  it('reports a ParacordError from the core with its own code and words', async () => {
    const base = createFakeParacordApi()
    const offline: ParacordApi = {
      ...base,
      listServers: () =>
        Promise.reject(new ParacordError('server_unreachable', 'The server is unreachable.')),
    }
    host = await startTestHost(offline, renderer.root)
    const socket = await openServed(host)
    expect((await socket.call('listServers', {})).result).toEqual({
      ok: false,
      error: { code: 'server_unreachable', message: 'The server is unreachable.' },
    })
  })
})

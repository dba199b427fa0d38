import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appRelativePath, createAppProtocolHandler, type AppProtocolHandler } from './app-protocol'
import { contentSecurityPolicy } from './csp'

describe('appRelativePath', () => {
  it('maps app://paracord/ URLs to files of the renderer folder', () => {
    expect(appRelativePath('app://paracord/')).toBe('index.html')
    expect(appRelativePath('app://paracord/index.html#/channels')).toBe('index.html')
    expect(appRelativePath('app://paracord/assets/index-1.js?v=2')).toBe('assets/index-1.js')
  })

  it('refuses other hosts, schemes, credentials and every way out of the folder', () => {
    for (const url of [
      'app://evil/index.html',
      'file:///etc/passwd',
      'app://user:pw@paracord/index.html',
      'app://paracord/%2e%2e%2fsecret',
      'app://paracord/assets%2f..%2f..%2fsecret',
      'app://paracord/..%5c..%5csecret',
      'app://paracord/%00index.html',
      'app://paracord/.env',
      'not a url',
    ]) {
      expect(appRelativePath(url), url).toBeNull()
    }
    // The URL parser folds plain dot segments before we see them: they never leave the root.
    expect(appRelativePath('app://paracord/../../etc/passwd')).toBe('etc/passwd')
  })
})

describe('createAppProtocolHandler', () => {
  let root: string
  let outside: string
  let handle: AppProtocolHandler

  beforeAll(async () => {
    const base = await mkdtemp(join(tmpdir(), 'paracord-app-protocol-'))
    root = join(base, 'renderer')
    outside = join(base, 'secret.txt')
    await mkdir(join(root, 'assets'), { recursive: true })
    await writeFile(join(root, 'index.html'), '<!doctype html><title>paracord</title>')
    await writeFile(join(root, 'assets', 'app.js'), 'console.log(1)')
    await writeFile(outside, 'the secret')
    await symlink(outside, join(root, 'assets', 'leak.txt'))
    handle = await createAppProtocolHandler(root)
    return () => rm(base, { recursive: true, force: true })
  })
  afterAll(() => undefined)

  const get = (url: string, method = 'GET') => handle(new Request(url, { method }))

  it('serves index.html and assets with their types and the CSP header', async () => {
    const index = await get('app://paracord/')
    expect(index.status).toBe(200)
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(index.headers.get('content-security-policy')).toBe(contentSecurityPolicy('packaged'))
    expect(index.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await index.text()).toContain('<title>paracord</title>')
    const script = await get('app://paracord/assets/app.js')
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await script.text()).toBe('console.log(1)')
  })

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get('app://paracord/index.html', 'HEAD')
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    expect((await get('app://paracord/index.html', 'POST')).status).toBe(405)
  })

  it('never serves a file outside the folder, through encodings or symlinks', async () => {
    const escape = await get('app://paracord/%2e%2e%2fsecret.txt')
    expect(escape.status).toBe(400)
    const link = await get('app://paracord/assets/leak.txt')
    expect(link.status).toBe(404)
    expect(await link.text()).not.toContain('the secret')
    expect((await get('app://paracord/missing.js')).status).toBe(404)
    expect((await get('app://paracord/assets')).status).toBe(404)
  })
})

// One command, a working app: the embedded server when none is given, the core on the data
// folder, the host in front, and everything stopped in order.
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { EmbeddedBackendAccess } from '../core/net/embedded-access'
import { startServer, type RunningServer } from '../server'
import { EMBEDDED_SECRET_HEADER } from '../shared/embedded-backend'
import { createFakeParacordApi, type FakeParacordApi } from './test-api'
import { makeRendererDir, openServed, rawRequest } from './test-host'
import { startWebApp, type CoreFactory, type RunningWebApp } from './web-app'

let renderer: Awaited<ReturnType<typeof makeRendererDir>>
let dataDir: string
const apps: RunningWebApp[] = []

beforeAll(async () => {
  renderer = await makeRendererDir()
})
afterAll(() => renderer.dispose())
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()))
  await rm(dataDir, { recursive: true, force: true })
})

/** A core factory that records how it was called and whether its core was closed. */
function recordingFactory() {
  const made: { options: Parameters<CoreFactory>[0]; api: FakeParacordApi; closed: boolean }[] = []
  const factory: CoreFactory = (options) => {
    const api = createFakeParacordApi()
    const entry = { options, api, closed: false }
    made.push(entry)
    const close = () => {
      entry.closed = true
      return Promise.resolve()
    }
    return Promise.resolve({ ...api, close })
  }
  return { made, factory }
}

/** GET /healthz, with the embedded backend's secret when one is given. */
const healthy = async (url: string, access?: EmbeddedBackendAccess | null) => {
  try {
    const headers: Record<string, string> = access
      ? { [EMBEDDED_SECRET_HEADER]: access.secret }
      : {}
    return (await fetch(`${url}/healthz`, { headers })).ok
  } catch {
    return false
  }
}

describe('startWebApp', () => {
  it('starts a local server on SQLite inside the data folder when none is given', async () => {
    dataDir = join(await mkdtemp(join(tmpdir(), 'paracord-webapp-')), 'alice')
    const { made, factory } = recordingFactory()
    const app = await startWebApp({
      dataDir,
      serverUrl: null,
      port: 0,
      rendererDir: renderer.root,
      createCore: factory,
    })
    apps.push(app)
    expect(app.embeddedServer).not.toBeNull()
    expect(app.serverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(existsSync(join(dataDir, 'server.db'))).toBe(true)
    const access = app.embeddedServer!.access
    // Only the core started here holds the secret the local server requires.
    expect(await healthy(app.serverUrl)).toBe(false)
    expect(await healthy(app.serverUrl, access)).toBe(true)
    expect(made.map((m) => m.options)).toEqual([
      { dataDir, serverUrl: app.serverUrl, embeddedBackend: access },
    ])

    const socket = await openServed(app.host)
    expect((await socket.call('getAuthState', {})).result).toMatchObject({ ok: true })

    await app.close()
    expect((await socket.closed).code).toBe(1001)
    expect(made[0]?.closed).toBe(true)
    expect(await healthy(app.serverUrl, access)).toBe(false)
    await expect(rawRequest(app.host.port, '/')).rejects.toThrow()
    await app.close()
  })

  it('uses the given server and starts none', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'paracord-webapp-'))
    const server: RunningServer = await startServer({
      db: `sqlite:${join(dataDir, 'shared.db')}`,
      port: 0,
      logLevel: 'silent',
    })
    try {
      const { made, factory } = recordingFactory()
      const app = await startWebApp({
        dataDir: join(dataDir, 'bob'),
        serverUrl: server.url,
        port: 0,
        rendererDir: renderer.root,
        createCore: factory,
      })
      apps.push(app)
      expect(app.embeddedServer).toBeNull()
      expect(made[0]?.options.serverUrl).toBe(server.url)
      expect(made[0]?.options.embeddedBackend).toBeNull()
      expect(existsSync(join(dataDir, 'bob', 'server.db'))).toBe(false)
      await app.close()
      expect(await healthy(server.url)).toBe(true)
    } finally {
      await server.close()
    }
  })

  it('stops what it started when the core cannot start', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'paracord-webapp-'))
    let serverUrl = ''
    let access: EmbeddedBackendAccess | null = null
    const failing: CoreFactory = (options) => {
      serverUrl = options.serverUrl
      access = options.embeddedBackend
      return Promise.reject(new Error('the cache is locked by another process'))
    }
    await expect(
      startWebApp({
        dataDir,
        serverUrl: null,
        port: 0,
        rendererDir: renderer.root,
        createCore: failing,
      }),
    ).rejects.toThrow(/locked by another process/)
    expect(serverUrl).not.toBe('')
    expect(access).not.toBeNull()
    expect(await healthy(serverUrl, access)).toBe(false)
  })

  it('refuses a renderer folder that does not exist, and cleans up', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'paracord-webapp-'))
    const { made, factory } = recordingFactory()
    await expect(
      startWebApp({
        dataDir,
        serverUrl: null,
        port: 0,
        rendererDir: join(dataDir, 'missing'),
        createCore: factory,
      }),
    ).rejects.toThrow()
    expect(made[0]?.closed).toBe(true)
  })
})

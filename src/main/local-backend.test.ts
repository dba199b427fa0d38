import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ParacordError } from '../shared/api'
import { TEST_KDF } from '../core/crypto/test-kdf'
import { createParacordCore } from '../core/paracord-core'
import { startLocalBackend } from '../core/local-backend'
import { EMBEDDED_SECRET_HEADER } from '../shared/embedded-backend'
import { observeApi, type CallReport } from './policy/api-observer'

describe('startLocalBackend with the shell’s API observer', () => {
  it('starts a local server in the data folder, in its own process, and reports successful calls only', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'paracord-desktop-'))
    const backend = await startLocalBackend({
      dataDir,
      serverUrl: null,
      createCore: (options) => createParacordCore({ ...options, kdf: TEST_KDF }),
    })
    try {
      expect(backend.embeddedServer).not.toBeNull()
      expect(backend.embeddedServer?.pid).toEqual(expect.any(Number))
      expect(backend.embeddedServer?.pid).not.toBe(process.pid)
      expect(backend.serverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const access = backend.embeddedServer!.access
      const withSecret = { headers: { [EMBEDDED_SECRET_HEADER]: access.secret } }
      expect((await fetch(`${backend.serverUrl}/healthz`, withSecret)).ok).toBe(true)
      expect((await fetch(`${backend.serverUrl}/healthz`)).status).toBe(401)
      expect((await stat(join(dataDir, 'server.db'))).isFile()).toBe(true)

      const reports: CallReport[] = []
      const api = observeApi(backend.core, (report) => {
        reports.push(report)
        throw new Error('an observer failure never reaches the page')
      })
      const events: string[] = []
      api.on('authChanged', (state) => events.push(state.status))

      await expect(api.unlock({ password: 'nothing to unlock' })).rejects.toBeInstanceOf(
        ParacordError,
      )
      const state = await api.register({ name: 'alice', password: 'correct horse battery' })
      expect(state.status).toBe('unlocked')
      expect(reports.map((report) => report.method)).toEqual(['register'])
      expect(reports[0]).toMatchObject({
        input: { name: 'alice', password: 'correct horse battery' },
        output: { status: 'unlocked', name: 'alice' },
      })
      expect(events).toContain('unlocked')
      await api.lock({})
      expect((await api.getAuthState({})).status).toBe('locked')
    } finally {
      await backend.close()
      await backend.close()
      await rm(dataDir, { recursive: true, force: true })
    }
  })

  it('uses the configured server and starts none; another app’s local server refuses it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'paracord-desktop-'))
    const local = await startLocalBackend({
      dataDir: join(dataDir, 'server'),
      serverUrl: null,
      createCore: (options) => createParacordCore({ ...options, kdf: TEST_KDF }),
    })
    const backend = await startLocalBackend({
      dataDir: join(dataDir, 'client'),
      serverUrl: local.serverUrl,
      createCore: (options) => createParacordCore({ ...options, kdf: TEST_KDF }),
    })
    try {
      expect(backend.embeddedServer).toBeNull()
      expect(backend.serverUrl).toBe(local.serverUrl)
      await expect(stat(join(dataDir, 'client', 'server.db'))).rejects.toThrow()
      // Without the secret of the app that started it, the local server is not for this core.
      const refused = await backend.core
        .register({ name: 'mallory', password: 'correct horse battery' })
        .catch((error: unknown) => error)
      expect(refused).toBeInstanceOf(ParacordError)
      expect((refused as ParacordError).message).toMatch(/another paracord/)
    } finally {
      await backend.close()
      await local.close()
      await rm(dataDir, { recursive: true, force: true })
    }
  })

  it('closes what it started when the core cannot start', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'paracord-desktop-'))
    let serverUrl = ''
    await expect(
      startLocalBackend({
        dataDir,
        serverUrl: null,
        createCore: (options) => {
          serverUrl = options.serverUrl
          return Promise.reject(new Error('core failed'))
        },
      }),
    ).rejects.toThrow('core failed')
    await expect(fetch(`${serverUrl}/healthz`)).rejects.toThrow()
    await rm(dataDir, { recursive: true, force: true })
  })
})

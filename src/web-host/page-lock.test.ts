// The printed link drives the account: with the real core behind the host, the account locks
// once no page has been open for a while, and the next page must give the password.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthState } from '../shared/api'
import { TEST_KDF } from '../core/crypto/test-kdf'
import { TEST_PASSWORD } from '../core/account/test-passwords'
import { settle, waitFor } from '../core/net/test-waiting'
import { createParacordCore, type ParacordCore } from '../core/paracord-core'
import { startServer, type RunningServer } from '../server'
import { makeRendererDir, openServed } from './test-host'
import { startWebHost, type RunningWebHost } from './web-host'

const LOCK_AFTER_MS = 300

let dir: string
let server: RunningServer
let core: ParacordCore
let host: RunningWebHost
let renderer: Awaited<ReturnType<typeof makeRendererDir>>
const authStates: AuthState['status'][] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paracord-page-lock-'))
  server = await startServer({ db: `sqlite:${join(dir, 'store.db')}`, port: 0, logLevel: 'silent' })
  core = await createParacordCore({
    dataDir: join(dir, 'alice'),
    serverUrl: server.url,
    kdf: TEST_KDF,
  })
  core.on('authChanged', (state) => authStates.push(state.status))
  renderer = await makeRendererDir()
  host = await startWebHost({
    api: core,
    rendererDir: renderer.root,
    port: 0,
    lockAfterLastPageMs: LOCK_AFTER_MS,
    onInternalError: () => {},
  })
})

afterAll(async () => {
  await host?.close()
  await core?.close()
  await server?.close()
  await renderer?.dispose()
  await rm(dir, { recursive: true, force: true })
})

const authOf = async (socket: Awaited<ReturnType<typeof openServed>>) =>
  (await socket.call('getAuthState', {})).result

describe('a page opened with the link', () => {
  it('finds the account locked once no page was open for a while, and must unlock it', async () => {
    const first = await openServed(host)
    const registered = await first.call('register', { name: 'alice', password: TEST_PASSWORD })
    expect(registered.result).toMatchObject({ ok: true, value: { status: 'unlocked' } })

    // A reload: the page goes and comes back at once; the account stays unlocked.
    first.ws.close()
    await first.closed
    const reloaded = await openServed(host)
    expect(await authOf(reloaded)).toMatchObject({ value: { status: 'unlocked' } })

    // The last page closes: after the grace time the account locks by itself.
    reloaded.ws.close()
    await reloaded.closed
    await waitFor(() => authStates.at(-1) === 'locked', 'the account to lock')

    const later = await openServed(host)
    expect(await authOf(later)).toMatchObject({ value: { status: 'locked', name: 'alice' } })
    const listed = await later.call('listServers', {})
    expect(listed.result).toMatchObject({ ok: false, error: { code: 'locked' } })
    const wrong = await later.call('unlock', { password: 'not the right password at all' })
    expect(wrong.result).toMatchObject({ ok: false, error: { code: 'wrong_password' } })
    const right = await later.call('unlock', { password: TEST_PASSWORD })
    expect(right.result).toMatchObject({ ok: true, value: { status: 'unlocked' } })
    later.ws.close()
    await later.closed
  })

  it('does not lock while a page stays open', async () => {
    const open = await openServed(host)
    const locksBefore = authStates.filter((s) => s === 'locked').length
    await open.call('unlock', { password: TEST_PASSWORD })
    // Longer than the grace time, with the page open all along.
    await settle(LOCK_AFTER_MS * 3)
    expect(await authOf(open)).toMatchObject({ value: { status: 'unlocked' } })
    expect(authStates.filter((s) => s === 'locked')).toHaveLength(locksBefore)
    open.ws.close()
    await open.closed
  })
})

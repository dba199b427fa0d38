// @vitest-environment happy-dom
// The removal notice, delivered by the core's serverRemoved event as the app hears it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ApiEvents, ParacordApi, ServerSummary } from '../../../shared/api'

type Listener = (payload: never) => void

/** Starts the app's stores afresh (as a new start of the app does) and subscribes them. */
async function startApp() {
  vi.resetModules()
  const listeners = new Map<string, Listener>()
  const paracord = {
    on: (name: string, listener: Listener) => {
      listeners.set(name, listener)
      return () => listeners.delete(name)
    },
  } as unknown as ParacordApi
  const { subscribeEvents } = await import('./events')
  const { useUi } = await import('./ui')
  const { useServers } = await import('./servers')
  const { installApi } = await import('./test-api')
  installApi({ listServers: () => Promise.resolve([]) })
  subscribeEvents(paracord)
  const emit = <K extends keyof ApiEvents>(name: K, payload: ApiEvents[K]) =>
    (listeners.get(name) as ((payload: ApiEvents[K]) => void) | undefined)?.(payload)
  const notices = () => useUi.getState().notices.map((notice) => notice.text)
  return { emit, notices, useServers }
}

const HIDEOUT: ServerSummary = {
  id: 'server-hideout-aaaaaaa',
  name: 'Hideout',
  myRole: 'member',
  unread: 0,
}

beforeEach(() => localStorage.clear())
afterEach(() => localStorage.clear())

describe('the removal notice', () => {
  it('is shown once, not again when a later start reports the same removal', async () => {
    const first = await startApp()
    first.useServers.getState().applyList([HIDEOUT])
    first.emit('serverRemoved', { serverId: HIDEOUT.id, reason: 'removed' })
    expect(first.notices()).toEqual(['You were removed from Hideout.'])
    first.emit('serverRemoved', { serverId: HIDEOUT.id, reason: 'removed' })
    expect(first.notices()).toEqual(['You were removed from Hideout.'])

    const next = await startApp()
    next.emit('serverRemoved', { serverId: HIDEOUT.id, reason: 'removed' })
    expect(next.notices()).toEqual([])
  })

  it('is shown again for a new removal after the person was back in the server', async () => {
    const app = await startApp()
    app.useServers.getState().applyList([HIDEOUT])
    app.emit('serverRemoved', { serverId: HIDEOUT.id, reason: 'removed' })
    app.emit('serversChanged', [HIDEOUT])
    app.emit('serverRemoved', { serverId: HIDEOUT.id, reason: 'removed' })
    expect(app.notices()).toEqual([
      'You were removed from Hideout.',
      'You were removed from Hideout.',
    ])
  })

  it('says nothing when the person left on their own', async () => {
    const app = await startApp()
    app.emit('serverRemoved', { serverId: HIDEOUT.id, reason: 'left' })
    expect(app.notices()).toEqual([])
  })
})

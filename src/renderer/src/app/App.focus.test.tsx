// @vitest-environment happy-dom
// Where focus lands at the turning points of a first session, driven through the whole app as
// the Electron preload hands it its API (window.paracord).
import { cleanup, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AuthState, ParacordApi, ServerDetails } from '../../../shared/api'
import { deferred } from '../store/test-api'
import { GENERAL, makeServer } from '../store/test-servers'

const PASSWORD = 'violet-harbour-lantern-42'
const SIGNED_OUT: AuthState = { status: 'signed_out', name: null, userId: null }
const UNLOCKED: AuthState = { status: 'unlocked', name: 'mira', userId: 'user-mira-aaaaaaaaaaa' }
const LOCKED: AuthState = { ...UNLOCKED, status: 'locked' }

type Listener = (payload: never) => void
const listeners = new Map<string, Listener>()

/** Sends an event as the core does. */
function emit(name: 'authChanged', payload: AuthState): void {
  ;(listeners.get(name) as ((state: AuthState) => void) | undefined)?.(payload)
}

/** The core as the app sees it: the methods a test gives; any other call fails loudly. */
function provideApi(methods: Partial<ParacordApi>): void {
  listeners.clear()
  const base: Partial<ParacordApi> = {
    on: (name: string, listener: Listener) => {
      listeners.set(name, listener)
      return () => listeners.delete(name)
    },
    getProfile: () =>
      Promise.resolve({ userId: UNLOCKED.userId!, name: 'mira', displayName: 'mira', status: '' }),
    getConnectionState: () =>
      Promise.resolve({ status: 'online', outbox: 0, reason: null, sendingPausedUntil: null }),
    markRead: () => Promise.resolve(null),
    listMessages: () => Promise.resolve({ messages: [], hasOlder: false }),
    ...methods,
  }
  const api = new Proxy(base, {
    get: (target, name) => {
      // The app awaits the API object itself: it must not look like a promise.
      if (typeof name !== 'string' || name === 'then') return undefined
      return (
        (target as Record<string, unknown>)[name] ??
        (() => Promise.reject(new Error(`the test gave no ${name}`)))
      )
    },
  })
  Object.defineProperty(window, 'paracord', { value: api, configurable: true })
}

/** A fresh app (its session starts once per page, so once per test). */
async function renderApp() {
  vi.resetModules()
  const { App } = await import('./App')
  document.body.innerHTML = '<div id="root"></div>'
  render(<App />, { container: document.getElementById('root')! })
}

const focused = () => document.activeElement
/** The empty main view's button (the rail's "+" has the same name). */
const startButton = () => screen.findByText('Create or join a server', { selector: 'main button' })

beforeEach(() => localStorage.clear())
afterEach(() => {
  cleanup()
  Reflect.deleteProperty(window, 'paracord')
})

describe('focus', () => {
  it('after registering, rests on what to do first', async () => {
    provideApi({
      getAuthState: () => Promise.resolve(SIGNED_OUT),
      register: vi.fn(() => Promise.resolve(UNLOCKED)),
      listServers: () => Promise.resolve([]),
    })
    const user = userEvent.setup()
    await renderApp()

    await user.type(await screen.findByLabelText('Account name'), 'mira')
    await user.type(screen.getByLabelText('Password'), PASSWORD)
    await user.type(screen.getByLabelText('Confirm password'), PASSWORD)
    await vi.waitFor(() =>
      expect(screen.getByTestId('password-strength').textContent).toMatch(/^(Good|Strong)\./),
    )
    await user.keyboard('{Enter}')

    const start = await startButton()
    await vi.waitFor(() => expect(focused()).toBe(start))
  })

  it('after creating a server, goes to the composer of its first text channel', async () => {
    const garden: ServerDetails = makeServer({ name: 'Garden', members: [] })
    let servers: ServerDetails[] = []
    provideApi({
      getAuthState: () => Promise.resolve(UNLOCKED),
      listServers: () => Promise.resolve(servers),
      createServer: vi.fn(() => {
        servers = [garden]
        return Promise.resolve(garden)
      }),
      getServer: () => Promise.resolve(garden),
    })
    const user = userEvent.setup()
    await renderApp()

    const start = await startButton()
    await vi.waitFor(() => expect(focused()).toBe(start))
    await user.keyboard('{Enter}')
    await user.type(screen.getByLabelText('Server name'), 'Garden{Enter}')

    const composer = await screen.findByRole('textbox', { name: `Message #${GENERAL.name}` })
    await vi.waitFor(() => expect(focused()).toBe(composer))
  })

  it('on the lock screen, is in the password field', async () => {
    // As the core does: it announces the lock while the call that locked is still answering.
    const answered = deferred<AuthState>()
    provideApi({
      getAuthState: () => Promise.resolve(UNLOCKED),
      listServers: () => Promise.resolve([]),
      lock: vi.fn(() => {
        emit('authChanged', LOCKED)
        setTimeout(() => answered.resolve(LOCKED), 50)
        return answered.promise
      }),
    })
    const user = userEvent.setup()
    await renderApp()

    await user.click(await screen.findByRole('button', { name: 'Lock paracord' }))

    const password = await screen.findByLabelText('Password')
    await vi.waitFor(() => expect(focused()).toBe(password))
  })
})

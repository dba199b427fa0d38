// The preload's API as the page sees it, through a model of contextBridge's copying rules
// (test-context-bridge.ts): every failure keeps its code on the way to the renderer's
// errorCode(), so the screens can say "wrong password" instead of "Something went wrong".
import type { IpcRendererEvent } from 'electron'
import { describe, expect, it } from 'vitest'
import { createApiDispatcher } from '../core/api-dispatch'
import { describeError, errorCode } from '../renderer/src/store/errors'
import { API_ERROR_CODES, ParacordError, type ParacordApi } from '../shared/api'
import { DESKTOP_EVENT_CHANNEL, DESKTOP_INVOKE_CHANNELS } from '../shared/desktop-api'
import { IPC_EVENT_CHANNEL, IPC_PREFIX, type CallResult } from '../shared/transport'
import { createExposedApi, createExposedDesktopApi, type PreloadIpc } from './expose'
import { copyAcrossBridge, exposeInMainWorld } from './test-context-bridge'

type Listener = (event: IpcRendererEvent, message: unknown) => void

/** An ipcRenderer whose main side answers with `answer`; events are delivered by `emit`. */
function ipcAnswering(answer: (channel: string, input: unknown) => Promise<unknown>) {
  const listeners = new Map<string, Set<Listener>>()
  const ipc = {
    invoke: (channel: string, input?: unknown) => answer(channel, input),
    on(channel: string, listener: Listener) {
      const set = listeners.get(channel) ?? new Set()
      set.add(listener)
      listeners.set(channel, set)
      return ipc
    },
    removeListener(channel: string, listener: Listener) {
      listeners.get(channel)?.delete(listener)
      return ipc
    },
  }
  const emit = (channel: string, message: unknown) => {
    for (const listener of listeners.get(channel) ?? []) listener({} as IpcRendererEvent, message)
  }
  return { ipc: ipc as unknown as PreloadIpc, emit }
}

const failed = (code: (typeof API_ERROR_CODES)[number], message: string): CallResult => ({
  ok: false,
  error: { code, message },
})

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (reason) {
    return reason
  }
  throw new Error('expected the call to fail')
}

describe('the model of contextBridge', () => {
  it('drops an Error’s code and keeps a plain object’s', async () => {
    const asError = copyAcrossBridge(new ParacordError('wrong_password', 'no'))
    expect(asError).toBeInstanceOf(Error)
    expect(asError).not.toBeInstanceOf(ParacordError)
    expect((asError as Error).message).toBe('no')
    expect(errorCode(asError)).toBeNull()
    expect(errorCode(copyAcrossBridge({ code: 'wrong_password', message: 'no' }))).toBe(
      'wrong_password',
    )

    // A ParacordError thrown as the preload used to throw it reaches the page without a code.
    const page = exposeInMainWorld({
      call: () => Promise.reject(new ParacordError('locked', 'locked')),
    })
    expect(errorCode(await rejectionOf(page.call()))).toBeNull()
  })

  it('turns a synchronous throw, of anything, into an Error with its message', () => {
    const page = exposeInMainWorld({
      throwsObject: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw { code: 'locked', message: 'locked' }
      },
    })
    expect(() => page.throwsObject()).toThrow(Error)
    try {
      page.throwsObject()
    } catch (error) {
      expect(errorCode(error)).toBeNull()
      expect((error as Error).message).toBe('locked')
    }
  })
})

describe('the exposed ParacordApi', () => {
  it('delivers every error code to the renderer’s errorCode()', async () => {
    for (const code of API_ERROR_CODES) {
      const { ipc } = ipcAnswering(() => Promise.resolve(failed(code, `because ${code}`)))
      const page = exposeInMainWorld(createExposedApi(ipc))
      const reason = await rejectionOf(page.unlock({ password: 'x' }))
      expect(reason).toEqual({ code, message: `because ${code}` })
      expect(errorCode(reason)).toBe(code)
    }
  })

  it('lets the screens say what went wrong, not "Something went wrong"', async () => {
    const { ipc } = ipcAnswering(() => Promise.resolve(failed('wrong_password', 'nope')))
    const page = exposeInMainWorld(createExposedApi(ipc))
    expect(describeError(await rejectionOf(page.unlock({ password: 'x' })))).toBe(
      'That password is not right.',
    )
  })

  it('carries the main process’s own refusal of bad input', async () => {
    // The main side as ipc.ts runs it: the contract's dispatcher, which checks input first.
    const dispatch = createApiDispatcher({} as ParacordApi)
    const { ipc } = ipcAnswering((channel, input) =>
      dispatch(channel.slice(IPC_PREFIX.length), input),
    )
    const page = exposeInMainWorld(createExposedApi(ipc))
    const reason = await rejectionOf(page.getServer({ serverId: 'not an id' }))
    expect(errorCode(reason)).toBe('invalid_input')
  })

  it('resolves with the value, copied', async () => {
    const auth = { status: 'signed_out', name: null, userId: null }
    const { ipc } = ipcAnswering(() => Promise.resolve({ ok: true, value: auth }))
    const page = exposeInMainWorld(createExposedApi(ipc))
    expect(await page.getAuthState({})).toEqual(auth)
  })

  it('delivers subscribed events and stops after unsubscribing; unknown events are refused', () => {
    const { ipc, emit } = ipcAnswering(() => Promise.resolve(null))
    const page = exposeInMainWorld(createExposedApi(ipc))
    const seen: unknown[] = []
    const stop = page.on('serverRemoved', (payload) => seen.push(payload))
    const payload = { serverId: 's', reason: 'left' }
    emit(IPC_EVENT_CHANNEL, { event: 'serverRemoved', payload })
    emit(IPC_EVENT_CHANNEL, { event: 'authChanged', payload: {} })
    stop()
    emit(IPC_EVENT_CHANNEL, { event: 'serverRemoved', payload })
    expect(seen).toEqual([payload])
    expect(() => page.on('nope' as 'authChanged', () => {})).toThrow(/unknown event nope/)
  })
})

describe('the exposed desktop API', () => {
  it('asks for the update status, restarts on request and passes status events', async () => {
    const asked: string[] = []
    const { ipc, emit } = ipcAnswering((channel) => {
      asked.push(channel)
      return Promise.resolve(
        channel === DESKTOP_INVOKE_CHANNELS.getUpdateStatus
          ? { state: 'ready', version: '1.2.3' }
          : 'in_call',
      )
    })
    const page = exposeInMainWorld(createExposedDesktopApi(ipc))
    expect(await page.getUpdateStatus()).toEqual({ state: 'ready', version: '1.2.3' })
    expect(await page.restartToUpdate()).toBe('in_call')
    expect(asked).toEqual([
      DESKTOP_INVOKE_CHANNELS.getUpdateStatus,
      DESKTOP_INVOKE_CHANNELS.restartToUpdate,
    ])
    const seen: unknown[] = []
    const stop = page.onUpdateStatus((status) => seen.push(status))
    emit(DESKTOP_EVENT_CHANNEL, { event: 'updateStatus', payload: { state: 'none' } })
    emit(DESKTOP_EVENT_CHANNEL, { event: 'inviteOpened', payload: null })
    stop()
    emit(DESKTOP_EVENT_CHANNEL, { event: 'updateStatus', payload: { state: 'none' } })
    expect(seen).toEqual([{ state: 'none' }])
  })

  it('takes the opened invite on its own channel and tells when one opens', async () => {
    const opened = {
      link: 'paracord://invite/0123456789abcdefghjkmnpqrs?server=https%3A%2F%2Fchat.example.org',
      server: 'https://chat.example.org',
    }
    const waiting: unknown[] = [opened, null]
    const asked: string[] = []
    const { ipc, emit } = ipcAnswering((channel) => {
      asked.push(channel)
      return Promise.resolve(waiting.shift())
    })
    const page = exposeInMainWorld(createExposedDesktopApi(ipc))
    expect(await page.takeOpenedInvite()).toEqual(opened)
    expect(await page.takeOpenedInvite()).toBeNull()
    expect(asked).toEqual([
      DESKTOP_INVOKE_CHANNELS.takeOpenedInvite,
      DESKTOP_INVOKE_CHANNELS.takeOpenedInvite,
    ])

    let told = 0
    const stop = page.onInviteOpened(() => (told += 1))
    emit(DESKTOP_EVENT_CHANNEL, { event: 'updateStatus', payload: { state: 'none' } })
    emit(DESKTOP_EVENT_CHANNEL, { event: 'inviteOpened', payload: null })
    expect(told).toBe(1)
    stop()
    emit(DESKTOP_EVENT_CHANNEL, { event: 'inviteOpened', payload: null })
    expect(told).toBe(1)
  })
})

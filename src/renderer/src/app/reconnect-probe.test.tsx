// @vitest-environment happy-dom
import { cleanup, render } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useConnection } from '../store/connection'
import { installApi } from '../store/test-api'
import { useReconnectProbe } from './reconnect-probe'

function Probe({ enabled }: { enabled: boolean }) {
  useReconnectProbe(enabled)
  return null
}

const offline = {
  status: 'offline',
  outbox: 1,
  reason: 'connection lost',
  sendingPausedUntil: null,
} as const
const online = { status: 'online', outbox: 0, reason: null, sendingPausedUntil: null } as const

beforeEach(() => useConnection.getState().reset())
afterEach(cleanup)

describe('useReconnectProbe', () => {
  it('asks the core when the window regains focus and when the network returns', async () => {
    const api = installApi({ getConnectionState: vi.fn(() => Promise.resolve(online)) })
    useConnection.getState().applyConnection(offline)
    render(<Probe enabled />)

    window.dispatchEvent(new Event('focus'))
    await vi.waitFor(() => expect(useConnection.getState().status).toBe('online'))
    window.dispatchEvent(new Event('online'))
    await vi.waitFor(() => expect(api.getConnectionState).toHaveBeenCalledTimes(2))
  })

  it('asks nothing while locked, nor once gone', () => {
    const api = installApi({ getConnectionState: vi.fn(() => Promise.resolve(online)) })
    const { rerender, unmount } = render(<Probe enabled={false} />)
    window.dispatchEvent(new Event('focus'))
    rerender(<Probe enabled />)
    unmount()
    window.dispatchEvent(new Event('online'))
    expect(api.getConnectionState).not.toHaveBeenCalled()
  })

  it('keeps the state it had when the core cannot be asked', async () => {
    const api = installApi({
      getConnectionState: vi.fn(() => Promise.reject(new Error('host gone'))),
    })
    useConnection.getState().applyConnection(offline)
    render(<Probe enabled />)
    window.dispatchEvent(new Event('focus'))
    await vi.waitFor(() => expect(api.getConnectionState).toHaveBeenCalledTimes(1))
    expect(useConnection.getState()).toMatchObject({ status: 'offline', outbox: 1 })
  })
})

// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConnectionState } from '../../../shared/api'
import { tick } from '../store/clock'
import { useConnection } from '../store/connection'
import { ConnectionBanner } from './ConnectionBanner'

const NOW = Date.UTC(2026, 0, 5, 9, 0, 0)
const online: ConnectionState = {
  status: 'online',
  outbox: 0,
  reason: null,
  sendingPausedUntil: null,
}

const banner = () => screen.getByTestId('connection-banner')
/** What the core's connectionChanged event does to the store. */
const report = (state: Partial<ConnectionState>) =>
  act(() => useConnection.getState().applyConnection({ ...online, ...state }))

beforeEach(() => {
  useConnection.getState().reset()
  tick(NOW)
})
afterEach(cleanup)

describe('the connection banner while the server asked to slow down', () => {
  it('says sending is paused and counts down to the retry, then goes once it is over', () => {
    render(<ConnectionBanner />)
    report({ outbox: 2 })
    expect(banner().textContent).toBe('2 messages waiting to send')

    report({ outbox: 2, sendingPausedUntil: NOW + 4000 })
    const region = screen.getByRole('status')
    expect(region.getAttribute('aria-live')).toBe('polite')
    expect(region.textContent).toContain('Sending paused: the server asked to slow down.')
    expect(screen.getByTestId('retry-countdown').textContent).toBe('Trying again in 4s')
    // Screen readers hear the wait once, in words, not a new number every second.
    expect(region.textContent).toContain('Trying again in 4 seconds')

    act(() => tick(NOW + 1000))
    expect(screen.getByTestId('retry-countdown').textContent).toBe('Trying again in 3s')
    expect(region.textContent).toContain('Trying again in 4 seconds')
    act(() => tick(NOW + 4000))
    expect(screen.getByTestId('retry-countdown').textContent).toBe('Trying again now')

    // The retry went out and the messages were delivered.
    report({ outbox: 0, sendingPausedUntil: null })
    expect(banner().textContent).toBe('')
    expect(screen.queryByTestId('retry-countdown')).toBeNull()
  })

  it('starts a new count, and says it anew, when the server asks again', () => {
    render(<ConnectionBanner />)
    report({ outbox: 1, sendingPausedUntil: NOW + 2000 })
    act(() => tick(NOW + 2000))
    report({ outbox: 1, sendingPausedUntil: NOW + 62_000 })
    expect(screen.getByTestId('retry-countdown').textContent).toBe('Trying again in 60s')
    expect(banner().textContent).toContain('Trying again in 60 seconds')
  })

  it('leaves being offline to say first', () => {
    render(<ConnectionBanner />)
    report({ status: 'offline', outbox: 1, reason: 'lost', sendingPausedUntil: NOW + 4000 })
    expect(banner().textContent).toBe(
      "You're offline. Messages will send when you're back. · 1 message waiting to send",
    )
  })
})

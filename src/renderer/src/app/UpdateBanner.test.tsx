// @vitest-environment happy-dom
// The "Restart to update" banner as the desktop preload feeds it (window.paracordDesktop).
import { act, cleanup, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it } from 'vitest'
import type { DesktopApi, RestartOutcome, UpdateStatus } from '../../../shared/desktop-api'
import { deferred } from '../store/test-api'
import { UpdateBanner } from './UpdateBanner'

afterEach(cleanup)

/** The desktop contract with a status the test sets and restarts it records. */
function desktopWith(initial: UpdateStatus, answer: RestartOutcome = 'restarting') {
  const listeners = new Set<(status: UpdateStatus) => void>()
  const restarts: RestartOutcome[] = []
  const desktop: DesktopApi = {
    getUpdateStatus: () => Promise.resolve(initial),
    restartToUpdate: () => {
      restarts.push(answer)
      return Promise.resolve(answer)
    },
    onUpdateStatus: (listener) => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    takeOpenedInvite: () => Promise.resolve(null),
    onInviteOpened: () => () => undefined,
  }
  const announce = (status: UpdateStatus) => act(() => listeners.forEach((l) => l(status)))
  return { desktop, restarts, announce, listeners }
}

describe('UpdateBanner', () => {
  it('says nothing until there is something to say, then offers the restart', async () => {
    const { desktop, announce } = desktopWith({ state: 'none' })
    render(<UpdateBanner desktop={desktop} />)
    await act(() => Promise.resolve())
    expect(screen.queryByTestId('update-banner')).toBeNull()
    announce({ state: 'ready', version: '0.2.0' })
    expect(screen.getByTestId('update-banner').textContent).toContain('paracord 0.2.0 is ready.')
    expect(screen.getByRole('button', { name: 'Restart to update' })).toBeTruthy()
  })

  it('restarts when asked, and only then', async () => {
    const { desktop, restarts } = desktopWith({ state: 'ready', version: '0.2.0' })
    render(<UpdateBanner desktop={desktop} />)
    const button = await screen.findByRole('button', { name: 'Restart to update' })
    expect(restarts).toEqual([])
    await userEvent.click(button)
    expect(restarts).toEqual(['restarting'])
    expect(screen.getByTestId('update-banner').textContent).toContain('Restarting…')
  })

  it('says the update waits for the end of a call when a call is on', async () => {
    const { desktop } = desktopWith({ state: 'ready', version: '0.2.0' }, 'in_call')
    render(<UpdateBanner desktop={desktop} />)
    await userEvent.click(await screen.findByRole('button', { name: 'Restart to update' }))
    expect(screen.getByTestId('update-banner').textContent).toContain(
      'It will install once your call ends: restart then.',
    )
    expect(screen.getByRole('button', { name: 'Restart to update' })).toBeTruthy()
  })

  it('only tells of a version it cannot install, with no restart button', async () => {
    const { desktop } = desktopWith({ state: 'available', version: '0.3.0' })
    render(<UpdateBanner desktop={desktop} />)
    expect(await screen.findByText(/paracord 0.3.0 is available/)).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Restart to update' })).toBeNull()
  })

  it('goes away for now on "Later", and comes back with the next news', async () => {
    const { desktop, announce } = desktopWith({ state: 'available', version: '0.3.0' })
    render(<UpdateBanner desktop={desktop} />)
    await userEvent.click(await screen.findByRole('button', { name: 'Later' }))
    expect(screen.queryByTestId('update-banner')).toBeNull()
    announce({ state: 'ready', version: '0.3.0' })
    expect(screen.getByTestId('update-banner')).toBeTruthy()
  })

  it('shows nothing in a browser, and stops listening when gone', async () => {
    render(<UpdateBanner desktop={undefined} />)
    expect(screen.queryByTestId('update-banner')).toBeNull()
    const { desktop, listeners } = desktopWith({ state: 'none' })
    const pending = deferred<UpdateStatus>()
    const { unmount } = render(
      <UpdateBanner desktop={{ ...desktop, getUpdateStatus: () => pending.promise }} />,
    )
    expect(listeners.size).toBe(1)
    unmount()
    expect(listeners.size).toBe(0)
    // A late answer after unmounting changes nothing (and warns of nothing).
    pending.resolve({ state: 'ready', version: '9.9.9' })
    await act(() => pending.promise)
  })
})

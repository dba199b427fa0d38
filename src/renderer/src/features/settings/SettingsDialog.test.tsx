// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ParacordApi, Settings } from '../../../../shared/api'
import { ParacordError } from '../../../../shared/api-errors'
import { emptyAuth, useAuth } from '../../store/auth'
import { emptyServers, useServers } from '../../store/servers'
import { emptySettings, useSettings } from '../../store/settings'
import { installApi } from '../../store/test-api'
import { SettingsDialog } from './SettingsDialog'

const passwordForm = () => within(screen.getByRole('form', { name: 'Change password' }))
const field = (label: string) => passwordForm().getByLabelText<HTMLInputElement>(label)

beforeEach(() => {
  useAuth.setState(emptyAuth())
  useAuth.getState().applyAuth({ status: 'unlocked', name: 'alice', userId: 'user-alice-aaaa' })
  useSettings.setState(emptySettings())
})
afterEach(cleanup)

describe('changing the password', () => {
  it('refuses a weak new password in the core’s words, and keeps what was typed', async () => {
    const api = installApi({ changePassword: vi.fn(() => Promise.resolve(null)) })
    const user = userEvent.setup()
    render(<SettingsDialog />)

    await user.type(field('Current password'), 'copper kettle drums at dawn')
    await user.type(field('New password'), 'alice2024')
    await vi.waitFor(() =>
      expect(passwordForm().getByTestId('password-strength').textContent).toMatch(/^Weak\. /),
    )
    await user.type(field('Confirm new password'), 'alice2024')
    await user.click(passwordForm().getByRole('button', { name: 'Change password' }))

    expect(passwordForm().getByRole('alert').textContent).toBe(
      'The password is too easy to guess. Avoid using your account name in the password. Add more words that are less common.',
    )
    expect(api.changePassword).not.toHaveBeenCalled()
    expect(field('New password').value).toBe('alice2024')
  })

  it('says why when the core refuses the new password', async () => {
    const reason = 'The password is too easy to guess. This is a commonly used password.'
    installApi({
      changePassword: vi.fn(() => Promise.reject(new ParacordError('weak_password', reason))),
    })
    const user = userEvent.setup()
    render(<SettingsDialog />)

    await user.type(field('Current password'), 'copper kettle drums at dawn')
    await user.type(field('New password'), 'violet harbour lantern')
    await user.type(field('Confirm new password'), 'violet harbour lantern{Enter}')

    expect((await passwordForm().findByRole('alert')).textContent).toBe(reason)
  })
})

describe('calls on servers without a relay', () => {
  const HOME = 'server-home-aaaaaaaa'
  const WORK = 'server-work-aaaaaaaa'
  const CLUB = 'server-club-aaaaaaaa'
  const settings: Settings = {
    autoLockMinutes: 15,
    alwaysRelayCalls: true,
    notificationPreviews: false,
    theme: 'dark',
    directCalls: { [HOME]: true, [WORK]: false },
  }

  beforeEach(() => {
    useServers.setState({
      ...emptyServers(),
      list: [HOME, WORK, CLUB].map((id) => ({
        id,
        name: id.split('-')[1]!.replace(/^./, (first) => first.toUpperCase()),
        myRole: 'member' as const,
        unread: 0,
      })),
    })
  })

  it('lists each server asked about, with its answer, and changes one', async () => {
    useSettings.setState({ settings })
    const api = installApi({
      updateSettings: vi.fn<ParacordApi['updateSettings']>((patch) =>
        Promise.resolve({ ...settings, ...patch }),
      ),
    })
    const user = userEvent.setup()
    render(<SettingsDialog />)

    const home = screen.getByRole('switch', { name: 'Call directly on Home' })
    const work = screen.getByRole('switch', { name: 'Call directly on Work' })
    expect((home as HTMLInputElement).checked).toBe(true)
    expect((work as HTMLInputElement).checked).toBe(false)
    // Never asked about: nothing to change yet.
    expect(screen.queryByRole('switch', { name: 'Call directly on Club' })).toBeNull()

    await user.click(work)

    expect(api.updateSettings).toHaveBeenCalledWith({
      directCalls: { [HOME]: true, [WORK]: true },
    })
    await vi.waitFor(() => expect((work as HTMLInputElement).checked).toBe(true))
  })

  it('are not listed while calls are not always relayed (they go directly anyway)', () => {
    useSettings.setState({ settings: { ...settings, alwaysRelayCalls: false } })
    installApi({})
    render(<SettingsDialog />)

    expect(screen.queryByRole('switch', { name: /^Call directly on/ })).toBeNull()
  })
})

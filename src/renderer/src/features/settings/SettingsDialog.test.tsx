// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ParacordError } from '../../../../shared/api-errors'
import { emptyAuth, useAuth } from '../../store/auth'
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

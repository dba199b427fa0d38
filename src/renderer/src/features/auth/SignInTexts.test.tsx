// @vitest-environment happy-dom
// The words of the sign-in screens where they could mislead: a refused log-in, and the strength
// line under a new password.
import { cleanup, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ParacordError } from '../../../../shared/api-errors'
import { loadPasswordEstimator } from '../../../../shared/password-strength'
import { emptyAuth, useAuth } from '../../store/auth'
import { installApi } from '../../store/test-api'
import { LoginScreen, UnlockScreen } from './AuthScreens'
import { StrengthMeter } from './StrengthMeter'

beforeEach(() => useAuth.setState(emptyAuth()))
afterEach(cleanup)

describe('a refused log-in', () => {
  it.each([
    ['an unknown account', new ParacordError('unknown_account', 'no such account')],
    ['a wrong password', new ParacordError('wrong_password', 'Wrong name or password')],
  ])('says “Wrong name or password” for %s, never blaming the password alone', async (_, error) => {
    installApi({ login: vi.fn(() => Promise.reject(error)) })
    const user = userEvent.setup()
    render(<LoginScreen onRegister={() => {}} />)

    await user.type(screen.getByLabelText('Account name'), 'nobody-here')
    await user.type(screen.getByLabelText('Password'), 'some password{Enter}')

    const shown = await screen.findByTestId('auth-error')
    expect(shown.textContent).toBe('Wrong name or password.')
    // Just above the button that sent it, after the fields, not over the server choice.
    expect(shown.nextElementSibling).toBe(screen.getByRole('button', { name: 'Log in' }))
  })

  it('unlocking this device’s account still speaks of the password only', async () => {
    useAuth
      .getState()
      .applyAuth({ status: 'locked', name: 'alice', userId: 'user-alice-aaaaaaaaaa' })
    installApi({ unlock: vi.fn(() => Promise.reject(new ParacordError('wrong_password', 'no'))) })
    const user = userEvent.setup()
    render(<UnlockScreen />)
    await user.type(screen.getByLabelText('Password'), 'guess{Enter}')
    expect((await screen.findByTestId('auth-error')).textContent).toBe(
      'That password is not right.',
    )
  })
})

describe('the strength line', () => {
  it('names the verdict once and then says something else', async () => {
    const estimate = await loadPasswordEstimator()
    const passwords = ['', 'short', 'password1', 'violet harbour', 'violet-harbour-lantern-42']
    for (const password of passwords) {
      const { unmount } = render(<StrengthMeter strength={estimate(password)} />)
      const line = screen.getByTestId('password-strength').textContent ?? ''
      const sentences = line.split(/(?<=\.)\s+/).map((sentence) => sentence.replace(/\.$/, ''))
      expect(new Set(sentences).size, line).toBe(sentences.length)
      const [verdict, ...rest] = sentences
      for (const sentence of rest) expect(sentence.startsWith(verdict ?? ''), line).toBe(false)
      unmount()
    }
  })
})

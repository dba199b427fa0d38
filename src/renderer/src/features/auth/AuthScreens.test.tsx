// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AuthState } from '../../../../shared/api'
import { ParacordError } from '../../../../shared/api-errors'
import { emptyAuth, useAuth } from '../../store/auth'
import { emptyServerChoice, useServerChoice } from '../../store/server-choice'
import { deferred, installApi } from '../../store/test-api'
import { LoginScreen, RegisterScreen, UnlockScreen } from './AuthScreens'

const UNLOCKED: AuthState = { status: 'unlocked', name: 'alice', userId: 'user-alice-aaaaaaaaaa' }
const SIGNED_OUT: AuthState = { status: 'signed_out', name: null, userId: null }
const THIS_COMPUTER = { kind: 'this_computer' } as const

const field = (label: string) => screen.getByLabelText<HTMLInputElement>(label)
const alert = () => screen.getByTestId('auth-error').textContent

beforeEach(() => {
  useAuth.setState(emptyAuth())
  useServerChoice.setState(emptyServerChoice())
})
afterEach(cleanup)

describe('LoginScreen', () => {
  it('asks for what is missing instead of calling the core', async () => {
    const api = installApi({ login: vi.fn(() => Promise.resolve(UNLOCKED)) })
    const user = userEvent.setup()
    render(<LoginScreen onRegister={() => {}} />)

    await user.click(screen.getByRole('button', { name: 'Log in' }))

    expect(screen.getByText('Enter your account name.')).toBeTruthy()
    expect(screen.getByText('Enter your password.')).toBeTruthy()
    expect(api.login).not.toHaveBeenCalled()
  })

  it('shows that it is working while the keys unlock, and ignores a second press', async () => {
    const reply = deferred<AuthState>()
    const api = installApi({ login: vi.fn(() => reply.promise) })
    const user = userEvent.setup()
    render(<LoginScreen onRegister={() => {}} />)

    await user.type(field('Account name'), ' alice ')
    await user.type(field('Password'), 'correct horse{Enter}')

    expect(api.login).toHaveBeenCalledWith({
      name: 'alice',
      password: 'correct horse',
      backend: THIS_COMPUTER,
    })
    const button = screen.getByRole('button', { name: 'Unlocking your keys…' })
    expect(button.getAttribute('aria-busy')).toBe('true')
    expect(field('Account name').disabled).toBe(true)
    expect(field('Password').disabled).toBe(true)
    expect(screen.getByRole('button', { name: 'Create an account' })).toHaveProperty(
      'disabled',
      true,
    )
    await user.click(button)
    expect(api.login).toHaveBeenCalledTimes(1)

    reply.resolve(UNLOCKED)
    expect(await screen.findByRole('button', { name: 'Log in' })).toBeTruthy()
    expect(useAuth.getState()).toMatchObject({ phase: 'unlocked', name: 'alice', busy: false })
  })

  it('says plainly when the password is wrong, and lets the person try again', async () => {
    const api = installApi({
      login: vi
        .fn()
        .mockRejectedValueOnce(new ParacordError('wrong_password', 'wrong password'))
        .mockResolvedValueOnce(UNLOCKED),
    })
    const user = userEvent.setup()
    render(<LoginScreen onRegister={() => {}} />)

    await user.type(field('Account name'), 'alice')
    await user.type(field('Password'), 'not it{Enter}')

    expect(await screen.findByRole('alert')).toBeTruthy()
    expect(alert()).toBe('Wrong name or password.')
    expect(field('Password').disabled).toBe(false)

    await user.type(field('Password'), '!{Enter}')
    expect(api.login).toHaveBeenCalledTimes(2)
    expect(screen.queryByTestId('auth-error')).toBeNull()
  })

  it('says when the server cannot be reached', async () => {
    installApi({
      login: vi.fn(() => Promise.reject(new ParacordError('server_unreachable', 'ECONNREFUSED'))),
    })
    const user = userEvent.setup()
    render(<LoginScreen onRegister={() => {}} />)

    await user.type(field('Account name'), 'alice')
    await user.type(field('Password'), 'secret{Enter}')

    expect((await screen.findByRole('alert')).textContent).toBe(
      "Can't reach the server. Check your connection.",
    )
  })

  it('leads to registration', async () => {
    const onRegister = vi.fn()
    render(<LoginScreen onRegister={onRegister} />)
    await userEvent.click(screen.getByRole('button', { name: 'Create an account' }))
    expect(onRegister).toHaveBeenCalledTimes(1)
  })
})

describe('RegisterScreen', () => {
  it('checks the name and the passwords before creating anything', async () => {
    const api = installApi({ register: vi.fn(() => Promise.resolve(UNLOCKED)) })
    const user = userEvent.setup()
    render(<RegisterScreen onLogIn={() => {}} />)

    await user.type(field('Account name'), 'al')
    await user.type(field('Password'), 'short')
    await user.type(field('Confirm password'), 'shorter')
    await user.click(screen.getByRole('button', { name: 'Create account' }))

    expect(screen.getByText('Use at least 3 characters.')).toBeTruthy()
    expect(
      screen.getByText('Use at least 8 characters.', { selector: '[role=alert]' }),
    ).toBeTruthy()
    expect(screen.getByText('The passwords do not match.')).toBeTruthy()
    expect(api.register).not.toHaveBeenCalled()

    await user.clear(field('Account name'))
    await user.type(field('Account name'), 'al ice')
    expect(
      screen.getByText('Use only letters, digits, dots, dashes and underscores (up to 32).'),
    ).toBeTruthy()
  })

  it('rates the password as it is typed', async () => {
    const user = userEvent.setup()
    render(<RegisterScreen onLogIn={() => {}} />)
    const strength = screen.getByTestId('password-strength')

    expect(strength.textContent).toBe('Use at least 8 characters; a few unrelated words work well.')
    await user.type(field('Account name'), 'alice')
    await user.type(field('Password'), 'alice2024')
    await vi.waitFor(() =>
      expect(strength.textContent).toBe(
        'Weak. Avoid using your account name in the password. Add more words that are less common.',
      ),
    )

    await user.clear(field('Password'))
    await user.type(field('Password'), 'copper kettle drums at dawn')
    await vi.waitFor(() => expect(strength.textContent).toBe('Strong. Very hard to guess.'))
  })

  it('refuses a weak password in the words the core uses, and creates nothing', async () => {
    const api = installApi({ register: vi.fn(() => Promise.resolve(UNLOCKED)) })
    const user = userEvent.setup()
    render(<RegisterScreen onLogIn={() => {}} />)

    await user.type(field('Account name'), 'alice')
    await user.type(field('Password'), 'password1')
    await vi.waitFor(() =>
      expect(screen.getByTestId('password-strength').textContent).toMatch(/^Weak\. /),
    )
    await user.type(field('Confirm password'), 'password1{Enter}')

    expect(
      screen.getByText(
        'The password is too easy to guess. This is a commonly used password. Add more words that are less common.',
        { selector: '[role=alert]' },
      ),
    ).toBeTruthy()
    expect(api.register).not.toHaveBeenCalled()
    expect(field('Password').value).toBe('password1')
    expect(field('Account name').value).toBe('alice')
  })

  it('says why when the core refuses the password', async () => {
    const reason = 'The password is too easy to guess. This is similar to a commonly used password.'
    installApi({
      register: vi.fn(() => Promise.reject(new ParacordError('weak_password', reason))),
    })
    const user = userEvent.setup()
    render(<RegisterScreen onLogIn={() => {}} />)

    await user.type(field('Account name'), 'alice')
    await user.type(field('Password'), 'copper kettle drums')
    await user.type(field('Confirm password'), 'copper kettle drums{Enter}')

    const error = await screen.findByTestId('auth-error')
    expect(error.textContent).toBe(reason)
    expect(error.nextElementSibling).toBe(screen.getByRole('button', { name: 'Create account' }))
    expect(field('Password').value).toBe('copper kettle drums')
  })

  it('creates the account, busy while the keys are made, and says when the name is taken', async () => {
    const reply = deferred<AuthState>()
    const api = installApi({ register: vi.fn(() => reply.promise) })
    const user = userEvent.setup()
    render(<RegisterScreen onLogIn={() => {}} />)

    await user.type(field('Account name'), 'alice')
    await user.type(field('Password'), 'copper kettle drums')
    await user.type(field('Confirm password'), 'copper kettle drums{Enter}')

    expect(api.register).toHaveBeenCalledWith({
      name: 'alice',
      password: 'copper kettle drums',
      backend: THIS_COMPUTER,
    })
    expect(screen.getByRole('button', { name: 'Creating your keys…' })).toBeTruthy()
    expect(field('Confirm password').disabled).toBe(true)

    reply.reject(new ParacordError('name_taken', 'name taken'))
    expect((await screen.findByTestId('auth-error')).textContent).toBe(
      'That name is taken. Try another one.',
    )
    expect(screen.getByRole('button', { name: 'Create account' })).toBeTruthy()
  })
})

describe('UnlockScreen', () => {
  beforeEach(() => {
    useAuth.getState().applyAuth({ ...UNLOCKED, status: 'locked' })
  })

  it('names the locked account and unlocks it with the password', async () => {
    const api = installApi({ unlock: vi.fn(() => Promise.resolve(UNLOCKED)) })
    const user = userEvent.setup()
    render(<UnlockScreen />)

    expect(screen.getByText('Enter the password for alice to unlock.')).toBeTruthy()
    expect(screen.getByTestId('locked-account').textContent).toContain('alice')
    expect(screen.getByRole('button', { name: 'Unlock' })).toHaveProperty('disabled', true)

    await user.type(field('Password'), 'correct horse{Enter}')

    expect(api.unlock).toHaveBeenCalledWith({ password: 'correct horse' })
    await vi.waitFor(() => expect(useAuth.getState().phase).toBe('unlocked'))
  })

  it('says when the password is wrong, and is busy meanwhile', async () => {
    const reply = deferred<AuthState>()
    installApi({ unlock: vi.fn(() => reply.promise) })
    const user = userEvent.setup()
    render(<UnlockScreen />)

    await user.type(field('Password'), 'guess{Enter}')
    expect(screen.getByRole('button', { name: 'Unlocking…' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Use another account' })).toHaveProperty(
      'disabled',
      true,
    )

    reply.reject(new ParacordError('wrong_password', 'no'))
    expect((await screen.findByTestId('auth-error')).textContent).toBe(
      'That password is not right.',
    )
    expect(useAuth.getState().phase).toBe('locked')
  })

  it('signs out to use another account', async () => {
    const api = installApi({ logout: vi.fn(() => Promise.resolve(SIGNED_OUT)) })
    render(<UnlockScreen />)

    await userEvent.click(screen.getByRole('button', { name: 'Use another account' }))

    expect(api.logout).toHaveBeenCalledTimes(1)
    await vi.waitFor(() => expect(useAuth.getState().phase).toBe('signed_out'))
  })
})

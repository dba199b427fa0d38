// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AuthState, BackendOptions } from '../../../../shared/api'
import { emptyAuth, useAuth } from '../../store/auth'
import { emptyServerChoice, useServerChoice } from '../../store/server-choice'
import { deferred, installApi } from '../../store/test-api'
import { LoginScreen, RegisterScreen } from './AuthScreens'
import { ServerField } from './ServerField'

const UNLOCKED: AuthState = { status: 'unlocked', name: 'alice', userId: 'user-alice-aaaaaaaaaa' }
const OWN_SERVER: BackendOptions = {
  thisComputer: true,
  suggested: { kind: 'this_computer' },
  accounts: [],
}
const INSECURE =
  'chat.example.org is another computer, so its address must start with https://. Plain http:// would send your sign-in unprotected (it is only for 127.0.0.1, ::1 and localhost).'

const radio = (name: string) => screen.getByRole<HTMLInputElement>('radio', { name })
const field = (label: string) => screen.getByLabelText<HTMLInputElement>(label)

beforeEach(() => {
  useAuth.setState(emptyAuth())
  useServerChoice.setState(emptyServerChoice())
})
afterEach(cleanup)

describe('ServerField', () => {
  it('starts on This computer and says who can reach it', () => {
    installApi({ getBackendOptions: vi.fn(() => Promise.resolve(OWN_SERVER)) })
    render(<ServerField />)

    expect(screen.getByRole('group', { name: 'Server' })).toBeTruthy()
    expect(radio('This computer').checked).toBe(true)
    expect(radio('Another server').checked).toBe(false)
    expect(screen.queryByLabelText('Server address')).toBeNull()
    expect(radio('This computer').getAttribute('aria-describedby')).toBeTruthy()
    expect(
      screen.getByText(
        'The server paracord runs on this computer. Only people using this computer can reach it.',
      ),
    ).toBeTruthy()
  })

  it('takes a typed address, and keeps it while the person looks at This computer', async () => {
    installApi({ getBackendOptions: vi.fn(() => Promise.resolve(OWN_SERVER)) })
    const user = userEvent.setup()
    render(<ServerField />)

    await user.click(radio('Another server'))
    await user.type(field('Server address'), 'chat.example.org')
    await user.click(radio('This computer'))
    expect(screen.queryByLabelText('Server address')).toBeNull()
    await user.click(radio('Another server'))

    expect(field('Server address').value).toBe('chat.example.org')
    expect(useServerChoice.getState()).toMatchObject({ kind: 'address', chosen: true })
  })

  it('on an app started for a server elsewhere, offers that address and no This computer', async () => {
    installApi({
      getBackendOptions: vi.fn(() =>
        Promise.resolve<BackendOptions>({
          thisComputer: false,
          suggested: { kind: 'address', url: 'https://chat.example.org' },
          accounts: [],
        }),
      ),
    })
    render(<ServerField />)

    expect((await screen.findByLabelText<HTMLInputElement>('Server address')).value).toBe(
      'https://chat.example.org',
    )
    expect(radio('This computer').disabled).toBe(true)
    expect(radio('Another server').checked).toBe(true)
    expect(
      screen.getByText('paracord was started for this server, so This computer is not offered.'),
    ).toBeTruthy()
  })

  it('opens with a server a link names, which the core’s suggestion does not replace', async () => {
    const options = deferred<BackendOptions>()
    installApi({ getBackendOptions: vi.fn(() => options.promise) })
    render(<ServerField />)

    useServerChoice.getState().openWithServer('https://friends.example.net', 'login')
    options.resolve(OWN_SERVER)

    expect((await screen.findByLabelText<HTMLInputElement>('Server address')).value).toBe(
      'https://friends.example.net',
    )
    await vi.waitFor(() => expect(useServerChoice.getState().thisComputerOffered).toBe(true))
    expect(field('Server address').value).toBe('https://friends.example.net')
    expect(useAuth.getState().screen).toBe('login')
  })
})

describe('signing in on a chosen server', () => {
  it('logs in on This computer unless another server is chosen', async () => {
    const api = installApi({
      getBackendOptions: vi.fn(() => Promise.resolve(OWN_SERVER)),
      login: vi.fn(() => Promise.resolve(UNLOCKED)),
    })
    const user = userEvent.setup()
    render(<LoginScreen onRegister={() => {}} />)

    await user.type(field('Account name'), 'alice')
    await user.type(field('Password'), 'correct horse{Enter}')

    expect(api.login).toHaveBeenCalledWith({
      name: 'alice',
      password: 'correct horse',
      backend: { kind: 'this_computer' },
    })
  })

  it('shows why an address cannot be used at the field, focuses it, and sends nothing of the account', async () => {
    const check = deferred<{ ok: false; problem: 'insecure'; message: string }>()
    const api = installApi({
      getBackendOptions: vi.fn(() => Promise.resolve(OWN_SERVER)),
      checkBackend: vi.fn(() => check.promise),
      login: vi.fn(() => Promise.resolve(UNLOCKED)),
    })
    const user = userEvent.setup()
    render(<LoginScreen onRegister={() => {}} />)

    await user.click(radio('Another server'))
    await user.type(field('Server address'), 'http://chat.example.org')
    await user.type(field('Account name'), 'alice')
    await user.type(field('Password'), 'correct horse{Enter}')

    expect(api.checkBackend).toHaveBeenCalledWith({
      backend: { kind: 'address', url: 'http://chat.example.org' },
    })
    expect(screen.getByRole('button', { name: 'Checking the server…' })).toBeTruthy()
    expect(field('Server address').disabled).toBe(true)

    check.resolve({ ok: false, problem: 'insecure', message: INSECURE })
    const address = await screen.findByLabelText<HTMLInputElement>('Server address')
    await vi.waitFor(() => expect(screen.getByRole('alert').textContent).toBe(INSECURE))
    expect(address.getAttribute('aria-invalid')).toBe('true')
    await vi.waitFor(() => expect(document.activeElement).toBe(field('Server address')))
    expect(api.login).not.toHaveBeenCalled()
  })

  it('says what to do when the address is left empty, without asking the core', async () => {
    const api = installApi({
      getBackendOptions: vi.fn(() => Promise.resolve(OWN_SERVER)),
      register: vi.fn(() => Promise.resolve(UNLOCKED)),
    })
    const user = userEvent.setup()
    render(<RegisterScreen onLogIn={() => {}} />)

    await user.click(radio('Another server'))
    await user.type(field('Account name'), 'alice')
    await user.type(field('Password'), 'copper kettle drums')
    await user.type(field('Confirm password'), 'copper kettle drums{Enter}')

    expect(
      (
        await screen.findByText('Enter the server’s address, or choose This computer.')
      ).getAttribute('role'),
    ).toBe('alert')
    expect(api.register).not.toHaveBeenCalled()
  })

  it('is usable from the keyboard alone: choose, type the address, sign in', async () => {
    const api = installApi({
      getBackendOptions: vi.fn(() => Promise.resolve(OWN_SERVER)),
      checkBackend: vi.fn(() =>
        Promise.resolve({
          ok: true as const,
          backend: { kind: 'address' as const, url: 'https://chat.example.org' },
        }),
      ),
      login: vi.fn(() => Promise.resolve(UNLOCKED)),
    })
    const user = userEvent.setup()
    render(<LoginScreen onRegister={() => {}} />)

    // The name has the focus; the server is just before it.
    expect(document.activeElement).toBe(field('Account name'))
    await user.tab({ shift: true })
    expect(document.activeElement).toBe(radio('This computer'))
    await user.keyboard('{ArrowRight}')
    expect(radio('Another server').checked).toBe(true)
    await user.tab()
    expect(document.activeElement).toBe(field('Server address'))
    await user.keyboard('chat.example.org')
    await user.tab()
    expect(document.activeElement).toBe(field('Account name'))
    await user.keyboard('alice')
    await user.tab()
    await user.keyboard('correct horse{Enter}')

    await vi.waitFor(() =>
      expect(api.login).toHaveBeenCalledWith({
        name: 'alice',
        password: 'correct horse',
        backend: { kind: 'address', url: 'https://chat.example.org' },
      }),
    )
    expect(api.checkBackend).toHaveBeenCalledWith({
      backend: { kind: 'address', url: 'chat.example.org' },
    })
    // What the core made of the address is what the field shows from now on.
    expect(field('Server address').value).toBe('https://chat.example.org')
  })
})

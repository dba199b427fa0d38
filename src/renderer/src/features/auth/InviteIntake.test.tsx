// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AuthState, BackendOptions } from '../../../../shared/api'
import type { DesktopApi, OpenedInvite } from '../../../../shared/desktop-api'
import { emptyAuth, useAuth } from '../../store/auth'
import { followOpenedInvites, useInviteIntake } from '../../store/invite-intake'
import { emptyServerChoice, useServerChoice } from '../../store/server-choice'
import { emptyServers, useServers } from '../../store/servers'
import { installApi } from '../../store/test-api'
import { makeServer } from '../../store/test-servers'
import { emptyUi, useUi } from '../../store/ui'
import { LoginScreen, RegisterScreen } from './AuthScreens'

const CODE = '0123456789abcdefghjkmnpqrs'
const LINK = `https://chat.example.org/invite#${CODE}`
const OWN_SERVER: BackendOptions = {
  thisComputer: true,
  suggested: { kind: 'this_computer' },
  accounts: [],
}
const UNLOCKED: AuthState = { status: 'unlocked', name: 'dana', userId: 'user-dana-aaaaaaaaaa' }

const field = (label: string) => screen.getByLabelText<HTMLInputElement>(label)

beforeEach(() => {
  useAuth.setState(emptyAuth())
  useServerChoice.setState(emptyServerChoice())
  useInviteIntake.setState({ pending: null, joining: false })
  useServers.setState(emptyServers())
  useUi.setState(emptyUi())
})
afterEach(cleanup)

describe('an invite link on the sign-in screens', () => {
  it('fills in the server the pasted link names and says the invite is joined after sign-up', async () => {
    installApi({ getBackendOptions: vi.fn(() => Promise.resolve(OWN_SERVER)) })
    const user = userEvent.setup()
    render(<RegisterScreen onLogIn={() => {}} />)

    await user.click(screen.getByRole('button', { name: 'I have an invite link' }))
    expect(document.activeElement).toBe(field('Invite link'))
    await user.paste(LINK)

    const note = await screen.findByTestId('pending-invite')
    // The field is gone; the note that replaced it has the focus, so the keyboard is not lost.
    expect(document.activeElement).toBe(note)
    expect(note.textContent).toContain('You are invited to a server at chat.example.org.')
    expect(note.textContent).toContain('You will join it as soon as your account is ready.')
    expect(screen.getByRole<HTMLInputElement>('radio', { name: 'Another server' }).checked).toBe(
      true,
    )
    expect(field('Server address').value).toBe('https://chat.example.org')
    expect(useInviteIntake.getState().pending).toEqual({
      link: LINK,
      server: 'https://chat.example.org',
    })
  })

  it('says what is wrong with text that is not an invite, and keeps the form as it was', async () => {
    installApi({ getBackendOptions: vi.fn(() => Promise.resolve(OWN_SERVER)) })
    const user = userEvent.setup()
    render(<LoginScreen onRegister={() => {}} />)

    await user.click(screen.getByRole('button', { name: 'I have an invite link' }))
    await user.type(field('Invite link'), 'https://chat.example.org/join#abc')
    await user.tab()

    expect(screen.getByText(/This is not an invite link/)).toBeTruthy()
    expect(useInviteIntake.getState().pending).toBeNull()
    expect(screen.getByRole<HTMLInputElement>('radio', { name: 'This computer' }).checked).toBe(
      true,
    )
  })

  it('can be put aside', async () => {
    installApi({ getBackendOptions: vi.fn(() => Promise.resolve(OWN_SERVER)) })
    const user = userEvent.setup()
    useInviteIntake.getState().offer(CODE)
    render(<RegisterScreen onLogIn={() => {}} />)

    expect(screen.getByTestId('pending-invite').textContent).toContain(
      'Choose the server it is for below.',
    )
    await user.click(screen.getByRole('button', { name: 'Don’t use this invite' }))
    expect(useInviteIntake.getState().pending).toBeNull()
    expect(screen.getByRole('button', { name: 'I have an invite link' })).toBeTruthy()
  })
})

describe('joining the waiting invite once signed in', () => {
  it('joins with the link as given and opens the server', async () => {
    const server = makeServer({ myRole: 'member' })
    const api = installApi({
      register: vi.fn(() => Promise.resolve(UNLOCKED)),
      joinByInvite: vi.fn(() => Promise.resolve(server)),
    })
    useInviteIntake.getState().offer(LINK)

    await useInviteIntake.getState().joinPending()

    expect(api.joinByInvite).toHaveBeenCalledWith({ invite: LINK })
    expect(useUi.getState().selectedServerId).toBe(server.id)
    expect(useInviteIntake.getState().pending).toBeNull()
  })

  it('when the join fails, opens the join dialog with the link and the reason', async () => {
    installApi({
      joinByInvite: vi.fn(() =>
        Promise.reject(
          Object.assign(new Error('This invite cannot be used: it was revoked.'), {
            code: 'invite_invalid',
          }),
        ),
      ),
    })
    useInviteIntake.getState().offer(LINK)

    await useInviteIntake.getState().joinPending()

    expect(useUi.getState().dialog).toMatchObject({ kind: 'addServer', invite: LINK })
    expect(useUi.getState().dialog).toHaveProperty('error')
  })
})

describe('invites the desktop app was opened with', () => {
  it('are taken once when the page starts and whenever the shell says one waits', async () => {
    installApi({ getBackendOptions: vi.fn(() => Promise.resolve(OWN_SERVER)) })
    const waiting: (OpenedInvite | null)[] = [
      null,
      {
        link: `paracord://invite/${CODE}?server=https%3A%2F%2Ffriends.example.net`,
        server: 'https://friends.example.net',
      },
    ]
    let nudge: () => void = () => {}
    const takeOpenedInvite = vi.fn(() => Promise.resolve(waiting.shift() ?? null))
    const desktop: DesktopApi = {
      getUpdateStatus: () => Promise.resolve({ state: 'none' }),
      restartToUpdate: () => Promise.resolve('nothing_to_install'),
      onUpdateStatus: () => () => undefined,
      takeOpenedInvite,
      onInviteOpened: (listener) => {
        nudge = listener
        return () => undefined
      },
    }
    const stop = followOpenedInvites(desktop)
    await vi.waitFor(() => expect(takeOpenedInvite).toHaveBeenCalledTimes(1))
    expect(useInviteIntake.getState().pending).toBeNull()

    nudge()
    await vi.waitFor(() =>
      expect(useInviteIntake.getState().pending?.server).toBe('https://friends.example.net'),
    )
    expect(useServerChoice.getState()).toMatchObject({
      kind: 'address',
      address: 'https://friends.example.net',
    })
    stop()
  })
})

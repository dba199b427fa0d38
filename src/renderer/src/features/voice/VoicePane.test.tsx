// @vitest-environment happy-dom
// A voice channel before joining (who is here, what a call means for privacy), and joining on a
// server that offers no relay while calls are always relayed: the question, each answer, and
// what the person sees after it.
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type {
  ChannelInfo,
  IceConfig,
  ParacordApi,
  ServerDetails,
  Settings,
} from '../../../../shared/api'
import { emptyAuth, useAuth } from '../../store/auth'
import { emptySettings, useSettings } from '../../store/settings'
import { installApi } from '../../store/test-api'
import { voice } from './voice'
import { DIRECT_CALLS_DECLINED } from './voice-problems'
import { emptyVoice, useVoice, withChannel } from './voice-store'
import { VoicePane } from './VoicePane'

const SERVER_ID = 'server-home-aaaaaaaa'
const CHANNEL_ID = 'channel-lounge-aaaa'
const channel: ChannelInfo = {
  id: CHANNEL_ID,
  serverId: SERVER_ID,
  name: 'lounge',
  kind: 'voice',
  burnSeconds: 60,
  unread: 0,
}
const server: ServerDetails = {
  id: SERVER_ID,
  name: 'Home',
  myRole: 'member',
  unread: 0,
  channels: [channel],
  members: [],
  permissions: {
    canPost: true,
    canManageChannels: false,
    canInvite: false,
    canRemoveMembers: false,
    canChangeRoles: false,
  },
  epoch: 1,
  safetyCode: '01234 56789 01234 56789 01234 56789',
  joinedEpoch: 0,
}
const SETTINGS: Settings = {
  autoLockMinutes: 15,
  alwaysRelayCalls: true,
  notificationPreviews: false,
  theme: 'dark',
}
const NO_RELAY: IceConfig = { iceServers: [], relayOnly: true, expiresAt: null }

/** The core's side: no relay, and settings that keep what they are given. */
function installCore(settings: Settings = SETTINGS) {
  let kept = settings
  useSettings.setState({ settings })
  return installApi({
    getIceServers: vi.fn(() => Promise.resolve(NO_RELAY)),
    updateSettings: vi.fn<ParacordApi['updateSettings']>((patch) => {
      kept = { ...kept, ...patch }
      return Promise.resolve(kept)
    }),
    leaveVoice: vi.fn(() => Promise.resolve(null)),
  })
}

const question = () => screen.getByRole('dialog', { name: 'Call without a relay?' })

beforeEach(() => {
  useAuth.setState(emptyAuth())
  useAuth.getState().applyAuth({ status: 'unlocked', name: 'alice', userId: 'user-alice-aaaa' })
  useSettings.setState(emptySettings())
  useVoice.setState(emptyVoice())
})
afterEach(async () => {
  await voice.leave()
  cleanup()
})

describe('a voice channel before joining', () => {
  it('shows the channel, that no one is here yet, and the join button', () => {
    installCore()
    render(<VoicePane server={server} channel={channel} />)

    const lobby = screen.getByRole('region', { name: 'lounge' })
    expect(within(lobby).getByTestId('voice-who').textContent).toBe('No one is here yet')
    expect(within(lobby).getByRole('button', { name: 'Join voice' })).toBeTruthy()
  })

  it('names who is in the call', () => {
    installCore()
    useVoice.setState(
      withChannel(useVoice.getState(), {
        serverId: SERVER_ID,
        channelId: CHANNEL_ID,
        participants: [
          { userId: 'user-bob-aaaaaa', displayName: 'bob', sessionId: 'session-bob' },
          { userId: 'user-carol-aaaa', displayName: 'carol', sessionId: 'session-carol' },
        ],
      }),
    )
    render(<VoicePane server={server} channel={channel} />)

    expect(screen.getByTestId('voice-who').textContent).toBe('bob and carol are here')
  })

  it('says calls are relayed, or that they may show one’s IP address, by the setting', () => {
    installCore()
    const { unmount } = render(<VoicePane server={server} channel={channel} />)
    expect(screen.getByRole('region', { name: 'lounge' }).textContent).toMatch(
      /end-to-end encrypted and go through the server’s relay/,
    )
    unmount()

    installCore({ ...SETTINGS, alwaysRelayCalls: false })
    render(<VoicePane server={server} channel={channel} />)
    expect(screen.getByRole('region', { name: 'lounge' }).textContent).toMatch(
      /may see your IP address/,
    )
  })
})

describe('joining voice where the server offers no relay', () => {
  it('asks whether to call directly, saying that peers then see each other’s IP address', async () => {
    installCore()
    const user = userEvent.setup()
    render(<VoicePane server={server} channel={channel} />)

    await user.click(screen.getByRole('button', { name: 'Join voice' }))

    const dialog = await screen.findByRole('dialog', { name: 'Call without a relay?' })
    expect(within(dialog).getByText('Home offers no relay for calls.')).toBeTruthy()
    expect(dialog.textContent).toMatch(/the people in the call see your IP address/)
    expect(dialog.textContent).toMatch(/change it in Settings, under Privacy/)
    expect(within(dialog).getByRole('button', { name: 'Call directly' })).toBeTruthy()
    expect(within(dialog).getByRole('button', { name: 'Don’t call' })).toBeTruthy()
  })

  it('"Call directly" is kept for this server and the call goes on to the microphone', async () => {
    const api = installCore()
    const user = userEvent.setup()
    render(<VoicePane server={server} channel={channel} />)

    await user.click(screen.getByRole('button', { name: 'Join voice' }))
    await user.click(within(question()).getByRole('button', { name: 'Call directly' }))

    expect(api.updateSettings).toHaveBeenCalledWith({ directCalls: { [SERVER_ID]: true } })
    expect(useSettings.getState().settings?.directCalls).toEqual({ [SERVER_ID]: true })
    expect(screen.queryByRole('dialog')).toBeNull()
    // This test's browser has no microphone: reaching that point means the call went ahead.
    expect((await screen.findByRole('alert')).textContent).toBe(
      'This browser cannot use a microphone here.',
    )
  })

  it('does not ask again once answered', async () => {
    installCore({ ...SETTINGS, directCalls: { [SERVER_ID]: true } })
    const user = userEvent.setup()
    render(<VoicePane server={server} channel={channel} />)

    await user.click(screen.getByRole('button', { name: 'Join voice' }))

    expect((await screen.findByRole('alert')).textContent).toBe(
      'This browser cannot use a microphone here.',
    )
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('"Don’t call" is kept too, and the pane says where to change it', async () => {
    const api = installCore()
    const user = userEvent.setup()
    render(<VoicePane server={server} channel={channel} />)

    await user.click(screen.getByRole('button', { name: 'Join voice' }))
    await user.click(within(question()).getByRole('button', { name: 'Don’t call' }))

    expect(api.updateSettings).toHaveBeenCalledWith({ directCalls: { [SERVER_ID]: false } })
    expect((await screen.findByRole('alert')).textContent).toBe(DIRECT_CALLS_DECLINED)
    expect(screen.getByRole('button', { name: 'Join voice' })).toBeTruthy()
  })

  it('Escape closes the question without an answer: nothing kept, no error, focus back on Join', async () => {
    const api = installCore()
    const user = userEvent.setup()
    render(<VoicePane server={server} channel={channel} />)
    const join = screen.getByRole('button', { name: 'Join voice' })

    await user.click(join)
    question()
    await user.keyboard('{Escape}')

    await vi.waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(api.updateSettings).not.toHaveBeenCalled()
    expect(screen.queryByRole('alert')).toBeNull()
    expect(useVoice.getState().phase).toBe('idle')
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Join voice' }))
  })

  it('is answered from the keyboard alone', async () => {
    const api = installCore()
    const user = userEvent.setup()
    render(<VoicePane server={server} channel={channel} />)

    screen.getByRole('button', { name: 'Join voice' }).focus()
    await user.keyboard('{Enter}')
    question()
    // The dialog takes focus itself, so no single key answers by accident.
    expect(document.activeElement).toBe(question())
    await user.tab()
    await user.tab()
    await user.tab()
    expect(document.activeElement).toBe(
      within(question()).getByRole('button', { name: 'Call directly' }),
    )
    await user.keyboard('{Enter}')

    expect(api.updateSettings).toHaveBeenCalledWith({ directCalls: { [SERVER_ID]: true } })
  })
})

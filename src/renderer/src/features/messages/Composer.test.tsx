// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ApiInput, ChannelInfo } from '../../../../shared/api'
import { ParacordError } from '../../../../shared/api-errors'
import { channelKey, useMessages } from '../../store/messages'
import { deferred, installApi } from '../../store/test-api'
import { makeMessage } from '../../store/test-messages'
import { useUi } from '../../store/ui'
import { Composer, MESSAGE_MAX_LENGTH } from './Composer'

const SERVER = 'server-aaaaaaaaaaaaaaaa'
const general: ChannelInfo = {
  id: 'channel-general-aaaaaa',
  serverId: SERVER,
  name: 'general',
  kind: 'text',
  burnSeconds: 3600,
  unread: 0,
}
const random: ChannelInfo = { ...general, id: 'channel-random-aaaaaaa', name: 'random' }

function sendsMessages() {
  return installApi({
    sendMessage: vi.fn(({ serverId, channelId, text }: ApiInput<'sendMessage'>) =>
      Promise.resolve(makeMessage({ serverId, channelId, text })),
    ),
  })
}

const box = () => screen.getByRole('textbox', { name: /^Message #/ })

beforeEach(() => {
  useUi.getState().reset()
  useMessages.getState().reset()
})
afterEach(cleanup)

describe('Composer', () => {
  it('sends the text on Enter and clears the box', async () => {
    const api = sendsMessages()
    const user = userEvent.setup()
    render(
      <Composer serverId={SERVER} channel={general} disabledReason={null} lastOwnMessage={null} />,
    )
    expect(box().getAttribute('placeholder')).toBe('Message #general')

    await user.type(box(), '  hello there  {Enter}')

    expect(api.sendMessage).toHaveBeenCalledWith({
      serverId: SERVER,
      channelId: general.id,
      text: 'hello there',
    })
    expect(box()).toHaveProperty('value', '')
  })

  it('starts a new line on Shift+Enter instead of sending', async () => {
    const api = sendsMessages()
    const user = userEvent.setup()
    render(
      <Composer serverId={SERVER} channel={general} disabledReason={null} lastOwnMessage={null} />,
    )

    await user.type(box(), 'one{Shift>}{Enter}{/Shift}two')

    expect(box()).toHaveProperty('value', 'one\ntwo')
    expect(api.sendMessage).not.toHaveBeenCalled()
  })

  it('sends nothing for a blank box', async () => {
    const api = sendsMessages()
    const user = userEvent.setup()
    render(
      <Composer serverId={SERVER} channel={general} disabledReason={null} lastOwnMessage={null} />,
    )
    await user.type(box(), '   {Enter}')
    expect(api.sendMessage).not.toHaveBeenCalled()
  })

  it('says why a message did not send, and gives its text back', async () => {
    const reply = deferred<never>()
    installApi({ sendMessage: vi.fn(() => reply.promise) })
    const user = userEvent.setup()
    render(
      <Composer serverId={SERVER} channel={general} disabledReason={null} lastOwnMessage={null} />,
    )

    await user.type(box(), 'important{Enter}')
    expect(box()).toHaveProperty('value', '')
    reply.reject(new ParacordError('server_unreachable', 'fetch failed'))

    expect((await screen.findByRole('alert')).textContent).toBe(
      "Can't reach the server. Check your connection.",
    )
    expect(box()).toHaveProperty('value', 'important')
  })

  it('refuses a message that is too long, and counts down to the limit', async () => {
    const api = sendsMessages()
    const user = userEvent.setup()
    useUi.getState().setDraft(channelKey(SERVER, general.id), 'x'.repeat(MESSAGE_MAX_LENGTH - 10))
    render(
      <Composer serverId={SERVER} channel={general} disabledReason={null} lastOwnMessage={null} />,
    )
    expect(screen.getByText('10 characters left')).toBeTruthy()

    await user.type(box(), 'y'.repeat(12))
    expect(screen.getByText('2 characters too long')).toBeTruthy()
    await user.keyboard('{Enter}')

    expect(screen.getByRole('alert').textContent).toBe('Messages can be up to 4000 characters.')
    expect(api.sendMessage).not.toHaveBeenCalled()
  })

  it('keeps an unsent draft with its channel', async () => {
    sendsMessages()
    const user = userEvent.setup()
    const { rerender } = render(
      <Composer serverId={SERVER} channel={general} disabledReason={null} lastOwnMessage={null} />,
    )
    await user.type(box(), 'half a thought')

    rerender(
      <Composer serverId={SERVER} channel={random} disabledReason={null} lastOwnMessage={null} />,
    )
    expect(box()).toHaveProperty('value', '')
    rerender(
      <Composer serverId={SERVER} channel={general} disabledReason={null} lastOwnMessage={null} />,
    )
    expect(box()).toHaveProperty('value', 'half a thought')
  })

  it('edits the last own message on Arrow Up in an empty box', async () => {
    sendsMessages()
    const user = userEvent.setup()
    const mine = makeMessage({ channelId: general.id })
    render(
      <Composer serverId={SERVER} channel={general} disabledReason={null} lastOwnMessage={mine} />,
    )

    await user.type(box(), '{ArrowUp}')

    expect(useUi.getState().editing).toEqual({
      channelKey: channelKey(SERVER, general.id),
      messageId: mine.id,
    })
  })

  it('shows why the user cannot post instead of a box', () => {
    render(
      <Composer
        serverId={SERVER}
        channel={general}
        disabledReason="You don't have permission to post in this channel."
        lastOwnMessage={null}
      />,
    )
    expect(screen.getByText("You don't have permission to post in this channel.")).toBeTruthy()
    expect(screen.queryByRole('textbox')).toBeNull()
  })
})

// @vitest-environment happy-dom
// The message list's layout as the browser computes it (happy-dom computes styles but does not
// lay out, so the rules that place the messages are what is checked).
import { cleanup, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { tick } from '../../store/clock'
import { channelKey, useMessages, withMessages } from '../../store/messages'
import { makeMessage } from '../../store/test-messages'
import { useChannelMessages } from '../../store/selectors'
import { MessageList } from './MessageList'

const SERVER = 'server-aaaaaaaaaaaaaaaa'
const CHANNEL = 'channel-aaaaaaaaaaaaaaa'
const NOW = Date.UTC(2026, 0, 5, 9, 0, 0)

function Channel() {
  const channel = useChannelMessages(SERVER, CHANNEL)
  return (
    <MessageList
      channel={channel}
      channelName="general"
      myUserId={null}
      editingId={null}
      onLoadOlder={() => {}}
      onEdit={() => {}}
      onDelete={() => {}}
      onCopy={() => {}}
    />
  )
}

beforeEach(() => {
  tick(NOW)
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(800)
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(600)
})
afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

describe('the message pane', () => {
  it('rests a few messages on the composer, not at the top with a gap below', () => {
    const key = channelKey(SERVER, CHANNEL)
    const state = withMessages(
      useMessages.getState(),
      key,
      [makeMessage({ serverId: SERVER, channelId: CHANNEL, text: 'just one', sentAt: NOW })],
      NOW,
    )
    useMessages.setState({ channels: { [key]: { ...state.channels[key]!, loaded: true } } })
    render(<Channel />)

    const scroller = screen.getByTestId('message-list')
    const content = scroller.firstElementChild as HTMLElement
    expect(getComputedStyle(scroller).display).toBe('flex')
    expect(getComputedStyle(scroller).flexDirection).toBe('column')
    // The content's free space goes above it: it sits at the bottom of the scroller.
    expect(getComputedStyle(content).marginTop).toBe('auto')
    expect(getComputedStyle(content).flexShrink).toBe('0')
  })
})

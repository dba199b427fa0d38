// @vitest-environment happy-dom
import { act, cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { MessageInfo } from '../../../../shared/api'
import { tick } from '../../store/clock'
import { channelKey, useMessages, withMessages } from '../../store/messages'
import { useChannelMessages } from '../../store/selectors'
import { makeMessage } from '../../store/test-messages'
import { MessageList } from './MessageList'

const SERVER = 'server-aaaaaaaaaaaaaaaa'
const CHANNEL = 'channel-aaaaaaaaaaaaaaa'
const ME = 'user-me-aaaaaaaaaaaaa'
const NOW = Date.UTC(2026, 0, 5, 9, 0, 0)
const SECOND = 1000

/** The list as the message pane shows it: fed by the messages slice, which the clock sweeps. */
function Channel(props: { onEdit?: (message: MessageInfo) => void }) {
  const channel = useChannelMessages(SERVER, CHANNEL)
  return (
    <MessageList
      channel={channel}
      channelName="general"
      myUserId={ME}
      editingId={null}
      onLoadOlder={() => {}}
      onEdit={props.onEdit ?? (() => {})}
      onDelete={() => {}}
      onCopy={() => {}}
    />
  )
}

function show(...messages: MessageInfo[]) {
  const key = channelKey(SERVER, CHANNEL)
  const state = withMessages(useMessages.getState(), key, messages, NOW)
  useMessages.setState({
    channels: { [key]: { ...state.channels[key]!, loaded: true } },
  })
}

const row = (author: string) => screen.getByRole('article', { name: new RegExp(`^${author},`) })

beforeEach(() => {
  useMessages.getState().reset()
  tick(NOW)
  // happy-dom lays nothing out; the virtualiser renders the rows that fit a pane this tall.
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(800)
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(600)
})
afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

describe('MessageList', () => {
  it('shows each message with the time it has left', () => {
    show(
      makeMessage({
        authorName: 'Alice',
        text: 'hello there',
        sentAt: NOW,
        burnAt: NOW + 90 * SECOND,
      }),
      makeMessage({ authorName: 'Bob', text: 'see you', sentAt: NOW, burnAt: NOW + 3 * 3_600_000 }),
    )
    render(<Channel />)

    expect(within(row('Alice')).getByText('hello there')).toBeTruthy()
    expect(within(row('Alice')).getByText('1m')).toBeTruthy()
    expect(within(row('Alice')).getByText('Burns in 1 minute')).toBeTruthy()
    expect(within(row('Bob')).getByText('see you')).toBeTruthy()
    expect(within(row('Bob')).getByText('Burns in 3 hours')).toBeTruthy()
  })

  it('counts down as the clock moves, and the message burns at zero', () => {
    show(
      makeMessage({
        authorName: 'Alice',
        text: 'this burns',
        sentAt: NOW,
        burnAt: NOW + 62 * SECOND,
      }),
      makeMessage({ authorName: 'Bob', text: 'this stays', sentAt: NOW, burnAt: NOW + 3_600_000 }),
    )
    render(<Channel />)
    expect(within(row('Alice')).getByText('1m')).toBeTruthy()

    act(() => tick(NOW + 3 * SECOND))
    expect(within(row('Alice')).getByText('59s')).toBeTruthy()
    expect(within(row('Alice')).getByText('Burns in 59 seconds')).toBeTruthy()

    act(() => tick(NOW + 61 * SECOND))
    expect(within(row('Alice')).getByText('1s')).toBeTruthy()
    expect(within(row('Alice')).getByTestId('burn-countdown').dataset.urgency).toBe('urgent')

    act(() => tick(NOW + 62 * SECOND))
    expect(screen.queryByText('this burns')).toBeNull()
    expect(screen.getByText('this stays')).toBeTruthy()
  })

  it('says a message is still sending, and offers edit and delete only on one’s own sent ones', async () => {
    const mine = makeMessage({ authorId: ME, authorName: 'Me', text: 'mine', sentAt: NOW })
    show(
      makeMessage({ authorName: 'Alice', text: 'theirs', sentAt: NOW - 60 * SECOND }),
      mine,
      makeMessage({
        authorId: ME,
        authorName: 'Me',
        text: 'on its way',
        sentAt: NOW + 1,
        seq: null,
        delivery: 'pending',
      }),
    )
    const onEdit = vi.fn()
    render(<Channel onEdit={onEdit} />)

    expect(screen.getByText('Sending…')).toBeTruthy()
    expect(screen.getAllByRole('button', { name: 'Edit message' })).toHaveLength(1)
    expect(within(row('Alice')).queryByRole('button', { name: 'Edit message' })).toBeNull()

    await userEvent.click(screen.getByRole('button', { name: 'Edit message' }))
    expect(onEdit).toHaveBeenCalledWith(mine)
  })

  it('marks the start of what is left when no older history remains', () => {
    show(makeMessage({ text: 'still here', sentAt: NOW, seq: 7 }))
    render(<Channel />)
    expect(screen.getByRole('heading', { name: '#general' })).toBeTruthy()
    expect(screen.getByText(/Older messages have burned/)).toBeTruthy()
  })

  it('does not say older messages burned in a channel whose first message is still there', () => {
    show(
      makeMessage({ text: 'first words', sentAt: NOW, seq: 1 }),
      makeMessage({ text: 'second words', sentAt: NOW + 1, seq: 2 }),
    )
    render(<Channel />)
    expect(screen.getByRole('heading', { name: '#general' })).toBeTruthy()
    expect(screen.getByText('This is the start of the channel.')).toBeTruthy()
    expect(screen.queryByText(/burned/)).toBeNull()
  })

  it('never counts down from more than the burn time, even for a message sent since the last tick', () => {
    // The shared clock last ticked at NOW; the message was sent 400 ms later and lives 5 s.
    const sentAt = NOW + 400
    show(makeMessage({ authorName: 'Alice', text: 'quick', sentAt, burnAt: sentAt + 5 * SECOND }))
    render(<Channel />)
    expect(within(row('Alice')).getByText('5s')).toBeTruthy()
    expect(within(row('Alice')).getByText('Burns in 5 seconds')).toBeTruthy()
  })

  it('lays out each message in its own direction, right-to-left text included', () => {
    show(makeMessage({ authorName: 'Alice', text: 'שלום לכולם', sentAt: NOW }))
    render(<Channel />)
    const text = within(row('Alice')).getByText('שלום לכולם')
    expect(text.getAttribute('dir')).toBe('auto')
  })
})

import { describe, expect, it } from 'vitest'
import {
  channelKey,
  emptyMessages,
  mergeMessages,
  useMessages,
  withMessages,
  withoutBurned,
  withoutMessages,
} from './messages'
import { makeMessage } from './test-messages'

const key = channelKey('server-aaaaaaaaaaaaaaaa', 'channel-aaaaaaaaaaaaaaa')

describe('mergeMessages', () => {
  it('orders sent messages by channel position, pending ones after them', () => {
    const pending = makeMessage({ seq: null, delivery: 'pending', sentAt: 1 })
    const second = makeMessage({ seq: 2 })
    const first = makeMessage({ seq: 1 })
    expect(mergeMessages([], [pending, second, first]).map((m) => m.id)).toEqual([
      first.id,
      second.id,
      pending.id,
    ])
  })

  it('replaces a pending message in place when it is confirmed', () => {
    const pending = makeMessage({ seq: null, delivery: 'pending' })
    const sent = { ...pending, seq: 7, delivery: 'sent' as const }
    const merged = mergeMessages([pending], [sent])
    expect(merged).toHaveLength(1)
    expect(merged[0]?.delivery).toBe('sent')
  })

  it('applies an edit to the existing message', () => {
    const message = makeMessage({ text: 'helo' })
    const merged = mergeMessages([message], [{ ...message, text: 'hello', editedAt: 5 }])
    expect(merged.map((m) => m.text)).toEqual(['hello'])
  })
})

describe('message slice transitions', () => {
  it('drops incoming messages whose burn time already passed', () => {
    const now = Date.now()
    const alive = makeMessage({ burnAt: now + 10_000 })
    const burned = makeMessage({ burnAt: now - 1 })
    const state = withMessages(emptyMessages(), key, [alive, burned], now)
    expect(state.channels[key]?.messages.map((m) => m.id)).toEqual([alive.id])
  })

  it('removes messages by id and leaves others alone', () => {
    const a = makeMessage()
    const b = makeMessage()
    const state = withMessages(emptyMessages(), key, [a, b], 0)
    expect(withoutMessages(state, key, [a.id]).channels[key]?.messages.map((m) => m.id)).toEqual([
      b.id,
    ])
    expect(withoutMessages(state, key, ['unknown'])).toBe(state)
    expect(withoutMessages(state, 'other/channel', [a.id])).toBe(state)
  })

  it('burns exactly the messages whose time has come', () => {
    const soon = makeMessage({ burnAt: 1000 })
    const later = makeMessage({ burnAt: 5000 })
    const state = withMessages(emptyMessages(), key, [soon, later], 0)
    expect(withoutBurned(state, 999)).toBe(state)
    expect(withoutBurned(state, 1000).channels[key]?.messages.map((m) => m.id)).toEqual([later.id])
  })
})

describe('useMessages', () => {
  it('ignores events for channels never opened, and follows opened ones', () => {
    useMessages.getState().reset()
    const message = makeMessage({ burnAt: Date.now() + 60_000 })
    const event = { serverId: message.serverId, channelId: message.channelId, messages: [message] }
    useMessages.getState().applyChanged(event)
    expect(useMessages.getState().channels[key]).toBeUndefined()

    useMessages.setState(withMessages(useMessages.getState(), key, [], Date.now()))
    useMessages.getState().applyChanged(event)
    expect(useMessages.getState().channels[key]?.messages).toHaveLength(1)

    useMessages
      .getState()
      .applyRemoved({ serverId: message.serverId, channelId: message.channelId, ids: [message.id] })
    expect(useMessages.getState().channels[key]?.messages).toHaveLength(0)
  })

  it('forgets a server whole when the user leaves it', () => {
    useMessages.getState().reset()
    useMessages.setState(
      withMessages(
        emptyMessages(),
        key,
        [makeMessage({ burnAt: Date.now() + 60_000 })],
        Date.now(),
      ),
    )
    useMessages.setState(
      withMessages(
        useMessages.getState(),
        'other-server/c',
        [makeMessage({ burnAt: Date.now() + 60_000 })],
        Date.now(),
      ),
    )
    useMessages.getState().forgetServer('server-aaaaaaaaaaaaaaaa')
    expect(Object.keys(useMessages.getState().channels)).toEqual(['other-server/c'])
  })
})

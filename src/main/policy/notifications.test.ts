import { describe, expect, it } from 'vitest'
import type { MessageInfo } from '../../shared/api'
import {
  MAX_NOTIFICATIONS_PER_BATCH,
  mentions,
  NotificationPlanner,
  type NotificationContext,
} from './notifications'

const SINCE = 1_000_000
const channel = { serverId: 'server-aaaaaaaaaaaa', channelId: 'channel-aaaaaaaaaa' }
const other = { serverId: 'server-aaaaaaaaaaaa', channelId: 'channel-bbbbbbbbbb' }

const message = (id: string, overrides: Partial<MessageInfo> = {}): MessageInfo => ({
  id,
  ...channel,
  authorId: 'bob-user-id-000000',
  authorName: 'Bob',
  text: 'the launch code is 1234',
  sentAt: SINCE + 10,
  editedAt: null,
  burnAt: SINCE + 60_000,
  delivery: 'sent',
  seq: 1,
  ...overrides,
})

const context = (overrides: Partial<NotificationContext> = {}): NotificationContext => ({
  myUserId: 'alice-user-id-0000',
  myNames: ['alice', 'Alice L.'],
  previews: false,
  windowFocused: false,
  activeChannel: channel,
  ...overrides,
})

const deliver = (planner: NotificationPlanner, messages: MessageInfo[], ctx = context()) =>
  planner.messagesChanged({ ...channel, messages }, ctx)

describe('NotificationPlanner', () => {
  it('hides the text and the author by default', () => {
    const [shown, ...rest] = deliver(new NotificationPlanner(SINCE), [message('m1')])
    expect(rest).toEqual([])
    expect(shown).toMatchObject({ title: 'paracord', body: 'New message', messageIds: ['m1'] })
    expect(JSON.stringify(shown)).not.toContain('launch code')
    expect(JSON.stringify(shown)).not.toContain('Bob')
  })

  it('shows author and text when previews are on', () => {
    const [shown] = deliver(
      new NotificationPlanner(SINCE),
      [message('m1')],
      context({ previews: true }),
    )
    expect(shown).toMatchObject({ title: 'Bob', body: 'the launch code is 1234' })
  })

  it('says a mention is one, even with previews off', () => {
    const planner = new NotificationPlanner(SINCE)
    const [hidden] = deliver(planner, [message('m1', { text: 'hey @alice look' })])
    expect(hidden?.body).toBe('You were mentioned in a new message')
    const [shown] = deliver(
      planner,
      [message('m2', { text: '@Alice L. ping' })],
      context({ previews: true }),
    )
    expect(shown?.title).toBe('Bob mentioned you')
  })

  it('stays quiet for the channel in front of the user, own messages, history and edits', () => {
    const planner = new NotificationPlanner(SINCE)
    expect(deliver(planner, [message('m1')], context({ windowFocused: true }))).toEqual([])
    expect(deliver(planner, [message('m2', { authorId: 'alice-user-id-0000' })])).toEqual([])
    expect(deliver(planner, [message('m3', { sentAt: SINCE - 1 })])).toEqual([])
    expect(deliver(planner, [message('m4', { delivery: 'pending' })])).toEqual([])
    // m1 was seen while in front: an edit of it later is not news either.
    expect(deliver(planner, [message('m1', { text: 'edited', editedAt: SINCE + 20 })])).toEqual([])
  })

  it('notifies for another channel while the window has focus', () => {
    const planner = new NotificationPlanner(SINCE)
    const shown = deliver(
      planner,
      [message('m1')],
      context({ windowFocused: true, activeChannel: other }),
    )
    expect(shown).toHaveLength(1)
  })

  it('folds a burst into one summary', () => {
    const burst = Array.from({ length: MAX_NOTIFICATIONS_PER_BATCH + 2 }, (_, i) =>
      message(`m${i}`, { text: i === 2 ? '@alice' : 'hi' }),
    )
    const shown = deliver(new NotificationPlanner(SINCE), burst)
    expect(shown).toHaveLength(1)
    expect(shown[0]).toMatchObject({ title: 'paracord', body: '5 new messages, some mention you' })
    expect(shown[0]?.messageIds).toHaveLength(5)
  })

  it('withdraws a notification when its message burns, and everything on lock', () => {
    const planner = new NotificationPlanner(SINCE)
    const [first] = deliver(planner, [message('m1')])
    const [second] = deliver(planner, [message('m2')])
    expect(planner.messagesRemoved(['m1', 'unknown'])).toEqual([first?.key])
    expect(planner.messagesRemoved(['m1'])).toEqual([])
    expect(planner.clear()).toEqual([second?.key])
    expect(planner.clear()).toEqual([])
  })
})

describe('mentions', () => {
  it('matches @name as a whole word, ignoring case', () => {
    expect(mentions('@alice hi', ['alice'])).toBe(true)
    expect(mentions('hi @ALICE.', ['alice'])).toBe(true)
    expect(mentions('mail alice@example.com', ['alice'])).toBe(false)
    expect(mentions('@alicex', ['alice'])).toBe(false)
    expect(mentions('@a.b+c', ['a.b+c'])).toBe(true)
    expect(mentions('@anything', [''])).toBe(false)
  })
})

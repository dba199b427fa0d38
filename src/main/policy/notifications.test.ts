import { describe, expect, it } from 'vitest'
import type { MessageInfo } from '../../shared/api'
import {
  escapeNotificationMarkup,
  HIDDEN_BODY,
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
  bodyIsMarkup: false,
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

  it('says exactly "New message" with previews off: no mention, no count, no author', () => {
    const planner = new NotificationPlanner(SINCE)
    const [mention] = deliver(planner, [message('m1', { text: 'hey @alice look' })])
    expect(mention).toMatchObject({ title: 'paracord', body: HIDDEN_BODY })
    expect(HIDDEN_BODY).toBe('New message')
    const burst = Array.from({ length: MAX_NOTIFICATIONS_PER_BATCH + 2 }, (_, i) =>
      message(`b${i}`, { text: '@alice <b>hi</b>' }),
    )
    const [summary] = deliver(planner, burst, context({ bodyIsMarkup: true }))
    expect(summary).toMatchObject({ title: 'paracord', body: HIDDEN_BODY })
  })

  it('says a mention is one with previews on', () => {
    const planner = new NotificationPlanner(SINCE)
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
    const shown = deliver(new NotificationPlanner(SINCE), burst, context({ previews: true }))
    expect(shown).toHaveLength(1)
    expect(shown[0]).toMatchObject({ title: 'paracord', body: '5 new messages, some mention you' })
    expect(shown[0]?.messageIds).toHaveLength(5)
  })

  it('escapes the preview for notification servers that read markup (Linux), only there', () => {
    const text = 'see <a href="https://evil.example">this</a> & <img src=x>'
    const [linux] = deliver(
      new NotificationPlanner(SINCE),
      [message('m1', { text })],
      context({ previews: true, bodyIsMarkup: true }),
    )
    expect(linux?.body).toBe(
      'see &lt;a href="https://evil.example"&gt;this&lt;/a&gt; &amp; &lt;img src=x&gt;',
    )
    expect(linux?.body).not.toMatch(/[<>]/)
    const [plain] = deliver(
      new NotificationPlanner(SINCE),
      [message('m1', { text })],
      context({ previews: true }),
    )
    expect(plain?.body).toBe(text)
    // Cut to length first, then escaped: an entity is never cut in half.
    const [long] = deliver(
      new NotificationPlanner(SINCE),
      [message('m2', { text: `${'x'.repeat(138)}&&&` })],
      context({ previews: true, bodyIsMarkup: true }),
    )
    expect(long?.body).toBe(`${'x'.repeat(138)}&amp;…`)
    expect(escapeNotificationMarkup('a&b<c>d')).toBe('a&amp;b&lt;c&gt;d')
  })

  it('keeps every notification it showed until its message burns, is deleted, or the app locks', () => {
    // Nothing but a burn, a delete or a lock lets one go: not a click, not a toast that timed
    // out (both of which the system reports as "closed"), not the passing of time.
    const planner = new NotificationPlanner(SINCE)
    const shown = Array.from({ length: 50 }, (_, i) => deliver(planner, [message(`k${i}`)])[0]!)
    expect(planner.messagesRemoved(['k7'])).toEqual([shown[7]?.key])
    expect(planner.messagesRemoved(['k8', 'k9'])).toEqual([shown[8]?.key, shown[9]?.key])
    const remaining = planner.clear()
    expect(remaining).toHaveLength(47)
    expect(remaining).toContain(shown[0]?.key)
    expect(remaining).toContain(shown[49]?.key)
    expect('forget' in planner).toBe(false)
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

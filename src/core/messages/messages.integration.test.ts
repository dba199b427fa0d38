// Messages against the real backend: live delivery both ways, edits and deletions, burning,
// unread counts, and shards a server (or a member) moved, re-timed or forged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ParacordError } from '../../shared/api'
import { randomKey } from '../crypto'
import { fetchRequestFor, rawPost } from './test-shards'
import { randomId } from '../servers/ids'
import {
  newUser,
  sharedServer,
  startBackend,
  texts,
  waitFor,
  type Backend,
  type TestUser,
} from '../sync/test-world'

let backend: Backend
let olga: TestUser
let alice: TestUser
let serverId: string
let general: string

beforeAll(async () => {
  backend = await startBackend()
  ;[olga, alice] = await Promise.all([newUser(backend, 'olga'), newUser(backend, 'alice')])
  ;({ serverId, general } = await sharedServer(olga, [alice], 'Chatter'))
})

afterAll(async () => {
  await Promise.all([olga, alice].map((u) => u?.dispose()))
  await backend?.dispose()
})

async function rejection(promise: Promise<unknown>): Promise<ParacordError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ParacordError) return error
    throw error
  }
  throw new Error('expected the call to fail')
}

describe('live messages', () => {
  it('reach the other member both ways, in order, once', async () => {
    const sent = await olga.messages.sendMessage({
      serverId,
      channelId: general,
      text: 'hello alice',
    })
    expect(sent).toMatchObject({ delivery: 'sent', authorName: 'olga', text: 'hello alice' })
    expect(sent.seq).toBeGreaterThan(0)
    expect(sent.burnAt).toBe(sent.sentAt + 86_400_000)
    await waitFor(() => texts(alice, serverId, general).includes('hello alice'), 'alice to see it')
    await alice.messages.sendMessage({ serverId, channelId: general, text: 'hi olga' })
    await olga.messages.sendMessage({ serverId, channelId: general, text: 'how are the knots?' })
    const conversation = ['hello alice', 'hi olga', 'how are the knots?']
    await waitFor(() => texts(alice, serverId, general).length === 3, 'alice to see all three')
    await waitFor(() => texts(olga, serverId, general).length === 3, 'olga to see all three')
    expect(texts(alice, serverId, general)).toEqual(conversation)
    expect(texts(olga, serverId, general)).toEqual(conversation)
    const seenByAlice = alice.messages.listMessages({
      serverId,
      channelId: general,
      limit: 10,
    }).messages
    expect(seenByAlice.map((m) => m.authorName)).toEqual(['olga', 'alice', 'olga'])
    expect(seenByAlice.every((m) => m.delivery === 'sent')).toBe(true)
    expect(alice.seen.messagesChanged.some((e) => e.messages[0]?.text === 'hello alice')).toBe(true)
  })

  it('pages back through older messages', () => {
    const newest = alice.messages.listMessages({ serverId, channelId: general, limit: 2 })
    expect(newest.messages.map((m) => m.text)).toEqual(['hi olga', 'how are the knots?'])
    expect(newest.hasOlder).toBe(true)
    const older = alice.messages.listMessages({
      serverId,
      channelId: general,
      limit: 2,
      beforeSeq: newest.messages[0]!.seq!,
    })
    expect(older.messages.map((m) => m.text)).toEqual(['hello alice'])
    expect(older.hasOlder).toBe(false)
  })

  it('counts unread messages from others until marked read', async () => {
    alice.messages.markRead(serverId, general)
    expect(alice.messages.unreadCount(serverId, general)).toBe(0)
    await olga.messages.sendMessage({ serverId, channelId: general, text: 'one' })
    await olga.messages.sendMessage({ serverId, channelId: general, text: 'two' })
    await alice.messages.sendMessage({ serverId, channelId: general, text: 'mine does not count' })
    await waitFor(() => texts(alice, serverId, general).includes('two'), 'the new messages')
    expect(alice.messages.unreadCount(serverId, general)).toBe(2)
    expect(alice.servers.listServers().find((s) => s.id === serverId)?.unread).toBe(2)
    alice.messages.markRead(serverId, general)
    expect(alice.servers.getServer(serverId).channels[0]!.unread).toBe(0)
  })
})

describe('edits and deletions', () => {
  it('apply to one’s own messages everywhere, and are refused on anyone else’s', async () => {
    const mine = await alice.messages.sendMessage({
      serverId,
      channelId: general,
      text: 'typo hre',
    })
    await waitFor(() => texts(olga, serverId, general).includes('typo hre'), 'the original')
    const edited = await alice.messages.editMessage({
      serverId,
      channelId: general,
      messageId: mine.id,
      text: 'typo here',
    })
    expect(edited).toMatchObject({ id: mine.id, text: 'typo here', burnAt: mine.burnAt })
    expect(edited.editedAt).not.toBeNull()
    await waitFor(() => texts(olga, serverId, general).includes('typo here'), 'the edit')
    expect(texts(olga, serverId, general)).not.toContain('typo hre')

    const notMine = await rejection(
      olga.messages.editMessage({ serverId, channelId: general, messageId: mine.id, text: 'nope' }),
    )
    expect(notMine.code).toBe('forbidden')
    const notMineEither = await rejection(
      olga.messages.deleteMessage({ serverId, channelId: general, messageId: mine.id }),
    )
    expect(notMineEither.code).toBe('forbidden')
    const missing = await rejection(
      alice.messages.editMessage({
        serverId,
        channelId: general,
        messageId: randomId(),
        text: 'x',
      }),
    )
    expect(missing.code).toBe('not_found')

    await alice.messages.deleteMessage({ serverId, channelId: general, messageId: mine.id })
    expect(texts(alice, serverId, general)).not.toContain('typo here')
    await waitFor(() => !texts(olga, serverId, general).includes('typo here'), 'the deletion')
    expect(olga.seen.messagesDeleted).toContainEqual({
      serverId,
      channelId: general,
      ids: [mine.id],
    })
  })
})

describe('tampered shards', () => {
  it('rejects and counts a message moved, re-timed or forged, and never shows it', async () => {
    const original = await olga.messages.sendMessage({
      serverId,
      channelId: general,
      text: 'the real one',
    })
    await waitFor(() => texts(alice, serverId, general).includes('the real one'), 'the original')
    const before = alice.messages.rejectedCount()
    const shards = await fetchRequestFor(olga, serverId, general, original.seq! - 1)
    const stored = shards.find((s) => s.id === original.id)!

    // The same body under another id, and under another burn time, posted with the post key.
    await rawPost(alice, serverId, general, {
      id: randomId(),
      body: stored.body,
      burnAt: stored.burnAt!,
    })
    await rawPost(alice, serverId, general, {
      id: randomId(),
      body: stored.body,
      burnAt: stored.burnAt! + 60_000,
    })
    // A member's item claiming to be by someone else is a bad signature.
    await rawPost(alice, serverId, general, {
      id: randomId(),
      forgeAuthor: olga.session.userId,
      text: 'I am olga',
    })
    await waitFor(() => alice.messages.rejectedCount() === before + 3, 'three rejections')
    await waitFor(() => olga.messages.rejectedCount() >= 3, 'olga to reject them too')
    expect(texts(alice, serverId, general).filter((t) => t === 'the real one')).toHaveLength(1)
    expect(texts(alice, serverId, general)).not.toContain('I am olga')
  })
})

/** A channel both members see, made by olga. */
async function sharedChannel(name: string, burnSeconds: number): Promise<string> {
  const channel = await olga.servers.createChannel(serverId, { name, kind: 'text', burnSeconds })
  await waitFor(
    () => alice.servers.getServer(serverId).channels.some((c) => c.id === channel.id),
    `alice to see #${name}`,
  )
  return channel.id
}

describe('a modified client', () => {
  const DAY = 86_400_000

  it('cannot make a message outlive its channel’s burn time, nor date it ahead', async () => {
    const brief = await sharedChannel('brief', 5)
    const before = [olga, alice].map((user) => user.messages.rejectedCount())
    // Alice's client, changed to keep its messages: valid keys, valid signature, 14 days.
    const sentAt = Date.now()
    await rawPost(alice, serverId, brief, {
      id: randomId(),
      burnAt: sentAt + 14 * DAY,
      item: { type: 'message', text: 'here for two weeks', sentAt },
    })
    // The same, dated a day ahead so that sent time + 5 s looks right.
    await rawPost(alice, serverId, brief, {
      id: randomId(),
      burnAt: sentAt + DAY + 3000,
      item: { type: 'message', text: 'from tomorrow', sentAt: sentAt + DAY },
    })
    await alice.messages.sendMessage({ serverId, channelId: brief, text: 'gone in five' })
    for (const [i, user] of [olga, alice].entries()) {
      await waitFor(() => texts(user, serverId, brief).includes('gone in five'), 'the honest one')
      expect(texts(user, serverId, brief)).toEqual(['gone in five'])
      expect(user.messages.rejectedCount()).toBe(before[i]! + 2)
    }
  })

  it('cannot have the backend choose which edit a reader sees', async () => {
    const sent = await alice.messages.sendMessage({
      serverId,
      channelId: general,
      text: 'first draft',
    })
    await waitFor(() => texts(olga, serverId, general).includes('first draft'), 'the original')
    // The backend delivers the later edit first: posted in that order, dated as written.
    const editedAt = Date.now()
    const edit = (text: string, at: number) =>
      rawPost(alice, serverId, general, {
        id: randomId(),
        burnAt: sent.burnAt,
        item: { type: 'edit', target: sent.id, text, editedAt: at },
      })
    await edit('second edit', editedAt + 2)
    await edit('first edit', editedAt + 1)
    // Shards apply in order: once this shows, both edits have been read.
    await alice.messages.sendMessage({ serverId, channelId: general, text: 'after the edits' })
    for (const user of [olga, alice]) {
      await waitFor(() => texts(user, serverId, general).includes('after the edits'), 'the marker')
      const shown = user.messages
        .listMessages({ serverId, channelId: general, limit: 200 })
        .messages.find((m) => m.id === sent.id)
      expect(shown).toMatchObject({ text: 'second edit', editedAt: editedAt + 2 })
    }
  })
})

describe('a message that names the current epoch and does not open', () => {
  it('is not shown, and every member is warned their view may differ from the sender’s', async () => {
    const lookout = await sharedChannel('lookout', 3600)
    const before = [olga, alice].map((user) => user.messages.rejectedCount())
    const warned = (user: TestUser) =>
      user.seen.spineRejected.some(
        (e) =>
          e.serverId === serverId &&
          e.reason.includes('#lookout') &&
          e.reason.includes("view of the server may differ from the sender's"),
      )
    expect(warned(olga) || warned(alice)).toBe(false)
    // Sealed in the current epoch under a key that is not the epoch's (another branch's).
    const sentAt = Date.now()
    await rawPost(alice, serverId, lookout, {
      id: randomId(),
      burnAt: sentAt + 60_000,
      item: { type: 'message', text: 'from another branch', sentAt },
      contentKey: randomKey(),
    })
    for (const [i, user] of [olga, alice].entries()) {
      await waitFor(() => warned(user), `${user.name} to be warned`)
      expect(user.messages.rejectedCount()).toBe(before[i]! + 1)
      expect(texts(user, serverId, lookout)).toEqual([])
    }
  })
})

describe('burning', () => {
  it('removes a message from every cache, view and the backend at its time', async () => {
    const channel = await olga.servers.createChannel(serverId, {
      name: 'fleeting',
      kind: 'text',
      burnSeconds: 5,
    })
    await waitFor(
      () => alice.servers.getServer(serverId).channels.some((c) => c.id === channel.id),
      'alice to see the channel',
    )
    const sent = await olga.messages.sendMessage({
      serverId,
      channelId: channel.id,
      text: 'gone soon',
    })
    expect(sent.burnAt - sent.sentAt).toBe(5000)
    await waitFor(() => texts(alice, serverId, channel.id).includes('gone soon'), 'delivery')
    const burnedFor = (user: TestUser) =>
      user.seen.messagesBurned.some(
        (e) => e.channelId === channel.id && e.serverId === serverId && e.ids.includes(sent.id),
      )
    await waitFor(() => burnedFor(olga) && burnedFor(alice), 'both to burn it', 10_000)
    expect(Date.now()).toBeGreaterThanOrEqual(sent.burnAt)
    for (const user of [olga, alice]) {
      expect(texts(user, serverId, channel.id)).toEqual([])
      expect(user.session.cache.getMessage(sent.id)).toBeNull()
    }
    const left = await fetchRequestFor(olga, serverId, channel.id, 0)
    expect(left).toEqual([])
  })
})

describe('in the background', () => {
  it('nothing failed while all of the above happened', () => {
    for (const user of [olga, alice]) expect(user.errors).toEqual([])
  })
})

// The outbox against the real backend at its real rate limits: a burst goes through, a refusal
// with Retry-After is tried again when the server said (and shown as a wait meanwhile), and a
// message queued during an outage leaves within 3 s of the backend answering again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/config'
import { startRefusingProxy, type RefusingProxy } from '../net/test-proxy'
import { randomId } from '../servers/ids'
import {
  newUser,
  settle,
  sharedServer,
  startBackend,
  texts,
  waitFor,
  type Backend,
  type TestUser,
} from '../sync/test-world'
import { Outbox, type OutboxWait } from './outbox'

/** The default policy's longest jitter, so the measured reconnect is its worst case. */
const WORST_JITTER = { random: () => 0.99 }

let backend: Backend
let proxy: RefusingProxy
let olga: TestUser
let alice: TestUser
/** Reaches the backend through the proxy, which can refuse her posts. */
let pat: TestUser
let serverId: string
let general: string

beforeAll(async () => {
  backend = await startBackend('paracord-outbox-', {
    rateLimitPerMinute: DEFAULT_CONFIG.rateLimitPerMinute,
  })
  proxy = await startRefusingProxy(backend.url)
  const throughProxy = { ...backend, url: proxy.url }
  ;[olga, alice, pat] = await Promise.all([
    newUser(backend, 'olga', true, { live: WORST_JITTER }),
    newUser(backend, 'alice', true, { live: WORST_JITTER }),
    newUser(throughProxy, 'pat'),
  ])
  ;({ serverId, general } = await sharedServer(olga, [alice, pat], 'Outbox'))
})

afterAll(async () => {
  await Promise.all([olga, alice, pat].map((u) => u?.dispose()))
  await proxy?.close()
  await backend?.dispose()
})

const online = (user: TestUser) => user.sync.connectionState().status === 'online'
const count = (user: TestUser, text: string) =>
  texts(user, serverId, general).filter((t) => t === text).length

describe('the default rate limit', () => {
  it('lets a burst of 60 posts through at once (a paste of 50 lines fits)', async () => {
    await waitFor(() => [olga, alice].every(online), 'both online')
    const lines = Array.from({ length: 60 }, (_, i) => `line ${i + 1}`)
    const sent = await Promise.all(
      lines.map((text) => olga.messages.sendMessage({ serverId, channelId: general, text })),
    )
    // A refusal would have left one pending.
    expect(sent.filter((m) => m.delivery !== 'sent')).toEqual([])
    await waitFor(() => lines.every((line) => count(alice, line) === 1), 'alice to see all 60')
    expect(olga.messages.outboxSize()).toBe(0)
  })
})

describe('a refusal with Retry-After', () => {
  it('is tried again once the wait is over, with what was typed meanwhile after it', async () => {
    await waitFor(() => online(pat), 'pat online')
    const statesBefore = pat.seen.connectionChanged.length
    proxy.refuseNext(1, /\/shards$/, 1)
    const first = await pat.messages.sendMessage({ serverId, channelId: general, text: 'first' })
    expect(first.delivery).toBe('pending')
    expect(proxy.refusedAt).toHaveLength(1)
    // Typed during the wait: held back rather than posted ahead of the first.
    const second = await pat.messages.sendMessage({ serverId, channelId: general, text: 'second' })
    expect(second.delivery).toBe('pending')
    expect(pat.messages.outboxSize()).toBe(2)

    await waitFor(() => pat.messages.outboxSize() === 0, 'the outbox to empty', 10_000)
    const waited = Date.now() - proxy.refusedAt[0]!
    expect(waited).toBeGreaterThanOrEqual(1000)
    expect(waited).toBeLessThan(6000)
    await waitFor(() => count(alice, 'second') === 1, 'alice to see both')
    const seen = texts(alice, serverId, general)
    expect(seen.indexOf('first')).toBeLessThan(seen.indexOf('second'))
    expect(count(alice, 'first')).toBe(1)
    // No reconnect was needed to get them out.
    const states = pat.seen.connectionChanged.slice(statesBefore)
    expect(states.every((state) => state.status === 'online')).toBe(true)
    const mine = pat.messages.listMessages({ serverId, channelId: general, limit: 5 }).messages
    expect(mine.filter((m) => m.delivery === 'pending')).toEqual([])
  })

  it('reaches the window as a pause until the time the server named, cleared at the retry', async () => {
    await waitFor(() => online(pat), 'pat online')
    const statesBefore = pat.seen.connectionChanged.length
    const askedAt = pat.session.now()
    proxy.refuseNext(1, /\/shards$/, 2)
    const message = await pat.messages.sendMessage({ serverId, channelId: general, text: 'paused' })
    expect(message.delivery).toBe('pending')
    const until = pat.sync.connectionState().sendingPausedUntil
    expect(until! - askedAt).toBeGreaterThanOrEqual(2000)
    expect(until! - askedAt).toBeLessThan(4000)
    expect(pat.seen.connectionChanged.at(-1)).toEqual({
      status: 'online',
      outbox: 1,
      reason: null,
      sendingPausedUntil: until,
    })

    await waitFor(() => count(alice, 'paused') === 1, 'alice to receive it', 10_000)
    await waitFor(() => pat.messages.outboxSize() === 0, 'the outbox to empty')
    // Queued (no pause yet), paused until the named time, then the pause over: once each.
    const pauses = pat.seen.connectionChanged
      .slice(statesBefore)
      .map((state) => state.sendingPausedUntil)
      .filter((pause, i, all) => i === 0 || pause !== all[i - 1])
    expect(pauses).toEqual([null, until, null])
    expect(pat.seen.connectionChanged.at(-1)).toEqual({
      status: 'online',
      outbox: 0,
      reason: null,
      sendingPausedUntil: null,
    })
  })

  it('is reported as a wait until the time the server named, then as over', async () => {
    const waits: (OutboxWait | null)[] = []
    const sent: string[] = []
    const outbox = new Outbox(pat.session, pat.servers, {
      sent: (id) => sent.push(id),
      dropped: () => {},
      sizeChanged: () => {},
      waitChanged: (wait) => waits.push(wait),
    })
    const id = randomId()
    const now = pat.session.now()
    const item = { type: 'message', text: 'watched', sentAt: now } as const
    const data = outbox.compose(id, serverId, general, now + 60_000, item)
    outbox.enqueue(id, data)
    proxy.refuseNext(1, /\/shards$/, 2)
    await expect(outbox.post(id, data)).resolves.toEqual({ status: 'queued' })
    const wait = outbox.waiting()
    expect(wait?.reason).toBe('rate_limited')
    expect(wait!.until - now).toBeGreaterThanOrEqual(2000)
    expect(wait!.until - now).toBeLessThan(4000)
    expect(waits).toEqual([wait])

    await waitFor(() => sent.includes(id), 'the retry', 10_000)
    expect(waits).toEqual([wait, null])
    expect(outbox.waiting()).toBeNull()
    await waitFor(() => count(alice, 'watched') === 1, 'alice to see it')
  })

  it('is not tried again once the outbox is closed (the session locks)', async () => {
    const sent: string[] = []
    const outbox = new Outbox(pat.session, pat.servers, {
      sent: (id) => sent.push(id),
      dropped: () => {},
      sizeChanged: () => {},
    })
    const id = randomId()
    const now = pat.session.now()
    const item = { type: 'message', text: 'left for later', sentAt: now } as const
    const data = outbox.compose(id, serverId, general, now + 60_000, item)
    outbox.enqueue(id, data)
    proxy.refuseNext(1, /\/shards$/, 1)
    await outbox.post(id, data)
    outbox.close()
    expect(outbox.waiting()).toBeNull()
    await settle(1500)
    expect(sent).toEqual([])
    expect(pat.session.cache.listOutbox().some((queued) => queued.id === id)).toBe(true)
    // It is still there for the next flush, which sends it.
    pat.session.cache.removeOutbox(id)
  })
})

describe('an outage', () => {
  it('delivers what was queued within 3 s of the backend answering again', async () => {
    await waitFor(() => [olga, alice].every(online), 'both online')
    await backend.stop()
    await waitFor(() => !online(olga) && !online(alice), 'both offline')
    const queued = await olga.messages.sendMessage({
      serverId,
      channelId: general,
      text: 'written during the outage',
    })
    expect(queued.delivery).toBe('pending')
    // Long enough for an uncapped backoff to wait many seconds between tries.
    await settle(8000)

    await backend.restart()
    const reachable = Date.now()
    await waitFor(
      () => count(alice, 'written during the outage') === 1,
      'alice to receive it',
      15_000,
    )
    const took = Date.now() - reachable
    expect(took).toBeLessThanOrEqual(3000)
  }, 60_000)

  it('is over as soon as the window asks (focus, network back), however long the backoff', async () => {
    const rory = await newUser(backend, 'rory', true, {
      live: { random: () => 0.99, backoff: { baseMs: 60_000, capMs: 60_000 } },
    })
    try {
      const invite = await olga.servers.createInvite(serverId, null, null)
      await rory.servers.joinByInvite(invite.code)
      await waitFor(() => online(rory), 'rory online')
      await backend.stop()
      await waitFor(() => !online(rory), 'rory offline')
      await backend.restart()
      // What getConnectionState does when the window regains focus.
      rory.sync.reconnectNow()
      await waitFor(() => online(rory), 'rory back online', 3000)
    } finally {
      await rory.dispose()
    }
  })
})

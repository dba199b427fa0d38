// Voice signalling against the real backend: presence, signals addressed to one session, a
// full channel, leaving, a participant who stops beating, and nothing readable on the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ParacordError, type ApiEvents } from '../../shared/api'
import { newUser, startBackend, waitFor, type Backend, type TestUser } from '../sync/test-world'

const voice = { timing: { heartbeatMs: 200, timeoutMs: 1500 }, maxParticipants: 2 }

let backend: Backend
let olga: TestUser
let alice: TestUser
let bob: TestUser
let carol: TestUser | undefined
let serverId: string
let lounge: string

beforeAll(async () => {
  backend = await startBackend()
  const start = (name: string) => newUser(backend, name, true, { voice })
  ;[olga, alice, bob] = await Promise.all([start('olga'), start('alice'), start('bob')])
  const server = await olga.servers.createServer('Voice Club')
  serverId = server.id
  lounge = (
    await olga.servers.createChannel(serverId, { name: 'lounge', kind: 'voice', burnSeconds: 60 })
  ).id
  const invite = await olga.servers.createInvite(serverId, null, null)
  await alice.servers.joinByInvite(invite.code)
  await bob.servers.joinByInvite(invite.code)
  await waitFor(() => olga.servers.getServer(serverId).members.length === 3, 'both joins')
  await Promise.all([olga, alice, bob].map((u) => u.sync.whenSynced()))
})

afterAll(async () => {
  await Promise.all([olga, alice, bob, carol].flatMap((u) => (u ? [u.dispose()] : [])))
  await backend?.dispose()
})

const inLounge = (user: TestUser) =>
  user.voice
    .state()
    .channels.find((c) => c.channelId === lounge)
    ?.participants.map((p) => p.displayName) ?? []

async function refusal(promise: Promise<unknown>): Promise<ParacordError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ParacordError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

describe('voice signalling', () => {
  it('shows who joined to every member, in the order they joined', async () => {
    const call = await alice.voice.join(serverId, lounge)
    expect(call.participants.map((p) => p.displayName)).toEqual(['alice'])
    await bob.voice.join(serverId, lounge)
    for (const user of [olga, alice, bob])
      await waitFor(() => inLounge(user).join() === 'alice,bob', `${user.name} sees both`)
    expect(olga.seen.voiceParticipants.at(-1)).toMatchObject({ serverId, channelId: lounge })
  })

  it('delivers a signal only to the session it is addressed to', async () => {
    const aliceCall = alice.voice.state().call!
    const bobCall = bob.voice.state().call!
    const before = { olga: olga.seen.voiceSignal.length, alice: alice.seen.voiceSignal.length }
    await alice.voice.sendSignal({
      serverId,
      channelId: lounge,
      to: bob.session.userId,
      toSession: bobCall.sessionId,
      signal: '{"type":"offer","sdp":"v=0"}',
    })
    await waitFor(() => bob.seen.voiceSignal.length > 0, 'bob receives the offer')
    expect(bob.seen.voiceSignal.at(-1)).toEqual<ApiEvents['voiceSignal']>({
      serverId,
      channelId: lounge,
      from: alice.session.userId,
      fromSession: aliceCall.sessionId,
      signal: '{"type":"offer","sdp":"v=0"}',
    })
    expect(olga.seen.voiceSignal.length).toBe(before.olga)
    expect(alice.seen.voiceSignal.length).toBe(before.alice)
  })

  it('refuses a signal to someone not in the call', async () => {
    const error = await refusal(
      alice.voice.sendSignal({
        serverId,
        channelId: lounge,
        to: olga.session.userId,
        toSession: 'A'.repeat(22),
        signal: '{}',
      }),
    )
    expect(error.code).toBe('not_found')
  })

  it('tells a member beyond the limit that the channel is full, and leaves no trace', async () => {
    const error = await refusal(olga.voice.join(serverId, lounge))
    expect(error.code).toBe('conflict')
    expect(error.message).toMatch(/full/)
    expect(olga.voice.state().call).toBeNull()
    expect(inLounge(alice)).toEqual(['alice', 'bob'])
  })

  it('removes a participant who leaves for everyone else', async () => {
    await bob.voice.leave()
    await waitFor(() => inLounge(alice).join() === 'alice', 'alice sees bob leave')
    await waitFor(() => inLounge(olga).join() === 'alice', 'olga sees bob leave')
    expect(bob.voice.state().call).toBeNull()
  })

  it('drops a participant whose heartbeats stop', async () => {
    // Alice's device goes quiet without a leave (a crash): her heartbeats stop.
    const quiet = alice.voice as unknown as { heartbeat: ReturnType<typeof setInterval> | null }
    clearInterval(quiet.heartbeat!)
    await waitFor(() => inLounge(olga).length === 0, 'olga drops alice', 5000)
    await waitFor(() => inLounge(bob).length === 0, 'bob drops alice', 5000)
  })

  it('ends the call for a member whose channel is deleted', async () => {
    await bob.voice.join(serverId, lounge)
    await olga.servers.deleteChannel(serverId, lounge)
    await waitFor(() => bob.seen.voiceEnded.length > 0, 'bob is told the call ended')
    expect(bob.seen.voiceEnded.at(-1)).toEqual({
      serverId,
      channelId: lounge,
      reason: 'channel_deleted',
    })
    expect(bob.voice.state().call).toBeNull()
  })

  it('takes back a join still in flight when the service closes, and keeps no timer', async () => {
    carol = await newUser(backend, 'carol', true, { voice })
    const den = (
      await olga.servers.createChannel(serverId, { name: 'den', kind: 'voice', burnSeconds: 60 })
    ).id
    await carol.servers.joinByInvite((await olga.servers.createInvite(serverId, null, null)).code)
    await waitFor(() => olga.servers.getServer(serverId).members.length === 4, 'carol joins')
    await carol.sync.whenSynced()
    // Carol's join shard is held until the leave of her close() has reached the backend: the
    // app is locked while "Join voice" is in flight, and the join arrives last.
    const client = carol.session.client
    const postShard = client.postShard.bind(client)
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let posts = 0
    client.postShard = async (...args: Parameters<typeof postShard>) => {
      const n = ++posts
      if (n === 1) await held
      const posted = await postShard(...args)
      if (n === 2) release()
      return posted
    }
    const joining = carol.voice.join(serverId, den).then(
      () => null,
      (error: unknown) => error,
    )
    await waitFor(() => posts === 1, 'the join is in flight')
    await carol.voice.close()
    await joining
    const timers = carol.voice as unknown as {
      heartbeat: ReturnType<typeof setInterval> | null
      expiryTimer: ReturnType<typeof setTimeout> | null
    }
    expect(timers.heartbeat).toBeNull()
    expect(timers.expiryTimer).toBeNull()
    expect(carol.voice.state().call).toBeNull()
    // Olga has read everything carol posted, and does not keep her as a ghost.
    const inDen = () =>
      olga.voice
        .state()
        .channels.find((c) => c.channelId === den)
        ?.participants.map((p) => p.displayName) ?? []
    const seenCarol = () =>
      olga.seen.voiceParticipants.some(
        (s) => s.channelId === den && s.participants.some((p) => p.displayName === 'carol'),
      )
    await waitFor(() => seenCarol(), 'olga sees the late join')
    await waitFor(() => inDen().length === 0, 'olga sees carol leave', 1000)
    expect(carol.errors).toEqual([])
  })
})

import { describe, expect, it, vi } from 'vitest'
import type { IceConfig, VoiceCall, VoiceParticipant } from '../../../../shared/api'
import { ParacordError } from '../../../../shared/api-errors'
import { CONNECT_TIMEOUT_MS, DISCONNECTED_GRACE_MS, RESTART_DELAYS_MS } from './call-mesh'
import { decodeSignal, encodeSignal } from './signal-envelope'
import { callHarness, fakeStream, RELAY, type CallHarness, type FakePeer } from './test-call'
import {
  CALL_ENDED,
  CONNECTION_LOST,
  DIRECT_CALLS_DECLINED,
  DIRECT_UNREACHABLE,
  RELAY_UNREACHABLE,
  VoiceProblem,
} from './voice-problems'
import { voiceKey, type DirectCallQuestion } from './voice-store'

const SERVER = 'server'
const CHANNEL = 'lounge'
// Bob is this device. The smaller user id starts each connection: Ann starts hers to Bob, Bob
// starts his to Cat.
const ME = 'bob'
const bob: VoiceParticipant = { userId: 'bob', displayName: 'Bob', sessionId: 'bob-1' }
const ann: VoiceParticipant = { userId: 'ann', displayName: 'Ann', sessionId: 'ann-1' }
const cat: VoiceParticipant = { userId: 'cat', displayName: 'Cat', sessionId: 'cat-1' }
const dan: VoiceParticipant = { userId: 'dan', displayName: 'Dan', sessionId: 'dan-1' }

const OFFER = { type: 'offer', sdp: 'v=0 offer' }
const ANSWER = { type: 'answer', sdp: 'v=0 answer' }
const CANDIDATE = { candidate: { candidate: 'candidate:1 1 udp 1 192.0.2.1 3478 typ relay' } }

function callWith(...others: VoiceParticipant[]): VoiceCall {
  return {
    serverId: SERVER,
    channelId: CHANNEL,
    sessionId: bob.sessionId,
    participants: [bob, ...others],
  }
}

async function joined(others: VoiceParticipant[], ice: IceConfig = RELAY): Promise<CallHarness> {
  const harness = callHarness(ice, callWith(...others))
  await harness.controller.join(SERVER, CHANNEL, ME)
  return harness
}

/** What the participants' devices send this one, through the core. */
function signalFrom(who: VoiceParticipant, gen: number, data: object) {
  return {
    serverId: SERVER,
    channelId: CHANNEL,
    from: who.userId,
    fromSession: who.sessionId,
    signal: encodeSignal({ gen, data }),
  }
}

/** Feeds the controller the core's voice events, as the event feed does. */
function events(harness: CallHarness) {
  const listeners = new Map<string, (payload: never) => void>()
  harness.controller.subscribe({
    on: (event, listener) => {
      listeners.set(event, listener)
      return () => listeners.delete(event)
    },
  })
  const emit = (event: string, payload: unknown) => listeners.get(event)?.(payload as never)
  return {
    participants: (...people: VoiceParticipant[]) =>
      emit('voiceParticipants', { serverId: SERVER, channelId: CHANNEL, participants: people }),
    signal: (event: ReturnType<typeof signalFrom>) => emit('voiceSignal', event),
    ended: (reason: keyof typeof CALL_ENDED) =>
      emit('voiceEnded', { serverId: SERVER, channelId: CHANNEL, reason }),
  }
}

/** The signals this device sent to `who`, decoded. */
function sentTo(harness: CallHarness, who: VoiceParticipant) {
  return harness.api.sendVoiceSignal.mock.calls
    .map(([input]) => input)
    .filter((input) => input.to === who.userId && input.toSession === who.sessionId)
    .map((input) => decodeSignal(input.signal))
}

const last = (peers: FakePeer[]): FakePeer => {
  const peer = peers.at(-1)
  if (!peer) throw new Error('no peer was made')
  return peer
}

describe('joining a call', () => {
  it('opens the microphone, announces the join and connects to everyone already there', async () => {
    const harness = await joined([cat, ann])
    const { store, api, peers, media, clock } = harness

    expect(api.joinVoice).toHaveBeenCalledWith({ serverId: SERVER, channelId: CHANNEL })
    expect(store.getState()).toMatchObject({
      phase: 'in_call',
      call: { serverId: SERVER, channelId: CHANNEL, sessionId: bob.sessionId },
      error: null,
    })
    expect(store.getState().channels[voiceKey(SERVER, CHANNEL)]).toEqual([bob, cat, ann])
    expect(media.audioOpened).toBe(1)

    // One connection per other person, through the relay only, carrying the microphone.
    const [toCat, toAnn] = peers
    expect(peers).toHaveLength(2)
    expect(toCat?.options).toMatchObject({ initiator: true, trickle: true, stream: media.mic })
    expect(toAnn?.options).toMatchObject({ initiator: false })
    expect(toCat?.options.config).toEqual({
      iceServers: [{ urls: ['turn:relay.example:3478'], username: 'u1', credential: 'c1' }],
      iceTransportPolicy: 'relay',
    })
    expect(store.getState().peers).toMatchObject({
      cat: { sessionId: 'cat-1', state: 'connecting' },
      ann: { sessionId: 'ann-1', state: 'connecting' },
    })

    // Bob's offer to Cat goes through the core, stamped with this connection's generation.
    toCat?.emit('signal', OFFER)
    expect(sentTo(harness, cat)).toEqual([{ gen: clock.now(), data: OFFER }])

    toCat?.emit('connect')
    expect(store.getState().peers.cat?.state).toBe('connected')
  })

  it('answers the side that starts the connection', async () => {
    const harness = await joined([ann])
    const feed = events(harness)
    const toAnn = last(harness.peers)

    feed.signal(signalFrom(ann, 500, OFFER))
    expect(toAnn.received).toEqual([OFFER])
    toAnn.emit('signal', ANSWER)
    expect(sentTo(harness, ann)).toEqual([{ gen: 500, data: ANSWER }])
  })

  it('says why when the microphone cannot be used, and asks the core nothing', async () => {
    const harness = callHarness(RELAY, callWith(cat))
    harness.media.micFailure = new VoiceProblem(
      'No microphone was found. Connect one, then join again.',
    )

    await harness.controller.join(SERVER, CHANNEL, ME)

    expect(harness.store.getState()).toMatchObject({
      phase: 'idle',
      call: null,
      error: 'No microphone was found. Connect one, then join again.',
    })
    expect(harness.api.joinVoice).not.toHaveBeenCalled()
  })

  it('shows the core’s own words when the channel is full', async () => {
    const harness = callHarness(RELAY, callWith(cat))
    const full = new ParacordError('conflict', 'This voice channel is full (8 people).')
    harness.api.joinVoice.mockRejectedValueOnce(full)

    await harness.controller.join(SERVER, CHANNEL, ME)

    expect(harness.store.getState().error).toBe('This voice channel is full (8 people).')
    expect(harness.peers).toHaveLength(0)
  })

  it('takes the join back in the core when the user left while it was on its way', async () => {
    const harness = callHarness(RELAY, callWith(cat))
    let answer: (call: VoiceCall) => void = () => {}
    harness.api.joinVoice.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)))

    const joining = harness.controller.join(SERVER, CHANNEL, ME)
    await harness.clock.advance(0)
    expect(harness.store.getState().phase).toBe('joining')
    await harness.controller.leave()
    answer(callWith(cat))
    await joining

    // Once for the leave, once more for the join that arrived after it.
    expect(harness.api.leaveVoice).toHaveBeenCalledTimes(2)
    expect(harness.store.getState()).toMatchObject({ phase: 'idle', call: null, error: null })
    expect(harness.media.mic?.track.stopped).toBe(true)
    expect(harness.peers).toHaveLength(0)
  })

  it('does nothing when asked to join the call it is already in', async () => {
    const harness = await joined([cat])
    await harness.controller.join(SERVER, CHANNEL, ME)
    expect(harness.api.joinVoice).toHaveBeenCalledTimes(1)
    expect(harness.peers).toHaveLength(1)
  })
})

describe('leaving a call', () => {
  it('closes every connection, releases the microphone and tells the core', async () => {
    const harness = await joined([cat, ann])
    const { controller, store, api, peers, media, clock } = harness

    await controller.leave()

    expect(peers.every((peer) => peer.destroyed)).toBe(true)
    expect(media.mic?.track.stopped).toBe(true)
    expect(media.audioClosed).toBe(1)
    expect(api.leaveVoice).toHaveBeenCalledTimes(1)
    expect(store.getState()).toMatchObject({ phase: 'idle', call: null, peers: {}, error: null })
    // Who is in the channel is the core's to say; it stays until the core says otherwise.
    expect(store.getState().channels[voiceKey(SERVER, CHANNEL)]).toHaveLength(3)
    // No meter, statistics, credential or connection timer is left running.
    expect(clock.waiting).toBe(0)
  })

  it('hangs up here and says so when the core cannot be told', async () => {
    const harness = await joined([cat])
    harness.api.leaveVoice.mockRejectedValueOnce(
      new ParacordError('server_unreachable', 'The server cannot be reached.'),
    )

    await harness.controller.leave()

    expect(harness.peers.every((peer) => peer.destroyed)).toBe(true)
    expect(harness.store.getState()).toMatchObject({ phase: 'idle', call: null })
    expect(harness.store.getState().error).toMatch(/reach/i)
  })

  it('does not bother the core when there was no call', async () => {
    const harness = callHarness(RELAY, callWith(cat))
    await harness.controller.leave()
    expect(harness.api.leaveVoice).not.toHaveBeenCalled()
  })
})

describe('mute and deafen', () => {
  it('muting takes the microphone track off every connection; unmuting puts it back', async () => {
    const { controller, store, peers, media } = await joined([cat, ann])
    const track = media.mic?.track

    controller.setMuted(true)
    expect(store.getState().muted).toBe(true)
    expect(peers.map((peer) => peer.sending)).toEqual([[null], [null]])

    controller.setMuted(false)
    expect(store.getState().muted).toBe(false)
    expect(peers.map((peer) => peer.sending.at(-1))).toEqual([track, track])
  })

  it('a connection made while muted starts without the microphone', async () => {
    const harness = await joined([cat])
    harness.controller.setMuted(true)

    events(harness).participants(bob, cat, dan)

    expect(harness.peers).toHaveLength(2)
    expect(last(harness.peers).sending).toEqual([null])
  })

  it('deafening silences everyone and mutes too; unmuting undeafens', async () => {
    const { controller, store, peers, media } = await joined([cat])
    const voice = fakeStream()
    last(peers).emit('stream', voice)
    const playback = media.playbacks[0]
    expect(playback).toMatchObject({ stream: voice, muted: false })

    controller.setDeafened(true)
    expect(store.getState()).toMatchObject({ deafened: true, muted: true })
    expect(playback?.muted).toBe(true)
    expect(last(peers).sending).toEqual([null])

    controller.setMuted(false)
    expect(store.getState()).toMatchObject({ deafened: false, muted: false })
    expect(playback?.muted).toBe(false)
  })
})

describe('a server that offers no relay, while calls are always relayed', () => {
  const NO_RELAY: IceConfig = { iceServers: [], relayOnly: true, expiresAt: null }

  /** Starts a join and waits until it asks; returns the join and every question it asked. */
  async function asked(harness: CallHarness) {
    const questions: (DirectCallQuestion | null)[] = []
    harness.store.subscribe((state, before) => {
      if (state.directCallQuestion !== before.directCallQuestion)
        questions.push(state.directCallQuestion)
    })
    const joining = harness.controller.join(SERVER, CHANNEL, ME)
    await vi.waitFor(() => expect(harness.store.getState().directCallQuestion).not.toBeNull())
    return { joining, questions }
  }

  it('asks before any microphone opens, and "Call directly" connects without the relay', async () => {
    const harness = callHarness(NO_RELAY, callWith(cat))
    const { joining } = await asked(harness)
    expect(harness.store.getState()).toMatchObject({
      phase: 'joining',
      directCallQuestion: { serverId: SERVER, channelId: CHANNEL },
    })
    expect(harness.media.mic).toBeNull()
    expect(harness.api.joinVoice).not.toHaveBeenCalled()

    harness.controller.answerDirectCall('direct')
    await joining

    expect(harness.directCalls.answers.get(SERVER)).toBe(true)
    expect(harness.store.getState()).toMatchObject({
      phase: 'in_call',
      error: null,
      directCallQuestion: null,
    })
    expect(last(harness.peers).options.config).toEqual({
      iceServers: [],
      iceTransportPolicy: 'all',
    })
  })

  it('remembers "Call directly" for that server: the next join does not ask', async () => {
    const harness = callHarness(NO_RELAY, callWith(cat))
    harness.directCalls.answers.set(SERVER, true)
    const questions: unknown[] = []
    harness.store.subscribe((state) => state.directCallQuestion && questions.push(state))

    await harness.controller.join(SERVER, CHANNEL, ME)

    expect(questions).toEqual([])
    expect(harness.store.getState().phase).toBe('in_call')
    expect(last(harness.peers).options.config?.iceTransportPolicy).toBe('all')
  })

  it('"Don’t call" is remembered: no call, no microphone, and words that say where to change it', async () => {
    const harness = callHarness(NO_RELAY, callWith(cat))
    const { joining, questions } = await asked(harness)
    harness.controller.answerDirectCall('relay_only')
    await joining

    expect(harness.directCalls.answers.get(SERVER)).toBe(false)
    expect(harness.store.getState()).toMatchObject({
      phase: 'idle',
      call: null,
      error: DIRECT_CALLS_DECLINED,
    })
    expect(DIRECT_CALLS_DECLINED).toMatch(/Settings, under Privacy/)
    expect(harness.media.mic).toBeNull()
    expect(harness.api.joinVoice).not.toHaveBeenCalled()

    // The next join answers at once, without asking.
    await harness.controller.join(SERVER, CHANNEL, ME)
    expect(questions.filter((question) => question !== null)).toHaveLength(1)
    expect(harness.store.getState().error).toBe(DIRECT_CALLS_DECLINED)
  })

  it('closing the question answers nothing: no call, no error, and the next join asks again', async () => {
    const harness = callHarness(NO_RELAY, callWith(cat))
    const first = await asked(harness)
    harness.controller.answerDirectCall('dismissed')
    await first.joining

    expect(harness.store.getState()).toMatchObject({
      phase: 'idle',
      call: null,
      error: null,
      directCallQuestion: null,
    })
    expect(harness.directCalls.answers.has(SERVER)).toBe(false)
    expect(harness.api.joinVoice).not.toHaveBeenCalled()

    const second = await asked(harness)
    harness.controller.answerDirectCall('direct')
    await second.joining
    expect(harness.store.getState().phase).toBe('in_call')
  })

  it('leaving while asked ends the join', async () => {
    const harness = callHarness(NO_RELAY, callWith(cat))
    const { joining } = await asked(harness)

    await harness.controller.leave()
    await joining

    expect(harness.store.getState()).toMatchObject({
      phase: 'idle',
      call: null,
      directCallQuestion: null,
    })
    expect(harness.api.joinVoice).not.toHaveBeenCalled()
    expect(harness.media.mic).toBeNull()
  })

  it('an answer that cannot be saved still starts this call, and the next join asks again', async () => {
    const harness = callHarness(NO_RELAY, callWith(cat))
    harness.directCalls.failing = true
    const { joining } = await asked(harness)
    harness.controller.answerDirectCall('direct')
    await joining

    expect(harness.store.getState().phase).toBe('in_call')
    expect(harness.directCalls.answers.has(SERVER)).toBe(false)
  })

  it('a direct connection that fails blames the networks, not a relay, and stays direct', async () => {
    const harness = callHarness(NO_RELAY, callWith(cat))
    harness.directCalls.answers.set(SERVER, true)
    await harness.controller.join(SERVER, CHANNEL, ME)
    const { store, peers, clock } = harness

    last(peers).emit('error', new Error('Connection failed.'))
    expect(store.getState().error).toBe(DIRECT_UNREACHABLE)

    // Fresh credentials still name no relay: the next connection is direct again.
    await clock.advance(RESTART_DELAYS_MS[0])
    expect(peers).toHaveLength(2)
    expect(last(peers).options.config?.iceTransportPolicy).toBe('all')
  })

  it('a relay that appears later is used again', async () => {
    const harness = callHarness(NO_RELAY, callWith(cat))
    harness.directCalls.answers.set(SERVER, true)
    await harness.controller.join(SERVER, CHANNEL, ME)
    const { peers, clock, api } = harness
    api.getIceServers.mockResolvedValue(RELAY)

    last(peers).emit('error', new Error('Connection failed.'))
    await clock.advance(RESTART_DELAYS_MS[0])

    expect(last(peers).options.config).toMatchObject({ iceTransportPolicy: 'relay' })
    expect(last(peers).options.config?.iceServers).toHaveLength(1)
  })
})

describe('a connection that fails', () => {
  it('says so, then starts again with fresh relay credentials after a pause', async () => {
    const harness = await joined([cat])
    const { store, api, peers, clock } = harness
    const first = last(peers)
    const fresh: IceConfig = {
      ...RELAY,
      iceServers: [{ urls: ['turn:relay.example:3478'], username: 'u2', credential: 'c2' }],
    }
    api.getIceServers.mockResolvedValue(fresh)

    first.emit('error', new Error('Connection failed.'))
    expect(store.getState().peers.cat?.state).toBe('failed')
    expect(store.getState().error).toBe(RELAY_UNREACHABLE)

    await clock.advance(RESTART_DELAYS_MS[0] - 1)
    expect(peers).toHaveLength(1)
    await clock.advance(1)

    expect(api.getIceServers).toHaveBeenCalledTimes(2)
    expect(peers).toHaveLength(2)
    expect(first.destroyed).toBe(true)
    const second = last(peers)
    expect(second.options.config?.iceServers).toEqual([
      { urls: ['turn:relay.example:3478'], username: 'u2', credential: 'c2' },
    ])
    expect(store.getState().peers.cat?.state).toBe('reconnecting')

    // The new connection is a new generation, so Cat's side drops its old one.
    first.emit('signal', OFFER) // too late: ignored
    second.emit('signal', OFFER)
    expect(sentTo(harness, cat)).toEqual([{ gen: clock.now(), data: OFFER }])

    second.emit('connect')
    expect(store.getState().peers.cat?.state).toBe('connected')
    expect(store.getState().error).toBeNull()
  })

  it('waits longer after each failure in a row, and starts over once connected', async () => {
    const { peers, clock } = await joined([cat])

    last(peers).emit('error', new Error('Connection failed.'))
    await clock.advance(RESTART_DELAYS_MS[0])
    expect(peers).toHaveLength(2)

    last(peers).emit('error', new Error('Connection failed.'))
    await clock.advance(RESTART_DELAYS_MS[1] - 1)
    expect(peers).toHaveLength(2)
    await clock.advance(1)
    expect(peers).toHaveLength(3)

    last(peers).emit('connect')
    last(peers).emit('error', new Error('Connection reset.'))
    await clock.advance(RESTART_DELAYS_MS[0])
    expect(peers).toHaveLength(4)
  })

  it('counts a connection that never comes up as failed', async () => {
    const { store, peers, clock } = await joined([cat])

    await clock.advance(CONNECT_TIMEOUT_MS - 1)
    expect(store.getState().peers.cat?.state).toBe('connecting')
    await clock.advance(1)

    expect(store.getState().peers.cat?.state).toBe('failed')
    expect(store.getState().error).toBe(RELAY_UNREACHABLE)
    await clock.advance(RESTART_DELAYS_MS[0])
    expect(peers).toHaveLength(2)
  })

  it('gives a relay that offers no candidate up at once', async () => {
    const { store, peers } = await joined([cat])
    last(peers).emit('iceStateChange', 'checking', 'complete')
    expect(store.getState()).toMatchObject({
      peers: { cat: { state: 'failed' } },
      error: RELAY_UNREACHABLE,
    })
  })

  it('lets a dropped connection try to recover, then starts it again', async () => {
    const { store, peers, clock } = await joined([cat])
    const first = last(peers)
    first.emit('signal', CANDIDATE)
    first.emit('connect')

    first.emit('iceStateChange', 'disconnected', 'complete')
    expect(store.getState().peers.cat?.state).toBe('reconnecting')
    await clock.advance(DISCONNECTED_GRACE_MS - 1)
    expect(store.getState().error).toBeNull()
    await clock.advance(1)

    expect(store.getState().error).toBe(CONNECTION_LOST)
    expect(store.getState().peers.cat?.state).toBe('reconnecting')
    await clock.advance(RESTART_DELAYS_MS[0])
    expect(peers).toHaveLength(2)
    expect(first.destroyed).toBe(true)
  })

  it('keeps a connection that recovers within the grace period', async () => {
    const { store, peers, clock } = await joined([cat])
    const first = last(peers)
    first.emit('signal', CANDIDATE)
    first.emit('connect')

    first.emit('iceStateChange', 'disconnected', 'complete')
    await clock.advance(DISCONNECTED_GRACE_MS / 2)
    first.emit('iceStateChange', 'connected', 'complete')
    await clock.advance(DISCONNECTED_GRACE_MS + RESTART_DELAYS_MS[0])

    expect(store.getState().peers.cat?.state).toBe('connected')
    expect(store.getState().error).toBeNull()
    expect(peers).toHaveLength(1)
    expect(first.destroyed).toBe(false)
  })

  it('on the answering side, drops the connection and follows the initiator’s next one', async () => {
    const harness = await joined([ann])
    const { store, peers } = harness
    const feed = events(harness)
    feed.signal(signalFrom(ann, 100, OFFER))
    const first = last(peers)

    first.emit('error', new Error('Connection failed.'))

    // Replaced at once, waiting for Ann's new generation.
    expect(peers).toHaveLength(2)
    expect(first.destroyed).toBe(true)
    const second = last(peers)
    expect(second.options.initiator).toBe(false)
    expect(store.getState().peers.ann?.state).toBe('failed')

    feed.signal(signalFrom(ann, 100, CANDIDATE)) // from the connection given up: ignored
    expect(second.received).toEqual([])
    feed.signal(signalFrom(ann, 200, OFFER))
    expect(second.received).toEqual([OFFER])
    second.emit('connect')
    expect(store.getState().peers.ann?.state).toBe('connected')
  })

  it('on the answering side, a newer offer replaces a connection still in use', async () => {
    const harness = await joined([ann])
    const feed = events(harness)
    feed.signal(signalFrom(ann, 100, OFFER))
    last(harness.peers).emit('connect')

    feed.signal(signalFrom(ann, 300, OFFER))

    expect(harness.peers).toHaveLength(2)
    expect(harness.peers[0]?.destroyed).toBe(true)
    expect(last(harness.peers).received).toEqual([OFFER])
    expect(harness.store.getState().peers.ann?.state).toBe('reconnecting')
  })

  it('treats a signal the core could not send as a lost connection', async () => {
    const harness = await joined([cat])
    harness.api.sendVoiceSignal.mockRejectedValueOnce(new Error('offline'))

    last(harness.peers).emit('signal', OFFER)
    await harness.clock.advance(0)

    expect(harness.store.getState().error).toBe(CONNECTION_LOST)
  })
})

describe('relay credentials', () => {
  const MINUTE = 60_000

  it('are fetched again before they expire, and new connections use the fresh ones', async () => {
    const harness = callHarness(RELAY, callWith(cat))
    const start = harness.clock.now()
    harness.api.getIceServers.mockResolvedValueOnce({ ...RELAY, expiresAt: start + 20 * MINUTE })
    const fresh: IceConfig = {
      ...RELAY,
      iceServers: [{ urls: ['turn:relay.example:3478'], username: 'u2', credential: 'c2' }],
      expiresAt: start + 40 * MINUTE,
    }
    harness.api.getIceServers.mockResolvedValueOnce(fresh)
    await harness.controller.join(SERVER, CHANNEL, ME)
    last(harness.peers).emit('connect')

    // Five minutes before they expire.
    await harness.clock.advance(15 * MINUTE - 1)
    expect(harness.api.getIceServers).toHaveBeenCalledTimes(1)
    await harness.clock.advance(1)
    expect(harness.api.getIceServers).toHaveBeenCalledTimes(2)

    events(harness).participants(bob, cat, dan)
    expect(last(harness.peers).options.config?.iceServers?.[0]).toMatchObject({ username: 'u2' })
    last(harness.peers).emit('connect')

    // And again before the fresh ones expire.
    await harness.clock.advance(20 * MINUTE)
    expect(harness.api.getIceServers).toHaveBeenCalledTimes(3)
  })

  it('keep the old ones when fetching fails, and try again sooner', async () => {
    const harness = callHarness(RELAY, callWith(cat))
    const start = harness.clock.now()
    harness.api.getIceServers.mockResolvedValueOnce({ ...RELAY, expiresAt: start + 20 * MINUTE })
    harness.api.getIceServers.mockRejectedValueOnce(new Error('offline'))
    await harness.controller.join(SERVER, CHANNEL, ME)
    last(harness.peers).emit('connect')

    await harness.clock.advance(15 * MINUTE)
    expect(harness.api.getIceServers).toHaveBeenCalledTimes(2)
    events(harness).participants(bob, cat, dan)
    expect(last(harness.peers).options.config?.iceServers?.[0]).toMatchObject({ username: 'u1' })
    last(harness.peers).emit('connect')

    // Five minutes were left: the next try comes halfway there.
    await harness.clock.advance(2.5 * MINUTE)
    expect(harness.api.getIceServers).toHaveBeenCalledTimes(3)
  })
})

describe('the core’s voice events', () => {
  it('connects to people who join and lets go of people who leave', async () => {
    const harness = await joined([cat])
    const feed = events(harness)
    const toCat = last(harness.peers)

    feed.participants(bob, cat, dan)
    expect(harness.peers).toHaveLength(2)
    expect(harness.store.getState().peers.dan?.state).toBe('connecting')

    feed.participants(bob, dan)
    expect(toCat.destroyed).toBe(true)
    expect(harness.store.getState().peers.cat).toBeUndefined()
    expect(harness.store.getState().channels[voiceKey(SERVER, CHANNEL)]).toEqual([bob, dan])
  })

  it('keeps signals that arrive before their sender joins, for when they do', async () => {
    const harness = await joined([])
    const feed = events(harness)
    const early = { userId: 'aby', displayName: 'Aby', sessionId: 'aby-1' }

    feed.signal(signalFrom(early, 100, OFFER))
    expect(harness.peers).toHaveLength(0)
    feed.participants(bob, early)

    expect(last(harness.peers).received).toEqual([OFFER])
  })

  it('ends the call when the core does, and says why', async () => {
    const harness = await joined([cat])
    events(harness).ended('channel_deleted')

    expect(harness.store.getState()).toMatchObject({
      phase: 'idle',
      call: null,
      error: CALL_ENDED.channel_deleted,
    })
    expect(last(harness.peers).destroyed).toBe(true)
    expect(harness.media.mic?.track.stopped).toBe(true)
    expect(harness.api.leaveVoice).not.toHaveBeenCalled()
  })

  it('shows who is speaking and how each connection goes', async () => {
    const { store, peers, media, clock } = await joined([cat])
    const voice = fakeStream()
    const toCat = last(peers)
    toCat.emit('stream', voice)
    toCat.reports = [
      { id: 'P', type: 'candidate-pair', selected: true, localCandidateId: 'L' },
      { id: 'L', type: 'local-candidate', candidateType: 'relay' },
    ]
    media.loud.add(voice)

    await clock.advance(1_000)

    expect(store.getState().speaking).toEqual({ bob: false, cat: true })
    expect(store.getState().peers.cat?.stats?.localCandidateType).toBe('relay')
  })
})

describe('the session', () => {
  it('loads who is where, and hangs up a call the core kept from before', async () => {
    const harness = callHarness(RELAY, callWith(cat))
    harness.api.getVoiceState.mockResolvedValueOnce({
      call: { ...callWith(cat), sessionId: 'bob-0' },
      channels: [callWith(cat)],
    })

    await harness.controller.load()

    expect(harness.store.getState().channels[voiceKey(SERVER, CHANNEL)]).toEqual([bob, cat])
    expect(harness.api.leaveVoice).toHaveBeenCalledTimes(1)
  })

  it('forgets everything on lock, without waiting for the core', async () => {
    const harness = await joined([cat])
    harness.controller.forget()

    expect(harness.store.getState()).toMatchObject({ phase: 'idle', channels: {}, peers: {} })
    expect(last(harness.peers).destroyed).toBe(true)
    expect(harness.clock.waiting).toBe(0)
  })
})

// One call this device is in: a simple-peer connection per other participant (a full mesh),
// their audio, the speaking meters and the connection statistics. Signals travel through
// ParacordApi (the core seals them into the channel's burning stream); the media goes through
// the TURN relay straight to the other participants. A connection that fails is replaced, never
// renegotiated: the side that initiates starts a new generation, the other side follows it.
import type { PeerInstance } from 'simple-peer/simplepeer.min.js'
import type { ApiEvents, IceConfig, VoiceParticipant } from '../../../../shared/api'
import type { CallAudio, CallDeps, Meter, Playback, TimerId } from './call-deps'
import { IceCredentials } from './ice-credentials'
import { isInitiator, peerKey, planMesh } from './mesh-plan'
import { summariseStats } from './peer-stats'
import { answerVerdict, decodeSignal, encodeSignal } from './signal-envelope'
import { CONNECTION_LOST, DIRECT_UNREACHABLE, RELAY_UNREACHABLE } from './voice-problems'
import { withoutPeer, withPeer, type PeerState } from './voice-store'

/** A connection not up by then counts as failed (the relay is unreachable or refused us). */
export const CONNECT_TIMEOUT_MS = 20_000
/** How long a dropped connection may recover by itself before it is started again. */
export const DISCONNECTED_GRACE_MS = 4_000
/** The initiator's pause before each new attempt, growing with the failures in a row. */
export const RESTART_DELAYS_MS = [1_000, 3_000, 6_000, 12_000] as const
const STATS_INTERVAL_MS = 1_000
const METER_INTERVAL_MS = 100
/** Signals that arrive before their participant is known wait, up to this many per peer. */
const MAX_PENDING_SIGNALS = 64

export interface CallPlace {
  readonly serverId: string
  readonly channelId: string
  /** This device's session of the call. */
  readonly sessionId: string
  readonly myUserId: string
  /** The person chose to call directly here, where the server offers no relay. */
  readonly directWithoutRelay?: boolean
}

/** One connection to one participant's session; replaced (not renegotiated) to reconnect. */
interface Link {
  readonly key: string
  readonly participant: VoiceParticipant
  readonly initiator: boolean
  /** The generation of the current connection (0: waiting for the initiator's first one). */
  gen: number
  /** Signals of this generation or older are from connections already given up. */
  floor: number
  peer: PeerInstance
  candidates: number
  connected: boolean
  failures: number
  playback: Playback | null
  meter: Meter | null
  readonly timers: Set<TimerId>
}

export class CallMesh {
  readonly serverId: string
  readonly channelId: string
  private readonly links = new Map<string, Link>()
  private readonly pending = new Map<string, string[]>()
  private readonly selfMeter: Meter
  private readonly intervals: TimerId[]
  private readonly ice: IceCredentials
  private closed = false

  constructor(
    private readonly place: CallPlace,
    private readonly mic: MediaStream,
    ice: IceConfig,
    private readonly audio: CallAudio,
    private readonly deps: Omit<CallDeps, 'media'>,
  ) {
    const { clock } = deps
    this.serverId = place.serverId
    this.channelId = place.channelId
    this.selfMeter = audio.meter(mic)
    this.intervals = [
      clock.setInterval(() => this.measure(), METER_INTERVAL_MS),
      clock.setInterval(() => this.collectStats(), STATS_INTERVAL_MS),
    ]
    this.ice = new IceCredentials(ice, deps.api, clock, place.directWithoutRelay)
  }

  // --- the mesh -------------------------------------------------------------------------------

  /** Opens a connection to each new participant and closes those to people who left. */
  sync(participants: readonly VoiceParticipant[]): void {
    if (this.closed) return
    const plan = planMesh(this.place.myUserId, participants, this.links.keys())
    for (const key of plan.close) this.closeLink(key)
    for (const participant of plan.open) this.openLink(participant)
  }

  receive(event: ApiEvents['voiceSignal']): void {
    if (this.closed) return
    const envelope = decodeSignal(event.signal)
    if (!envelope) return
    const key = peerKey(event.from, event.fromSession)
    const link = this.links.get(key)
    if (!link) {
      const queue = this.pending.get(key) ?? []
      if (queue.length < MAX_PENDING_SIGNALS) queue.push(event.signal)
      this.pending.set(key, queue)
      return
    }
    if (link.initiator) {
      if (envelope.gen === link.gen) link.peer.signal(envelope.data)
      return
    }
    if (envelope.gen <= link.floor) return
    switch (answerVerdict(link.gen, envelope.gen)) {
      case 'use':
        link.gen = envelope.gen
        link.peer.signal(envelope.data)
        return
      case 'restart':
        this.replacePeer(link, envelope.gen)
        link.peer.signal(envelope.data)
        return
      case 'ignore':
        return
    }
  }

  setMuted(muted: boolean): void {
    const track = this.mic.getAudioTracks()[0]
    if (!track) return
    for (const link of this.links.values()) this.applyMute(link, muted, track)
  }

  setDeafened(deafened: boolean): void {
    for (const link of this.links.values()) link.playback?.setMuted(deafened)
  }

  close(): void {
    this.closed = true
    for (const key of [...this.links.keys()]) this.closeLink(key)
    this.intervals.forEach((interval) => this.deps.clock.clearInterval(interval))
    this.ice.close()
    this.selfMeter.close()
    this.mic.getTracks().forEach((track) => track.stop())
    this.audio.close()
  }

  private openLink(participant: VoiceParticipant): void {
    const key = peerKey(participant.userId, participant.sessionId)
    const initiator = isInitiator(this.place.myUserId, participant.userId)
    const gen = initiator ? this.deps.clock.now() : 0
    const link: Link = {
      key,
      participant,
      initiator,
      gen,
      floor: 0,
      peer: this.newPeer(initiator),
      candidates: 0,
      connected: false,
      failures: 0,
      playback: null,
      meter: null,
      timers: new Set(),
    }
    this.links.set(key, link)
    this.wire(link)
    this.update(link, 'connecting')
    const waiting = this.pending.get(key) ?? []
    this.pending.delete(key)
    for (const signal of waiting) this.receive({ ...this.origin(link), signal })
  }

  private closeLink(key: string): void {
    const link = this.links.get(key)
    if (!link) return
    this.links.delete(key)
    this.dropMedia(link)
    this.clearTimers(link)
    link.peer.destroy()
    this.deps.store.setState((state) => withoutPeer(state, link.participant.userId))
    this.refreshError()
  }

  private newPeer(initiator: boolean): PeerInstance {
    return this.deps.createPeer({
      initiator,
      stream: this.mic,
      trickle: true,
      config: this.ice.config(),
    })
  }

  /** A fresh connection for the same participant: generation `gen`, nothing carried over. */
  private replacePeer(link: Link, gen: number): void {
    const old = link.peer
    this.clearTimers(link)
    this.dropMedia(link)
    link.peer = this.newPeer(link.initiator)
    old.destroy()
    link.gen = gen
    link.candidates = 0
    link.connected = false
    this.wire(link)
    this.update(link, 'reconnecting')
  }

  private wire(link: Link): void {
    const peer = link.peer
    const current = () => link.peer === peer && this.links.get(link.key) === link && !this.closed
    const { muted } = this.deps.store.getState()
    const track = this.mic.getAudioTracks()[0]
    if (muted && track) this.applyMute(link, true, track)

    peer.on('signal', (data) => {
      if (!current()) return
      if (data.candidate) link.candidates++
      const signal = encodeSignal({ gen: link.gen, data })
      this.deps
        .api()
        .sendVoiceSignal({ ...this.address(link), signal })
        .catch(() => this.fail(link, peer, CONNECTION_LOST))
    })
    peer.on('stream', (stream) => {
      if (current()) this.attachMedia(link, stream)
    })
    peer.on('connect', () => {
      if (!current()) return
      link.connected = true
      link.failures = 0
      this.clearTimers(link)
      this.update(link, 'connected')
      this.refreshError()
    })
    peer.on('iceStateChange', (ice, gathering) => {
      if (!current()) return
      // Relay-only with no candidate at all: the relay refused the credentials or is away.
      if (gathering === 'complete' && link.candidates === 0 && !link.connected)
        this.fail(link, peer, this.unreachable())
      if (ice === 'disconnected') {
        this.update(link, 'reconnecting')
        this.later(link, DISCONNECTED_GRACE_MS, () => {
          if (current() && !peer.destroyed) this.fail(link, peer, CONNECTION_LOST)
        })
      }
      if ((ice === 'connected' || ice === 'completed') && link.connected) {
        // Recovered within the grace period: the pending teardown is called off.
        this.clearTimers(link)
        this.update(link, 'connected')
        this.refreshError()
      }
    })
    peer.on('error', () => {
      if (current()) this.fail(link, peer, link.connected ? CONNECTION_LOST : this.unreachable())
    })
    peer.on('close', () => {
      if (current()) this.fail(link, peer, CONNECTION_LOST)
    })
    // Waiting for the other side's first offer is not a failure; a started connection is.
    if (link.initiator || link.gen !== 0)
      this.later(link, CONNECT_TIMEOUT_MS, () => {
        if (current() && !link.connected) this.fail(link, peer, this.unreachable())
      })
  }

  /**
   * The connection failed: show why, and start again. The initiator makes a new generation
   * (with fresh relay credentials) after a growing pause; the other side waits for it.
   */
  /** Why a connection that never came up failed: the relay, or, without one, the networks. */
  private unreachable(): string {
    return this.ice.config().iceServers?.length ? RELAY_UNREACHABLE : DIRECT_UNREACHABLE
  }

  private fail(link: Link, peer: PeerInstance, reason: string): void {
    if (link.peer !== peer || this.closed) return
    const wasConnected = link.connected
    link.connected = false
    this.update(link, wasConnected ? 'reconnecting' : 'failed')
    this.deps.store.setState({ error: reason })
    const delay = RESTART_DELAYS_MS[Math.min(link.failures, RESTART_DELAYS_MS.length - 1)]!
    link.failures++
    if (link.initiator) {
      this.later(link, delay, () => {
        if (link.peer !== peer || this.closed) return
        void this.ice.refresh().finally(() => {
          if (link.peer === peer && !this.closed) this.replacePeer(link, this.deps.clock.now())
        })
      })
    } else {
      link.floor = Math.max(link.floor, link.gen)
      this.replacePeer(link, 0)
      if (!wasConnected) this.update(link, 'failed')
    }
  }

  private later(link: Link, ms: number, task: () => void): void {
    const timer = this.deps.clock.setTimeout(() => {
      link.timers.delete(timer)
      task()
    }, ms)
    link.timers.add(timer)
  }

  private clearTimers(link: Link): void {
    link.timers.forEach((timer) => this.deps.clock.clearTimeout(timer))
    link.timers.clear()
  }

  private applyMute(link: Link, muted: boolean, track: MediaStreamTrack): void {
    if (link.peer.destroyed) return
    // No track at all, rather than a silent one: nothing leaves this device while muted.
    link.peer.replaceTrack(track, muted ? null : track, this.mic)
  }

  private attachMedia(link: Link, stream: MediaStream): void {
    this.dropMedia(link)
    link.playback = this.audio.play(stream, this.deps.store.getState().deafened)
    link.meter = this.audio.meter(stream)
  }

  private dropMedia(link: Link): void {
    link.meter?.close()
    link.meter = null
    link.playback?.stop()
    link.playback = null
  }

  /** Where signals for this participant go. */
  private address(link: Link) {
    const { userId, sessionId } = link.participant
    return { serverId: this.serverId, channelId: this.channelId, to: userId, toSession: sessionId }
  }

  /** Where signals from this participant come from. */
  private origin(link: Link) {
    const { userId, sessionId } = link.participant
    return {
      serverId: this.serverId,
      channelId: this.channelId,
      from: userId,
      fromSession: sessionId,
    }
  }

  private update(link: Link, state: PeerState): void {
    const { userId, sessionId } = link.participant
    this.deps.store.setState((s) => withPeer(s, userId, { sessionId, state }))
  }

  /** The error stays while any connection is failing; it goes once every one is up. */
  private refreshError(): void {
    const links = [...this.links.values()]
    if (links.every((link) => link.connected)) this.deps.store.setState({ error: null })
  }

  // --- meters and statistics --------------------------------------------------------------------

  private measure(): void {
    const now = this.deps.clock.monotonic()
    const { muted, speaking } = this.deps.store.getState()
    const next: Record<string, boolean> = {
      [this.place.myUserId]: !muted && this.selfMeter.speaking(now),
    }
    for (const link of this.links.values())
      if (link.meter) next[link.participant.userId] = link.meter.speaking(now)
    const changed =
      Object.keys(next).length !== Object.keys(speaking).length ||
      Object.entries(next).some(([id, value]) => speaking[id] !== value)
    if (changed) this.deps.store.setState({ speaking: next })
  }

  private collectStats(): void {
    for (const link of this.links.values()) {
      const peer = link.peer
      if (peer.destroyed) continue
      peer.getStats((error, reports) => {
        if (error || link.peer !== peer || this.closed) return
        const stats = summariseStats(reports)
        const { userId } = link.participant
        this.deps.store.setState((s) => withPeer(s, userId, { stats }))
      })
    }
  }
}

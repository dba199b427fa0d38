// The call this device is in: the microphone, one simple-peer connection per other participant
// (a full mesh), their audio, the speaking meters and the connection statistics. Signals travel
// through ParacordApi (the core seals them into the channel's burning stream); the media goes
// through the TURN relay straight to the other participants.
import SimplePeer, { type PeerInstance } from 'simple-peer/simplepeer.min.js'
import type { ApiEvents, IceConfig, VoiceParticipant } from '../../../../shared/api'
import { api } from '../../store/api'
import { describeError, errorCode } from '../../store/errors'
import { isInitiator, peerKey, planMesh } from './mesh-plan'
import { summariseStats } from './peer-stats'
import { decodeSignal, encodeSignal, answerVerdict } from './signal-envelope'
import { levelOf, SpeakingDetector } from './speaking'
import {
  emptyVoice,
  useVoice,
  withChannel,
  withoutCall,
  withoutPeer,
  withPeer,
  type PeerState,
} from './voice-store'

/** A connection not up by then counts as failed (the relay is unreachable or refused us). */
const CONNECT_TIMEOUT_MS = 20_000
/** How long a dropped connection may recover by itself before it is started again. */
const DISCONNECTED_GRACE_MS = 4_000
const RESTART_DELAYS_MS = [1_000, 3_000, 6_000, 12_000]
const STATS_INTERVAL_MS = 1_000
const METER_INTERVAL_MS = 100
/** Signals that arrive before their participant is known wait, up to this many per peer. */
const MAX_PENDING_SIGNALS = 64

const RELAY_UNREACHABLE =
  'The voice relay cannot be reached or refused the connection, so the call cannot connect. ' +
  'Trying again…'
const CONNECTION_LOST = 'A connection in this call was lost. Reconnecting…'

class VoiceProblem extends Error {}

/** Plain words for why joining failed. */
function describeVoiceError(error: unknown): string {
  if (error instanceof VoiceProblem) return error.message
  // A full channel says so in the core's own words.
  if (errorCode(error) === 'conflict' && error instanceof Object && 'message' in error)
    return String((error as { message: unknown }).message)
  return describeError(error)
}

async function openMicrophone(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia)
    throw new VoiceProblem('This browser cannot use a microphone here.')
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: true })
  } catch (error) {
    const name = error instanceof DOMException ? error.name : ''
    if (name === 'NotAllowedError' || name === 'SecurityError')
      throw new VoiceProblem(
        'paracord is not allowed to use your microphone. Allow microphone access, then join again.',
      )
    if (name === 'NotFoundError' || name === 'OverconstrainedError')
      throw new VoiceProblem('No microphone was found. Connect one, then join again.')
    if (name === 'NotReadableError')
      throw new VoiceProblem('Your microphone is busy in another app or could not be started.')
    throw new VoiceProblem('Your microphone could not be opened.')
  }
}

function rtcConfig(ice: IceConfig): RTCConfiguration {
  return {
    iceServers: ice.iceServers.map((server) => ({
      urls: [...server.urls],
      username: server.username,
      credential: server.credential,
    })),
    iceTransportPolicy: ice.relayOnly ? 'relay' : 'all',
  }
}

/** Audio level of one stream, for the speaking indicator. */
class Meter {
  private readonly source: MediaStreamAudioSourceNode
  private readonly analyser: AnalyserNode
  private readonly samples: Uint8Array<ArrayBuffer>
  private readonly detector = new SpeakingDetector()

  constructor(context: AudioContext, stream: MediaStream) {
    this.source = context.createMediaStreamSource(stream)
    this.analyser = context.createAnalyser()
    this.analyser.fftSize = 512
    this.samples = new Uint8Array(this.analyser.fftSize)
    this.source.connect(this.analyser)
  }

  speaking(now: number): boolean {
    this.analyser.getByteTimeDomainData(this.samples)
    return this.detector.update(levelOf(this.samples), now)
  }

  close(): void {
    this.source.disconnect()
  }
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
  audio: HTMLAudioElement | null
  meter: Meter | null
  readonly timers: Set<ReturnType<typeof setTimeout>>
}

class Call {
  private readonly links = new Map<string, Link>()
  private readonly pending = new Map<string, string[]>()
  private readonly selfMeter: Meter
  private readonly intervals: ReturnType<typeof setInterval>[] = []
  private iceTimer: ReturnType<typeof setTimeout> | null = null
  private closed = false

  constructor(
    readonly serverId: string,
    readonly channelId: string,
    readonly sessionId: string,
    private readonly myUserId: string,
    private readonly mic: MediaStream,
    private ice: IceConfig,
    private readonly audio: AudioContext,
  ) {
    this.selfMeter = new Meter(audio, mic)
    this.intervals.push(
      setInterval(() => this.measure(), METER_INTERVAL_MS),
      setInterval(() => this.collectStats(), STATS_INTERVAL_MS),
    )
    this.scheduleIceRefresh()
  }

  // --- the mesh -------------------------------------------------------------------------------

  /** Opens a connection to each new participant and closes those to people who left. */
  sync(participants: readonly VoiceParticipant[]): void {
    if (this.closed) return
    const plan = planMesh(this.myUserId, participants, this.links.keys())
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
    for (const link of this.links.values()) if (link.audio) link.audio.muted = deafened
  }

  close(): void {
    this.closed = true
    for (const key of [...this.links.keys()]) this.closeLink(key)
    this.intervals.forEach(clearInterval)
    if (this.iceTimer) clearTimeout(this.iceTimer)
    this.selfMeter.close()
    this.mic.getTracks().forEach((track) => track.stop())
    void this.audio.close()
  }

  private openLink(participant: VoiceParticipant): void {
    const key = peerKey(participant.userId, participant.sessionId)
    const initiator = isInitiator(this.myUserId, participant.userId)
    const gen = initiator ? Date.now() : 0
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
      audio: null,
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
    link.timers.forEach(clearTimeout)
    link.peer.destroy()
    useVoice.setState((state) => withoutPeer(state, link.participant.userId))
    this.refreshError()
  }

  private newPeer(initiator: boolean): PeerInstance {
    return new SimplePeer({
      initiator,
      stream: this.mic,
      trickle: true,
      config: rtcConfig(this.ice),
    })
  }

  /** A fresh connection for the same participant: generation `gen`, nothing carried over. */
  private replacePeer(link: Link, gen: number): void {
    const old = link.peer
    link.timers.forEach(clearTimeout)
    link.timers.clear()
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
    const { muted } = useVoice.getState()
    const track = this.mic.getAudioTracks()[0]
    if (muted && track) this.applyMute(link, true, track)

    peer.on('signal', (data) => {
      if (!current()) return
      if (data.candidate) link.candidates++
      const signal = encodeSignal({ gen: link.gen, data })
      api()
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
      link.timers.forEach(clearTimeout)
      link.timers.clear()
      this.update(link, 'connected')
      this.refreshError()
    })
    peer.on('iceStateChange', (ice, gathering) => {
      if (!current()) return
      // Relay-only with no candidate at all: the relay refused the credentials or is away.
      if (gathering === 'complete' && link.candidates === 0 && !link.connected)
        this.fail(link, peer, RELAY_UNREACHABLE)
      if (ice === 'disconnected') {
        this.update(link, 'reconnecting')
        this.later(link, DISCONNECTED_GRACE_MS, () => {
          if (current() && peer.destroyed === false) this.fail(link, peer, CONNECTION_LOST)
        })
      }
      if (ice === 'connected' || ice === 'completed') {
        if (link.connected) this.update(link, 'connected')
      }
    })
    peer.on('error', () => {
      if (current()) this.fail(link, peer, link.connected ? CONNECTION_LOST : RELAY_UNREACHABLE)
    })
    peer.on('close', () => {
      if (current()) this.fail(link, peer, CONNECTION_LOST)
    })
    // Waiting for the other side's first offer is not a failure; a started connection is.
    if (link.initiator || link.gen !== 0)
      this.later(link, CONNECT_TIMEOUT_MS, () => {
        if (current() && !link.connected) this.fail(link, peer, RELAY_UNREACHABLE)
      })
  }

  /**
   * The connection failed: show why, and start again. The initiator makes a new generation
   * (with fresh relay credentials) after a growing pause; the other side waits for it.
   */
  private fail(link: Link, peer: PeerInstance, reason: string): void {
    if (link.peer !== peer || this.closed) return
    const wasConnected = link.connected
    link.connected = false
    this.update(link, wasConnected ? 'reconnecting' : 'failed')
    useVoice.setState({ error: reason })
    const delay = RESTART_DELAYS_MS[Math.min(link.failures, RESTART_DELAYS_MS.length - 1)]!
    link.failures++
    if (link.initiator) {
      this.later(link, delay, () => {
        if (link.peer !== peer || this.closed) return
        void this.refreshIce().finally(() => {
          if (link.peer === peer && !this.closed) this.replacePeer(link, Date.now())
        })
      })
    } else {
      link.floor = Math.max(link.floor, link.gen)
      this.replacePeer(link, 0)
      if (!wasConnected) this.update(link, 'failed')
    }
  }

  private later(link: Link, ms: number, task: () => void): void {
    const timer = setTimeout(() => {
      link.timers.delete(timer)
      task()
    }, ms)
    link.timers.add(timer)
  }

  private applyMute(link: Link, muted: boolean, track: MediaStreamTrack): void {
    if (link.peer.destroyed) return
    // No track at all, rather than a silent one: nothing leaves this device while muted.
    link.peer.replaceTrack(track, muted ? null : track, this.mic)
  }

  private attachMedia(link: Link, stream: MediaStream): void {
    this.dropMedia(link)
    const audio = new Audio()
    audio.autoplay = true
    audio.srcObject = stream
    audio.muted = useVoice.getState().deafened
    void audio.play().catch(() => undefined)
    link.audio = audio
    link.meter = new Meter(this.audio, stream)
  }

  private dropMedia(link: Link): void {
    link.meter?.close()
    link.meter = null
    if (link.audio) {
      link.audio.pause()
      link.audio.srcObject = null
    }
    link.audio = null
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
    useVoice.setState((s) => withPeer(s, userId, { sessionId, state }))
  }

  /** The error stays while any connection is failing; it goes once every one is up. */
  private refreshError(): void {
    const links = [...this.links.values()]
    if (links.every((link) => link.connected)) useVoice.setState({ error: null })
  }

  // --- meters, statistics and credentials --------------------------------------------------------

  private measure(): void {
    const now = performance.now()
    const { muted, speaking } = useVoice.getState()
    const next: Record<string, boolean> = {
      [this.myUserId]: !muted && this.selfMeter.speaking(now),
    }
    for (const link of this.links.values())
      if (link.meter) next[link.participant.userId] = link.meter.speaking(now)
    const changed =
      Object.keys(next).length !== Object.keys(speaking).length ||
      Object.entries(next).some(([id, value]) => speaking[id] !== value)
    if (changed) useVoice.setState({ speaking: next })
  }

  private collectStats(): void {
    for (const link of this.links.values()) {
      const peer = link.peer
      if (peer.destroyed) continue
      peer.getStats((error, reports) => {
        if (error || link.peer !== peer || this.closed) return
        const stats = summariseStats(reports)
        const { userId } = link.participant
        useVoice.setState((s) => withPeer(s, userId, { stats }))
      })
    }
  }

  /** Fresh credentials a while before these expire; new connections use them. */
  private scheduleIceRefresh(): void {
    if (this.iceTimer) clearTimeout(this.iceTimer)
    this.iceTimer = null
    if (this.ice.expiresAt === null) return
    const left = this.ice.expiresAt - Date.now()
    const delay = Math.max(10_000, left - Math.min(5 * 60_000, left / 2))
    this.iceTimer = setTimeout(() => void this.refreshIce(), delay)
  }

  private async refreshIce(): Promise<void> {
    try {
      this.ice = await api().getIceServers({})
    } catch {
      // Keep the old ones; the next failure or refresh tries again.
    }
    if (!this.closed) this.scheduleIceRefresh()
  }
}

// --- what the views and the event feed call ------------------------------------------------------

let call: Call | null = null
/** The join in progress; a leave or another join replaces it. */
let joining: object | null = null

export async function joinVoice(serverId: string, channelId: string, myUserId: string) {
  const { phase, call: current } = useVoice.getState()
  if (phase !== 'idle' && current?.channelId === channelId) return
  await leaveVoice()
  const attempt = {}
  joining = attempt
  useVoice.setState({ phase: 'joining', call: { serverId, channelId, sessionId: '' }, error: null })
  let mic: MediaStream | null = null
  let audio: AudioContext | null = null
  let joinedInCore = false
  try {
    // 1. The microphone first: the only permission paracord asks for.
    mic = await openMicrophone()
    audio = new AudioContext()
    void audio.resume()
    // 2. Relay credentials; without a relay, relay-only calls cannot connect.
    const ice = await api().getIceServers({})
    if (ice.relayOnly && ice.iceServers.length === 0)
      throw new VoiceProblem(
        'This server offers no relay for calls. Calls here need "Always relay calls" turned off ' +
          'in Settings, which lets the people you call learn your IP address.',
      )
    // 3. Announce the join; the core refuses when the channel is full.
    const joined = await api().joinVoice({ serverId, channelId })
    joinedInCore = true
    if (joining !== attempt) throw new VoiceProblem('left while joining')
    call = new Call(serverId, channelId, joined.sessionId, myUserId, mic, ice, audio)
    useVoice.setState((state) => ({
      ...withChannel(state, joined),
      phase: 'in_call',
      call: { serverId, channelId, sessionId: joined.sessionId },
    }))
    // 4. A connection to everyone already there.
    call.sync(joined.participants)
  } catch (error) {
    mic?.getTracks().forEach((track) => track.stop())
    void audio?.close()
    // In the core's call but not here: take the join back unless another call started since.
    if (joinedInCore && call === null && (joining === attempt || joining === null))
      void api()
        .leaveVoice({})
        .catch(() => undefined)
    if (joining !== attempt) return
    useVoice.setState((state) => ({ ...withoutCall(state), error: describeVoiceError(error) }))
  } finally {
    if (joining === attempt) joining = null
  }
}

export async function leaveVoice(): Promise<void> {
  const wasJoining = joining !== null
  joining = null
  const active = call
  call = null
  active?.close()
  const { phase } = useVoice.getState()
  useVoice.setState((state) => ({ ...withoutCall(state), error: null }))
  if (active || wasJoining || phase !== 'idle') await api().leaveVoice({})
}

export function setMuted(muted: boolean): void {
  const { deafened } = useVoice.getState()
  // Deafened means muted too; unmuting also undeafens.
  useVoice.setState({ muted, deafened: muted ? deafened : false })
  call?.setMuted(muted)
  if (!muted) call?.setDeafened(false)
}

export function setDeafened(deafened: boolean): void {
  useVoice.setState({ deafened, muted: deafened ? true : useVoice.getState().muted })
  call?.setDeafened(deafened)
  if (deafened) call?.setMuted(true)
}

// --- the core's events -----------------------------------------------------------------------

function onParticipants(event: ApiEvents['voiceParticipants']): void {
  useVoice.setState((state) => withChannel(state, event))
  if (call && call.channelId === event.channelId) call.sync(event.participants)
}

function onSignal(event: ApiEvents['voiceSignal']): void {
  if (call && call.channelId === event.channelId) call.receive(event)
}

const ENDED: Record<ApiEvents['voiceEnded']['reason'], string> = {
  channel_deleted: 'The call ended: its voice channel was deleted.',
  server_left: 'The call ended: you are no longer in that server.',
  session_ended: 'The call ended.',
}

function onEnded(event: ApiEvents['voiceEnded']): void {
  if (!call || call.channelId !== event.channelId) return
  call.close()
  call = null
  useVoice.setState((state) => ({ ...withoutCall(state), error: ENDED[event.reason] }))
}

export function subscribeVoiceEvents(paracord: {
  on: <E extends keyof ApiEvents>(event: E, listener: (payload: ApiEvents[E]) => void) => () => void
}): (() => void)[] {
  return [
    paracord.on('voiceParticipants', onParticipants),
    paracord.on('voiceSignal', onSignal),
    paracord.on('voiceEnded', onEnded),
  ]
}

/** After unlock (or the page came back): who is where, and no call left over from before. */
export async function loadVoice(): Promise<void> {
  const state = await api().getVoiceState({})
  useVoice.setState((s) => state.channels.reduce(withChannel, { ...s, channels: {} }))
  // A call the core still holds but this page has no microphone or connections for.
  if (state.call && !call && !joining) await api().leaveVoice({})
}

/** On lock or sign-out: hang up here and forget who was where. */
export function forgetVoice(): void {
  joining = null
  call?.close()
  call = null
  useVoice.setState(emptyVoice())
}

if (typeof window !== 'undefined')
  window.addEventListener('pagehide', () => {
    if (call) void api().leaveVoice({})
  })

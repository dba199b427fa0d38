// Fakes for driving a CallController in tests: a clock that moves only when told, a simple-peer
// look-alike with the same event API, a microphone and speakers, and the voice part of the API.
import type { PeerInstance, PeerOptions, SignalData } from 'simple-peer/simplepeer.min.js'
import { vi } from 'vitest'
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { IceConfig, VoiceCall, VoiceState } from '../../../../shared/api'
import type {
  CallAudio,
  CallDeps,
  CallMedia,
  Clock,
  DirectCallChoices,
  Meter,
  Playback,
  TimerId,
  VoiceApi,
} from './call-deps'
import { CallController } from './call-controller'
import { emptyVoice, type VoiceSlice } from './voice-store'

// --- the clock ---------------------------------------------------------------------------------

interface FakeTimer {
  at: number
  readonly every: number | null
  readonly task: () => void
}

/** Lets the promises a timer's task started settle before the next timer runs. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

export class FakeClock implements Clock {
  private time: number
  private readonly start: number
  private nextId = 1
  private readonly timers = new Map<number, FakeTimer>()

  constructor(now = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.time = now
    this.start = now
  }

  readonly now = () => this.time
  readonly monotonic = () => this.time - this.start
  readonly setTimeout = (task: () => void, ms: number) => this.add(task, ms, null)
  readonly clearTimeout = (timer: TimerId) => void this.timers.delete(timer)
  readonly setInterval = (task: () => void, ms: number) => this.add(task, ms, ms)
  readonly clearInterval = (timer: TimerId) => void this.timers.delete(timer)

  /** Timers (intervals included) still waiting. */
  get waiting(): number {
    return this.timers.size
  }

  /** Moves time on by `ms`, running each timer as it comes due, in order. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms
    for (;;) {
      const due = [...this.timers].filter(([, timer]) => timer.at <= end)
      const next = due.sort(([, a], [, b]) => a.at - b.at)[0]
      if (!next) break
      const [id, timer] = next
      this.time = timer.at
      if (timer.every === null) this.timers.delete(id)
      else timer.at += timer.every
      timer.task()
      if (timer.every === null) await settle()
    }
    this.time = end
    await settle()
  }

  private add(task: () => void, ms: number, every: number | null): TimerId {
    const id = this.nextId++
    // An interval of 0 would never let time move on.
    const delay = every === null ? ms : Math.max(ms, 1)
    this.timers.set(id, { at: this.time + delay, every, task })
    return id
  }
}

// --- simple-peer -------------------------------------------------------------------------------

type Listener = (...args: never[]) => void

/** simple-peer's event API, without WebRTC: a test emits what the connection would. */
export class FakePeer implements PeerInstance {
  destroyed = false
  /** Every signal the call gave this peer (the other side's offers, answers and candidates). */
  readonly received: SignalData[] = []
  /** The track each replaceTrack put in: null while muted. */
  readonly sending: (MediaStreamTrack | null)[] = []
  reports: readonly object[] = []
  private readonly listeners = new Map<string, Listener[]>()

  constructor(readonly options: PeerOptions) {}

  signal(data: SignalData): void {
    this.received.push(data)
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    // Like simple-peer: the close event follows a destroy, a moment later.
    queueMicrotask(() => this.emit('close'))
  }

  replaceTrack(_old: MediaStreamTrack, next: MediaStreamTrack | null): void {
    this.sending.push(next)
  }

  getStats(callback: (error: Error | null, reports: readonly object[]) => void): void {
    callback(null, this.reports)
  }

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    return this
  }

  emit(event: 'signal', data: SignalData): void
  emit(event: 'stream', stream: MediaStream): void
  emit(event: 'connect' | 'close'): void
  emit(event: 'error', error: Error): void
  emit(event: 'iceStateChange', ice: RTCIceConnectionState, gathering: RTCIceGatheringState): void
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? [])
      (listener as (...values: unknown[]) => void)(...args)
  }
}

// --- media -------------------------------------------------------------------------------------

export interface FakeTrack {
  readonly kind: 'audio'
  stopped: boolean
  stop(): void
}

export function fakeStream(): MediaStream & { readonly track: FakeTrack } {
  const track: FakeTrack = {
    kind: 'audio',
    stopped: false,
    stop() {
      track.stopped = true
    },
  }
  const stream = { track, getAudioTracks: () => [track], getTracks: () => [track] }
  return stream as unknown as MediaStream & { readonly track: FakeTrack }
}

export interface FakePlayback extends Playback {
  readonly stream: MediaStream
  muted: boolean
  stopped: boolean
}

/** A microphone, meters that say whatever `loud` holds, and speakers that remember. */
export class FakeMedia implements CallMedia {
  mic: ReturnType<typeof fakeStream> | null = null
  /** Set to make the next openMicrophone fail with this. */
  micFailure: Error | null = null
  readonly playbacks: FakePlayback[] = []
  /** The streams whose meters hear someone speaking. */
  readonly loud = new Set<MediaStream>()
  audioOpened = 0
  audioClosed = 0

  readonly openMicrophone = () => {
    if (this.micFailure) return Promise.reject(this.micFailure)
    this.mic = fakeStream()
    return Promise.resolve(this.mic)
  }

  readonly openAudio = (): CallAudio => {
    this.audioOpened++
    return {
      meter: (stream): Meter => ({ speaking: () => this.loud.has(stream), close: () => {} }),
      play: (stream, muted) => {
        const playback: FakePlayback = {
          stream,
          muted,
          stopped: false,
          setMuted: (value) => {
            playback.muted = value
          },
          stop: () => {
            playback.stopped = true
          },
        }
        this.playbacks.push(playback)
        return playback
      },
      close: () => {
        this.audioClosed++
      },
    }
  }
}

// --- the API -----------------------------------------------------------------------------------

export const RELAY: IceConfig = {
  iceServers: [{ urls: ['turn:relay.example:3478'], username: 'u1', credential: 'c1' }],
  relayOnly: true,
  expiresAt: null,
}

export function fakeVoiceApi(ice: IceConfig, joined: VoiceCall) {
  return {
    getIceServers: vi.fn<VoiceApi['getIceServers']>(() => Promise.resolve(ice)),
    getVoiceState: vi.fn<VoiceApi['getVoiceState']>(() =>
      Promise.resolve<VoiceState>({ call: null, channels: [] }),
    ),
    joinVoice: vi.fn<VoiceApi['joinVoice']>(() => Promise.resolve(joined)),
    leaveVoice: vi.fn<VoiceApi['leaveVoice']>(() => Promise.resolve(null)),
    sendVoiceSignal: vi.fn<VoiceApi['sendVoiceSignal']>(() => Promise.resolve(null)),
  } satisfies VoiceApi
}

// --- the answers to "call directly?" -------------------------------------------------------------

/** What the settings keep per server, held here; `failing` makes remembering fail. */
export class RememberedDirectCalls implements DirectCallChoices {
  readonly answers = new Map<string, boolean>()
  failing = false

  readonly get = (serverId: string) => this.answers.get(serverId)
  readonly remember = (serverId: string, direct: boolean) => {
    if (this.failing) return Promise.reject(new Error('the settings could not be saved'))
    this.answers.set(serverId, direct)
    return Promise.resolve()
  }
}

// --- all of it together ------------------------------------------------------------------------

export interface CallHarness {
  readonly controller: CallController
  readonly api: ReturnType<typeof fakeVoiceApi>
  readonly clock: FakeClock
  readonly media: FakeMedia
  readonly store: StoreApi<VoiceSlice>
  readonly directCalls: RememberedDirectCalls
  /** Every peer made, oldest first. */
  readonly peers: FakePeer[]
}

export function callHarness(ice: IceConfig, joined: VoiceCall): CallHarness {
  const api = fakeVoiceApi(ice, joined)
  const clock = new FakeClock()
  const media = new FakeMedia()
  const store = createStore<VoiceSlice>()(() => emptyVoice())
  const peers: FakePeer[] = []
  const directCalls = new RememberedDirectCalls()
  const deps: CallDeps = {
    api: () => api,
    directCalls,
    clock,
    createPeer: (options) => {
      const peer = new FakePeer(options)
      peers.push(peer)
      return peer
    },
    media,
    store,
  }
  return { controller: new CallController(deps), api, clock, media, store, directCalls, peers }
}

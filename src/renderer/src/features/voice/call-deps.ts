// What the call controller takes from outside: the API, the clock, the peer connections, the
// microphone and speakers, and the store it writes. Injected, so a test drives a call with fakes;
// voice.ts wires the window's one controller to the real ones.
import type { PeerInstance, PeerOptions } from 'simple-peer/simplepeer.min.js'
import type { StoreApi } from 'zustand'
import type { ParacordApi } from '../../../../shared/api'
import type { VoiceSlice } from './voice-store'

/** The part of ParacordApi a call uses. */
export type VoiceApi = Pick<
  ParacordApi,
  'getIceServers' | 'getVoiceState' | 'joinVoice' | 'leaveVoice' | 'sendVoiceSignal'
>

export type TimerId = ReturnType<typeof setTimeout>

export interface Clock {
  /** Milliseconds since the epoch: connection generations and credential expiry. */
  readonly now: () => number
  /** A monotonic millisecond count, for the speaking meters. */
  readonly monotonic: () => number
  readonly setTimeout: (task: () => void, ms: number) => TimerId
  readonly clearTimeout: (timer: TimerId) => void
  readonly setInterval: (task: () => void, ms: number) => TimerId
  readonly clearInterval: (timer: TimerId) => void
}

/** Makes one simple-peer connection. */
export type PeerFactory = (options: PeerOptions) => PeerInstance

/** Whether one stream has someone speaking in it. */
export interface Meter {
  readonly speaking: (now: number) => boolean
  readonly close: () => void
}

/** One participant's audio playing on this device's speakers. */
export interface Playback {
  readonly setMuted: (muted: boolean) => void
  readonly stop: () => void
}

/** The audio of one call: a meter per stream and the other participants' playback. */
export interface CallAudio {
  readonly meter: (stream: MediaStream) => Meter
  readonly play: (stream: MediaStream, muted: boolean) => Playback
  readonly close: () => void
}

export interface CallMedia {
  /** Rejects with a VoiceProblem that says in plain words why the microphone cannot be used. */
  readonly openMicrophone: () => Promise<MediaStream>
  readonly openAudio: () => CallAudio
}

export type VoiceStore = Pick<StoreApi<VoiceSlice>, 'getState' | 'setState'>

/**
 * The person's answers to "call directly?" per server (Settings.directCalls), asked when calls
 * must be relayed and the server offers no relay.
 */
export interface DirectCallChoices {
  /** True: call directly there; false: do not; undefined: never asked. */
  readonly get: (serverId: string) => boolean | undefined
  readonly remember: (serverId: string, direct: boolean) => Promise<void>
}

export interface CallDeps {
  /** Read at each use: the API is set once the window has connected. */
  readonly api: () => VoiceApi
  readonly clock: Clock
  readonly createPeer: PeerFactory
  readonly media: CallMedia
  readonly store: VoiceStore
  readonly directCalls: DirectCallChoices
}

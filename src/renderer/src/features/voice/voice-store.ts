// Voice as the views see it: who is in each voice channel (from the core's presence), the call
// this device is in, and per peer its connection state and quality. The call controller writes
// the call fields; views only read.
import { create } from 'zustand'
import type { VoiceChannelState, VoiceParticipant } from '../../../../shared/api'
import type { PeerStats } from './peer-stats'

export type PeerState = 'connecting' | 'connected' | 'reconnecting' | 'failed'

export interface PeerView {
  readonly userId: string
  readonly sessionId: string
  readonly state: PeerState
  readonly stats: PeerStats | null
}

export interface CallView {
  readonly serverId: string
  readonly channelId: string
  readonly sessionId: string
}

export type CallPhase = 'idle' | 'joining' | 'in_call'

/** A join waiting for the person to say whether to call directly (the server has no relay). */
export interface DirectCallQuestion {
  readonly serverId: string
  readonly channelId: string
}

export interface VoiceSlice {
  /** Participants by voice channel key (server/channel). */
  readonly channels: Readonly<Record<string, readonly VoiceParticipant[]>>
  readonly phase: CallPhase
  /** Where the call is, or where it is being joined. */
  readonly call: CallView | null
  readonly muted: boolean
  readonly deafened: boolean
  /** By user id. */
  readonly peers: Readonly<Record<string, PeerView>>
  /** By user id, this device's user included. */
  readonly speaking: Readonly<Record<string, boolean>>
  /** Why the call could not start or is not connecting, in plain words. */
  readonly error: string | null
  readonly directCallQuestion: DirectCallQuestion | null
}

export const emptyVoice = (): VoiceSlice => ({
  channels: {},
  phase: 'idle',
  call: null,
  muted: false,
  deafened: false,
  peers: {},
  speaking: {},
  error: null,
  directCallQuestion: null,
})

export const voiceKey = (serverId: string, channelId: string) => `${serverId}/${channelId}`

export function withChannel(state: VoiceSlice, channel: VoiceChannelState): VoiceSlice {
  const key = voiceKey(channel.serverId, channel.channelId)
  const { [key]: _gone, ...rest } = state.channels
  const channels = channel.participants.length > 0 ? { ...rest, [key]: channel.participants } : rest
  return { ...state, channels }
}

export function withPeer(state: VoiceSlice, userId: string, change: Partial<PeerView>) {
  const known = state.peers[userId]
  if (!known && !change.sessionId) return state
  const peer = { state: 'connecting', stats: null, ...known, ...change, userId } as PeerView
  return { ...state, peers: { ...state.peers, [userId]: peer } }
}

export function withoutPeer(state: VoiceSlice, userId: string): VoiceSlice {
  const { [userId]: _peer, ...peers } = state.peers
  const { [userId]: _speaking, ...speaking } = state.speaking
  return { ...state, peers, speaking }
}

/** The call ended: presence stays (it is the core's), everything of the call goes. */
export function withoutCall(state: VoiceSlice): VoiceSlice {
  return { ...emptyVoice(), channels: state.channels, error: state.error }
}

export const useVoice = create<VoiceSlice>()(() => emptyVoice())

export function useChannelParticipants(serverId: string, channelId: string) {
  return useVoice((state) => state.channels[voiceKey(serverId, channelId)])
}

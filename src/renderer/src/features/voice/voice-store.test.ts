import { describe, expect, it } from 'vitest'
import {
  emptyVoice,
  voiceKey,
  withChannel,
  withoutCall,
  withoutPeer,
  withPeer,
} from './voice-store'

const ann = { userId: 'ann', sessionId: 's1', displayName: 'Ann' }

describe('voice slice', () => {
  it('lists participants per channel and forgets a channel that empties', () => {
    let state = withChannel(emptyVoice(), { serverId: 'S', channelId: 'C', participants: [ann] })
    expect(state.channels[voiceKey('S', 'C')]).toEqual([ann])
    state = withChannel(state, { serverId: 'S', channelId: 'C', participants: [] })
    expect(state.channels).toEqual({})
  })

  it('tracks a peer from connecting to connected and drops it', () => {
    let state = withPeer(emptyVoice(), 'ann', { sessionId: 's1' })
    expect(state.peers.ann).toMatchObject({ state: 'connecting', stats: null })
    state = withPeer(state, 'ann', { state: 'connected' })
    expect(state.peers.ann).toMatchObject({ sessionId: 's1', state: 'connected' })
    expect(withoutPeer(state, 'ann').peers).toEqual({})
  })

  it('ignores an update for a peer it does not know', () => {
    expect(withPeer(emptyVoice(), 'ann', { state: 'failed' }).peers).toEqual({})
  })

  it('keeps presence and the last error when a call ends', () => {
    const inCall = {
      ...withChannel(emptyVoice(), { serverId: 'S', channelId: 'C', participants: [ann] }),
      phase: 'in_call' as const,
      muted: true,
      error: 'The voice relay cannot be reached.',
    }
    const ended = withoutCall(inCall)
    expect(ended).toMatchObject({ phase: 'idle', muted: false, error: inCall.error })
    expect(ended.channels).toEqual(inCall.channels)
  })
})

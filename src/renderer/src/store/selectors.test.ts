import { describe, expect, it } from 'vitest'
import type { ChannelInfo, ServerDetails } from '../../../shared/api'
import { channelsInListOrder, channelToOpen, neighbourChannel } from './selectors'

function channel(id: string, kind: ChannelInfo['kind'] = 'text'): ChannelInfo {
  return { id, serverId: 's', name: id, kind, burnSeconds: 60, unread: 0 }
}

const channels = [channel('voice-1', 'voice'), channel('general'), channel('random')]

describe('channel order', () => {
  it('lists text channels before voice channels', () => {
    expect(channelsInListOrder(channels).map((c) => c.id)).toEqual(['general', 'random', 'voice-1'])
  })

  it('steps through channels in list order and wraps around', () => {
    expect(neighbourChannel(channels, 'general', 1)?.id).toBe('random')
    expect(neighbourChannel(channels, 'voice-1', 1)?.id).toBe('general')
    expect(neighbourChannel(channels, 'general', -1)?.id).toBe('voice-1')
    expect(neighbourChannel(channels, 'gone', 1)?.id).toBe('general')
    expect(neighbourChannel([], 'general', 1)).toBeNull()
  })
})

describe('channelToOpen', () => {
  const server = { channels } as unknown as ServerDetails

  it('returns to the channel last open', () => {
    expect(channelToOpen(server, 'random')?.id).toBe('random')
  })

  it('otherwise opens the first text channel', () => {
    expect(channelToOpen(server, undefined)?.id).toBe('general')
    expect(channelToOpen(server, 'deleted')?.id).toBe('general')
  })
})

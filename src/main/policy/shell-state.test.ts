import { describe, expect, it } from 'vitest'
import type { Settings } from '../../shared/api'
import { ShellState } from './shell-state'

const settings: Settings = {
  autoLockMinutes: 5,
  alwaysRelayCalls: true,
  notificationPreviews: true,
  theme: 'dark',
}

describe('ShellState', () => {
  it('learns the open channel, settings and names from the page’s calls', () => {
    const state = new ShellState()
    state.applyAuth({ status: 'unlocked', name: 'alice', userId: 'alice-user-id-0000' })
    expect(state.notificationPreviews).toBe(false)
    state.applyCall({
      method: 'markRead',
      input: { serverId: 'server-aaaaaaaaaaaa', channelId: 'channel-aaaaaaaaaa' },
      output: null,
    })
    state.applyCall({ method: 'updateSettings', input: {}, output: settings })
    state.applyCall({
      method: 'getProfile',
      input: {},
      output: { userId: 'alice-user-id-0000', name: 'alice', displayName: 'Alice L.', status: '' },
    })
    expect(state.activeChannel).toEqual({
      serverId: 'server-aaaaaaaaaaaa',
      channelId: 'channel-aaaaaaaaaa',
    })
    expect(state.notificationPreviews).toBe(true)
    expect(state.myNames).toEqual(['alice', 'Alice L.'])
  })

  it('forgets the session on lock, so previews are hidden again', () => {
    const state = new ShellState()
    state.applyAuth({ status: 'unlocked', name: 'alice', userId: 'alice-user-id-0000' })
    state.applySettings(settings)
    state.applyServers([{ id: 'server-aaaaaaaaaaaa', name: 's', myRole: 'owner', unread: 3 }])
    state.applyAuth({ status: 'locked', name: 'alice', userId: 'alice-user-id-0000' })
    expect(state.notificationPreviews).toBe(false)
    expect(state.servers).toEqual([])
    expect(state.activeChannel).toBeNull()
    expect(state.myNames).toEqual([])
  })
})

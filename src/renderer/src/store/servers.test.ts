import { describe, expect, it } from 'vitest'
import type { ServerDetails } from '../../../shared/api'
import { emptyServers, withoutServer, withServerDetails, withServerList } from './servers'

function details(id: string, fields: Partial<ServerDetails> = {}): ServerDetails {
  return {
    id,
    name: `Server ${id}`,
    myRole: 'owner',
    unread: 0,
    channels: [],
    members: [],
    permissions: {
      canPost: true,
      canManageChannels: true,
      canInvite: true,
      canRemoveMembers: true,
      canChangeRoles: true,
    },
    epoch: 1,
    safetyCode: '01234 56789 01234 56789 01234 56789',
    joinedEpoch: 0,
    ...fields,
  }
}

describe('server slice transitions', () => {
  it('adds a server first seen through its details (a join) to the rail', () => {
    const state = withServerDetails(emptyServers(), details('a'))
    expect(state.list.map((s) => s.id)).toEqual(['a'])
    expect(state.details.a?.name).toBe('Server a')
  })

  it('keeps the rail in step with renamed servers and unread counts', () => {
    let state = withServerList(emptyServers(), [
      { id: 'a', name: 'Old', myRole: 'member', unread: 0 },
    ])
    state = withServerDetails(state, details('a', { name: 'New', unread: 3, myRole: 'member' }))
    expect(state.list).toEqual([{ id: 'a', name: 'New', myRole: 'member', unread: 3 }])
  })

  it('drops details of servers no longer listed', () => {
    let state = withServerDetails(emptyServers(), details('a'))
    state = withServerDetails(state, details('b'))
    state = withServerList(state, [{ id: 'b', name: 'Server b', myRole: 'owner', unread: 0 }])
    expect(Object.keys(state.details)).toEqual(['b'])
    expect(state.listLoaded).toBe(true)
  })

  it('forgets a removed server everywhere', () => {
    let state = withServerDetails(emptyServers(), details('a'))
    state = { ...state, invites: { a: [] } }
    state = withoutServer(state, 'a')
    expect(state.list).toEqual([])
    expect(state.details).toEqual({})
    expect(state.invites).toEqual({})
  })
})

import { describe, expect, it } from 'vitest'
import type { Role } from '../mls/server-state'
import {
  canPost,
  EMPTY_SERVER_VIEW,
  isMember,
  permissionsOf,
  type MemberView,
  type ServerView,
} from './server-view'

const member = (role: Role): MemberView => ({
  role,
  displayName: role,
  status: '',
  identityKey: 'k'.repeat(43),
})

const view: ServerView = {
  serverId: 'server-1',
  name: 'Club',
  epoch: 3,
  members: new Map([
    ['olga', member('owner')],
    ['adam', member('admin')],
    ['mia', member('member')],
  ]),
  channels: new Map([
    ['general', { name: 'general', kind: 'text', burnSeconds: 3600 }],
    ['lounge', { name: 'lounge', kind: 'voice', burnSeconds: 60 }],
  ]),
  invites: new Map(),
}

describe('permissionsOf', () => {
  it('offers the owner everything', () => {
    expect(permissionsOf(view, 'olga')).toEqual({
      canPost: true,
      canManageChannels: true,
      canInvite: true,
      canRemoveMembers: true,
      canChangeRoles: true,
    })
  })

  it('offers an admin all but changing roles', () => {
    expect(permissionsOf(view, 'adam')).toEqual({
      canPost: true,
      canManageChannels: true,
      canInvite: true,
      canRemoveMembers: true,
      canChangeRoles: false,
    })
  })

  it('offers a member only posting', () => {
    expect(permissionsOf(view, 'mia')).toEqual({
      canPost: true,
      canManageChannels: false,
      canInvite: false,
      canRemoveMembers: false,
      canChangeRoles: false,
    })
  })

  it('offers nothing to someone not in the server, nor in a server this device is not in', () => {
    const none = {
      canPost: false,
      canManageChannels: false,
      canInvite: false,
      canRemoveMembers: false,
      canChangeRoles: false,
    }
    expect(permissionsOf(view, 'stranger')).toEqual(none)
    expect(permissionsOf(EMPTY_SERVER_VIEW, 'olga')).toEqual(none)
  })
})

describe('canPost', () => {
  it('lets members post in text channels only', () => {
    expect(canPost(view, 'mia', 'general')).toBe(true)
    expect(canPost(view, 'mia', 'lounge')).toBe(false)
    expect(canPost(view, 'mia', 'missing')).toBe(false)
    expect(canPost(view, 'stranger', 'general')).toBe(false)
  })
})

describe('isMember', () => {
  it('counts only users in the group now', () => {
    expect(isMember(view, 'adam')).toBe(true)
    expect(isMember(view, 'stranger')).toBe(false)
    expect(isMember(EMPTY_SERVER_VIEW, 'adam')).toBe(false)
  })
})

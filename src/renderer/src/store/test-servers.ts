// A server as the views see it, for view tests: alice (the signed-in owner) and bob in
// "Hideout", with #general and the voice channel "lounge".
import type { ChannelInfo, MemberInfo, ServerDetails } from '../../../shared/api'
import { useAuth } from './auth'
import { useServers } from './servers'
import { useUi } from './ui'

export const SERVER_ID = 'server-hideout-aaaaaaa'
export const ALICE = 'user-alice-aaaaaaaaaa'
export const BOB = 'user-bob-aaaaaaaaaaaa'

export const GENERAL: ChannelInfo = {
  id: 'channel-general-aaaaaa',
  serverId: SERVER_ID,
  name: 'general',
  kind: 'text',
  burnSeconds: 86_400,
  unread: 0,
}

export const LOUNGE: ChannelInfo = {
  id: 'channel-lounge-aaaaaaa',
  serverId: SERVER_ID,
  name: 'lounge',
  kind: 'voice',
  burnSeconds: 86_400,
  unread: 0,
}

export function makeMember(fields: Partial<MemberInfo> & Pick<MemberInfo, 'userId'>): MemberInfo {
  return {
    displayName: fields.userId,
    status: '',
    role: 'member',
    keyChanged: false,
    joinedVia: null,
    ...fields,
  }
}

export function makeServer(fields: Partial<ServerDetails> = {}): ServerDetails {
  return {
    id: SERVER_ID,
    name: 'Hideout',
    myRole: 'owner',
    unread: 0,
    channels: [GENERAL, LOUNGE],
    members: [
      makeMember({ userId: ALICE, displayName: 'alice', role: 'owner' }),
      makeMember({ userId: BOB, displayName: 'bob' }),
    ],
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

/** Alice signed in, looking at `server` (by default Hideout) with #general open. */
export function showServer(server: ServerDetails = makeServer()): ServerDetails {
  useAuth.setState({ phase: 'unlocked', name: 'alice', userId: ALICE })
  useServers.getState().applyDetails(server)
  useServers.setState({ listLoaded: true })
  useUi.getState().selectChannel(server.id, server.channels[0]?.id ?? GENERAL.id)
  return server
}

// Renaming the server and managing channels: commits to the group's state. A new channel's
// stream is created under the keys of the epoch the commit begins (settleEpoch).
import { ParacordError, type ChannelInfo, type ChannelKind } from '../../shared/api'
import { mayManageServer } from '../mls/rules'
import { roleOf } from '../mls/server-state'
import { randomId } from './ids'
import { commitChange, requireServer, type ServerContext } from './server-context'
import { channelInfos } from './views'

function requireAdmin(ctx: ServerContext, serverId: string, what: string) {
  const group = requireServer(ctx, serverId)
  if (!mayManageServer(roleOf(group.state, ctx.session.userId)))
    throw new ParacordError('forbidden', `Only the owner or an admin can ${what}.`)
  return group
}

function channelInfo(ctx: ServerContext, serverId: string, channelId: string): ChannelInfo {
  const info = channelInfos(ctx, serverId, ctx.io.view(serverId)).find((c) => c.id === channelId)
  if (!info) throw new ParacordError('not_found', 'This channel does not exist.')
  return info
}

export async function renameServer(ctx: ServerContext, serverId: string, name: string) {
  requireAdmin(ctx, serverId, 'rename the server')
  await commitChange(ctx, serverId, (g) =>
    g.state.name === name ? null : { state: (s) => ({ ...s, name }) },
  )
}

export async function createChannel(
  ctx: ServerContext,
  serverId: string,
  input: { name: string; kind: ChannelKind; burnSeconds: number },
): Promise<ChannelInfo> {
  requireAdmin(ctx, serverId, 'create channels')
  const channelId = randomId()
  await commitChange(ctx, serverId, () => ({
    state: (s) => ({
      ...s,
      channels: {
        ...s.channels,
        [channelId]: {
          name: input.name,
          kind: input.kind,
          burnSeconds: input.burnSeconds,
          position: Math.max(-1, ...Object.values(s.channels).map((c) => c.position)) + 1,
        },
      },
    }),
  }))
  return channelInfo(ctx, serverId, channelId)
}

export async function updateChannel(
  ctx: ServerContext,
  serverId: string,
  channelId: string,
  change: { name?: string; burnSeconds?: number },
): Promise<ChannelInfo> {
  const group = requireAdmin(ctx, serverId, 'change channels')
  if (change.name === undefined && change.burnSeconds === undefined)
    throw new ParacordError('invalid_input', 'Give a new name or a new burn time.')
  if (!group.state.channels[channelId])
    throw new ParacordError('not_found', 'This channel does not exist.')
  await commitChange(ctx, serverId, (g) => {
    const channel = g.state.channels[channelId]
    if (!channel) throw new ParacordError('not_found', 'This channel does not exist.')
    return {
      state: (s) => ({
        ...s,
        channels: {
          ...s.channels,
          [channelId]: {
            ...channel,
            ...(change.name === undefined ? {} : { name: change.name }),
            ...(change.burnSeconds === undefined ? {} : { burnSeconds: change.burnSeconds }),
          },
        },
      }),
    }
  })
  return channelInfo(ctx, serverId, channelId)
}

export async function deleteChannel(ctx: ServerContext, serverId: string, channelId: string) {
  const group = requireAdmin(ctx, serverId, 'delete channels')
  if (!group.state.channels[channelId])
    throw new ParacordError('not_found', 'This channel does not exist.')
  await commitChange(ctx, serverId, (g) => {
    if (!g.state.channels[channelId]) return null
    return {
      state: (s) => {
        const channels = { ...s.channels }
        delete channels[channelId]
        return { ...s, channels }
      },
    }
  })
}

// What the commands do with the core, apart from how they show it: the one-shot commands
// (run.ts) print the results, the daemon (daemon.ts) answers them as JSON-RPC results. Names or
// ids in, the contract's objects out; every call goes through ParacordApi.
import type {
  ChannelInfo,
  ChannelKind,
  InviteInfo,
  MemberInfo,
  MessageInfo,
  ParacordApi,
  ServerDetails,
  ServerSummary,
} from '../shared/api'
import { sortMessages } from './format'
import type { ChannelRef } from './parse'
import { resolveByNameOrId } from './resolve'

export interface ChannelTarget {
  readonly server: ServerDetails
  readonly channel: ChannelInfo
}

export class CoreActions {
  constructor(private readonly core: ParacordApi) {}

  async server(ref: string): Promise<ServerSummary> {
    const servers = await this.core.listServers({})
    return resolveByNameOrId(servers, ref, {
      noun: 'server',
      id: (s) => s.id,
      name: (s) => s.name,
    })
  }

  async serverDetails(ref: string): Promise<ServerDetails> {
    const server = await this.server(ref)
    return this.core.getServer({ serverId: server.id })
  }

  async channel(target: ChannelRef): Promise<ChannelTarget> {
    const server = await this.serverDetails(target.server)
    const channel = resolveByNameOrId(server.channels, target.channel, {
      noun: 'channel',
      id: (c) => c.id,
      name: (c) => c.name,
      scope: `in server "${server.name}"`,
    })
    return { server, channel }
  }

  /** A user by name or id among the members of every server the account belongs to. */
  async memberAnywhere(ref: string): Promise<MemberInfo> {
    const servers = await this.core.listServers({})
    const byId = new Map<string, MemberInfo>()
    for (const summary of servers) {
      const server = await this.core.getServer({ serverId: summary.id })
      for (const member of server.members) byId.set(member.userId, member)
    }
    return resolveMember([...byId.values()], ref, 'in your servers')
  }

  async createChannel(
    serverRef: string,
    channel: { name: string; kind: ChannelKind; burnSeconds: number },
  ): Promise<{ server: ServerSummary; channel: ChannelInfo }> {
    const server = await this.server(serverRef)
    return { server, channel: await this.core.createChannel({ serverId: server.id, ...channel }) }
  }

  async createInvite(
    serverRef: string,
    limits: { maxUses: number | null; expiresInSeconds: number | null },
  ): Promise<InviteInfo> {
    const server = await this.server(serverRef)
    return this.core.createInvite({ serverId: server.id, ...limits })
  }

  async invites(serverRef: string): Promise<readonly InviteInfo[]> {
    const server = await this.server(serverRef)
    return this.core.listInvites({ serverId: server.id })
  }

  /** The latest `limit` messages in channel order; reading them marks the channel read. */
  async read(
    target: ChannelRef,
    limit: number,
  ): Promise<ChannelTarget & { messages: MessageInfo[] }> {
    const { server, channel } = await this.channel(target)
    const page = await this.core.listMessages({
      serverId: server.id,
      channelId: channel.id,
      limit,
    })
    await this.core.markRead({ serverId: server.id, channelId: channel.id })
    return { server, channel, messages: sortMessages(page.messages) }
  }
}

export function resolveMember(
  members: readonly MemberInfo[],
  ref: string,
  scope: string,
): MemberInfo {
  return resolveByNameOrId(members, ref, {
    noun: 'member',
    id: (m) => m.userId,
    name: (m) => m.displayName,
    scope,
  })
}

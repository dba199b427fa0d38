// Founding a server: a new MLS group whose state names its founder owner and a default text
// channel, the log and channel streams under the first epoch's keys, and the join enclave.
import type { ServerDetails } from '../../shared/api'
import { ServerGroup } from '../mls/group'
import { toParacordError } from './errors'
import { randomId } from './ids'
import {
  addServerToVault,
  deviceSigner,
  ownBoxKey,
  ownDisplayName,
  settleEpoch,
  type ServerContext,
} from './server-context'
import { serverDetails } from './views'

export const DEFAULT_CHANNEL = { name: 'general', kind: 'text', burnSeconds: 24 * 3600 } as const

export async function createServer(ctx: ServerContext, name: string): Promise<ServerDetails> {
  const { session, io } = ctx
  const serverId = randomId()
  const channelId = randomId()
  try {
    // 1. The group: its state names this account owner, with one text channel.
    const group = await ServerGroup.create(
      serverId,
      deviceSigner(session),
      { name, displayName: ownDisplayName(session), boxKey: ownBoxKey(session) },
      { [channelId]: { ...DEFAULT_CHANNEL, position: 0 } },
    )
    await io.adopt(serverId, group, 0)
    // 2. The streams and the join enclave, under the first epoch's keys.
    await settleEpoch(ctx, serverId)
    // 3. Saved in the vault: from here on the account's other devices join it too.
    await addServerToVault(ctx, serverId)
  } catch (error) {
    io.forget(serverId)
    throw toParacordError(error)
  }
  ctx.signals.emit('serverAdded', { serverId })
  return serverDetails(ctx, serverId)
}

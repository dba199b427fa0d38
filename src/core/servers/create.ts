// Founding a server: random keys, the spine stream, genesis, and a default text channel.
import type { ServerDetails } from '../../shared/api'
import { toBase64Url } from '../../shared/encoding'
import { randomKey } from '../crypto'
import { channelKeys, spineKeys } from '../server-keys'
import { toParacordError } from './errors'
import { randomId } from './ids'
import { postEntry, saveServerKeys, vaultKeysFor, type ServerContext } from './server-context'
import { createServerStream } from './streams'
import { serverDetails } from './views'

export const DEFAULT_CHANNEL = { name: 'general', kind: 'text', burnSeconds: 24 * 3600 } as const

export async function createServer(ctx: ServerContext, name: string): Promise<ServerDetails> {
  const { session, keyring, spine } = ctx
  // 1. A random server id, master key (epoch 1) and admin secret, held provisionally.
  const serverId = randomId()
  const masterKey = randomKey()
  const adminSecret = randomKey()
  const keys = vaultKeysFor(1, { '1': toBase64Url(masterKey) }, adminSecret)
  keyring.setProvisional(serverId, keys)
  try {
    // 2. The spine stream: permanent, keys derived from the spine key.
    await createServerStream(
      session.client,
      serverId,
      spineKeys(masterKey, serverId),
      adminSecret,
      true,
    )
    spine.startEmpty(serverId)
    // 3. Genesis: the founder becomes owner, with the profile and sealing key others need.
    await postEntry(ctx, serverId, () => ({
      type: 'genesis',
      serverId,
      name,
      epoch: 1,
      displayName: session.vault().profile.displayName || session.name,
      boxKey: toBase64Url(session.identity.box.publicKey),
    }))
    // 4. The default channel: its stream, then its spine entry.
    const channelId = randomId()
    await createServerStream(
      session.client,
      channelId,
      channelKeys(masterKey, channelId),
      adminSecret,
      false,
    )
    await postEntry(ctx, serverId, () => ({
      type: 'channel_created',
      channelId,
      ...DEFAULT_CHANNEL,
    }))
    // 5. Saved in the vault: from here on the server survives a restart and a new device.
    await saveServerKeys(ctx, serverId, keys)
  } catch (error) {
    spine.forget(serverId)
    throw toParacordError(error)
  } finally {
    keyring.clearProvisional(serverId)
  }
  ctx.signals.emit('serverAdded', { serverId })
  return serverDetails(ctx, serverId)
}

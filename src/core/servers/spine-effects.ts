// What an accepted spine entry does on this device beyond the folded state: pin keys, open this
// member's envelope of a key rotation into the vault, notice its own removal, and ask for
// subscriptions, a rotation or a redraw.
import type { SpineEntry } from '../spine'
import { openEnvelope } from './envelopes'
import { mergeKeys, saveServerKeys, type ServerContext } from './server-context'
import type { SpineHooks } from './spine-io'

export interface EffectsHost {
  readonly ctx: ServerContext
  /** The server's view changed: tell the UI (coalesced). */
  changed(serverId: string): void
  /** A member left or was removed: an admin's client rotates (the chain decides races). */
  rotationMayBeDue(serverId: string, entry: SpineEntry): void
  /** This account was removed: forget the server once the current spine work is done. */
  removed(serverId: string): void
}

export function spineHooks(host: EffectsHost): SpineHooks {
  return {
    rejected(serverId, reason) {
      host.ctx.events.emit('spineRejected', { serverId, reason })
    },
    async accepted(serverId, entry) {
      const { ctx } = host
      const me = ctx.session.userId
      const body = entry.body
      switch (body.type) {
        case 'genesis':
        case 'member_joined':
          // The directory pins a first key and reports a changed one (keyChanged) itself.
          if (entry.author !== me) observe(ctx, serverId, entry)
          break
        case 'key_rotated':
          await openOwnEnvelope(ctx, serverId, body.epoch, body.envelopes[me])
          break
        case 'member_removed':
          if (body.userId === me) host.removed(serverId)
          else host.rotationMayBeDue(serverId, entry)
          break
        case 'member_left':
          host.rotationMayBeDue(serverId, entry)
          break
        case 'channel_created':
        case 'channel_deleted':
          ctx.signals.emit('streamsChanged', { serverId })
          break
        default:
          break
      }
      host.changed(serverId)
    },
  }
}

function observe(ctx: ServerContext, serverId: string, entry: SpineEntry): void {
  try {
    ctx.peers.observe(entry.author, entry.authorKey, `spine:${serverId}`)
  } catch (error) {
    // A key the directory cannot take must not stop the spine from being read.
    ctx.events.emit('spineRejected', {
      serverId,
      reason: `the key of ${entry.author} could not be pinned: ${String(error)}`,
    })
  }
}

/** Rotation, seen by a remaining member: open the envelope and keep the new epoch's keys. */
async function openOwnEnvelope(
  ctx: ServerContext,
  serverId: string,
  epoch: number,
  sealed: string | undefined,
): Promise<void> {
  // Not sealed to us: we were removed (or are reading history before joining).
  const known = ctx.keyring.record(serverId)
  if (sealed === undefined || !known) return
  const content = openEnvelope(sealed, ctx.session.identity.box, serverId, epoch)
  if (!content) {
    ctx.events.emit('spineRejected', {
      serverId,
      reason: `the keys of epoch ${epoch} sealed to this account do not open`,
    })
    return
  }
  const keys = {
    epoch,
    epochs: { [String(epoch)]: content.masterKey },
    adminSecret: content.adminSecret,
  }
  // While joining, the keys are provisional until the join saves them.
  if (!ctx.session.vault().servers[serverId])
    ctx.keyring.setProvisional(serverId, mergeKeys(known, keys))
  else await saveServerKeys(ctx, serverId, keys)
  ctx.signals.emit('streamsChanged', { serverId })
}

// The envelopes of a key rotation (docs/KEYS.md section 6, step 3): the new master key, and for
// admins the new admin secret, sealed to one member's X25519 key. An envelope names its server
// and epoch inside the seal, so it cannot be replayed into another rotation.
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../../shared/encoding'
import { openSealed, sealTo, type KeyPair } from '../crypto'
import type { SpineState } from '../spine'

export interface EnvelopeContent {
  readonly serverId: string
  readonly epoch: number
  readonly masterKey: string
  /** Only in admins' (and the owner's) envelopes. */
  readonly adminSecret: string | null
}

/** One envelope per current member of `state`, for the move to `epoch`. */
export function sealEnvelopes(
  state: SpineState,
  serverId: string,
  epoch: number,
  masterKey: Uint8Array,
  adminSecret: Uint8Array,
): Record<string, string> {
  const envelopes: Record<string, string> = {}
  for (const [userId, member] of state.members) {
    const content: EnvelopeContent = {
      serverId,
      epoch,
      masterKey: toBase64Url(masterKey),
      adminSecret: member.role === 'member' ? null : toBase64Url(adminSecret),
    }
    envelopes[userId] = toBase64Url(
      sealTo(fromBase64Url(member.boxKey), utf8(JSON.stringify(content))),
    )
  }
  return envelopes
}

/** Opens this member's envelope; null when it does not open or names another rotation. */
export function openEnvelope(
  sealed: string,
  box: KeyPair,
  serverId: string,
  epoch: number,
): EnvelopeContent | null {
  try {
    const content = JSON.parse(fromUtf8(openSealed(box, fromBase64Url(sealed)))) as EnvelopeContent
    if (content.serverId !== serverId || content.epoch !== epoch) return null
    if (fromBase64Url(content.masterKey).length !== 32) return null
    if (content.adminSecret !== null && fromBase64Url(content.adminSecret).length !== 32)
      return null
    return content
  } catch {
    return null
  }
}

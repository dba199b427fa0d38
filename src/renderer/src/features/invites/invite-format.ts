// How invites read in the list: uses out of the limit, and when they stop working.
import type { InviteInfo } from '../../../../shared/api'

export type InviteStatus = 'active' | 'revoked' | 'expired' | 'used_up'

export function inviteStatus(invite: InviteInfo, now: number): InviteStatus {
  if (invite.revoked) return 'revoked'
  if (invite.expiresAt !== null && invite.expiresAt <= now) return 'expired'
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) return 'used_up'
  return 'active'
}

function inWords(ms: number): string {
  const minutes = Math.ceil(ms / 60_000)
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`
  const hours = Math.round(minutes / 60)
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'}`
  const days = Math.round(hours / 24)
  return `${days} days`
}

/** "2 of 10 uses · expires in 6 days", "Revoked", "Expired". */
export function describeInvite(invite: InviteInfo, now: number): string {
  const status = inviteStatus(invite, now)
  if (status === 'revoked') return 'Revoked'
  if (status === 'expired') return 'Expired'
  const uses =
    invite.maxUses === null
      ? `${invite.uses} ${invite.uses === 1 ? 'use' : 'uses'}`
      : `${invite.uses} of ${invite.maxUses} uses`
  if (status === 'used_up') return `Used up · ${uses}`
  const expiry =
    invite.expiresAt === null ? 'never expires' : `expires in ${inWords(invite.expiresAt - now)}`
  return `${uses} · ${expiry}`
}

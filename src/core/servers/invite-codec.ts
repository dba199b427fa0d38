// Invites (docs/KEYS.md). The secret travels as a code or a paracord://invite/ link; the backend
// stores an enclave whose id and sealing key are derived from it, naming the server. The keys
// to join are not in it: the server's join enclave seals each epoch's join key to every open
// invite (join.ts), so an invite that is revoked or used up opens nothing sent afterwards.
import { EncodingError, fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../../shared/encoding'
import { decrypt, enclaveAd, encrypt } from '../crypto'
import { inviteKeys } from '../server-keys'

export const INVITE_LINK_PREFIX = 'paracord://invite/'
export const INVITE_SECRET_BYTES = 32

export interface InvitePayload {
  readonly v: 2
  readonly serverId: string
  readonly name: string
}

export interface ParsedInvite {
  readonly secret: Uint8Array
  readonly code: string
  /** The enclave id, which is also the invite id the spine records. */
  readonly inviteId: string
  readonly sealKey: Uint8Array
}

export const inviteLink = (code: string): string => INVITE_LINK_PREFIX + code

/** A code or a link → the invite's keys; null when it is not one. */
export function parseInvite(text: string): ParsedInvite | null {
  let code = text.trim()
  if (code.toLowerCase().startsWith(INVITE_LINK_PREFIX))
    code = code.slice(INVITE_LINK_PREFIX.length)
  code = code.replace(/\/+$/, '')
  let secret: Uint8Array
  try {
    secret = fromBase64Url(code)
  } catch (error) {
    if (error instanceof EncodingError) return null
    throw error
  }
  if (secret.length !== INVITE_SECRET_BYTES) return null
  return keysOf(secret)
}

export function keysOf(secret: Uint8Array): ParsedInvite {
  const { enclaveId, sealKey } = inviteKeys(secret)
  return { secret, code: toBase64Url(secret), inviteId: toBase64Url(enclaveId), sealKey }
}

const ad = (inviteId: string) => enclaveAd({ id: inviteId, kind: 'invite' })

/** The enclave body: which server the invite is for, sealed with the invite's key. */
export function sealInviteBody(invite: ParsedInvite, payload: InvitePayload): string {
  return toBase64Url(encrypt(invite.sealKey, utf8(JSON.stringify(payload)), ad(invite.inviteId)))
}

/** Opens the enclave body with the invite's own key; null when it does not open or parse. */
export function openInviteBody(invite: ParsedInvite, body: string): InvitePayload | null {
  try {
    const plain = decrypt(invite.sealKey, fromBase64Url(body), ad(invite.inviteId))
    const payload = JSON.parse(fromUtf8(plain)) as Partial<InvitePayload>
    if (payload.v !== 2 || typeof payload.serverId !== 'string' || typeof payload.name !== 'string')
      return null
    return payload as InvitePayload
  } catch {
    return null
  }
}

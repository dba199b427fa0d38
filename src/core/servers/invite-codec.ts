// Invites (docs/KEYS.md section 5). The secret travels as a code or a paracord://invite/ link;
// the backend stores an enclave whose id and sealing key are derived from it. The enclave body
// holds two sealed parts: the invite itself for the joiner, and the secret again under a key
// derived from the admin secret, so every admin can show the code and re-seal the invite after
// a key rotation. The invite carries every epoch's master key, because a joiner must read and
// fold the whole spine, whose older entries are sealed in older epochs.
import { EncodingError, fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../../shared/encoding'
import { decrypt, deriveKey, enclaveAd, encrypt } from '../crypto'
import { inviteKeys } from '../server-keys'

export const INVITE_LINK_PREFIX = 'paracord://invite/'
export const INVITE_SECRET_BYTES = 32

export interface InvitePayload {
  readonly v: 1
  readonly serverId: string
  readonly name: string
  readonly epoch: number
  /** Master keys by epoch (decimal string → base64url). */
  readonly epochs: Readonly<Record<string, string>>
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

const adminCopyKey = (adminSecret: Uint8Array, inviteId: string) =>
  deriveKey(adminSecret, 'invite-secret', inviteId)

const ad = (inviteId: string) => enclaveAd({ id: inviteId, kind: 'invite' })

interface EnclaveParts {
  readonly v: 1
  readonly invite: string
  readonly admin: string
}

/** The enclave body: the sealed invite and the admin copy of its secret. */
export function sealInviteBody(
  invite: ParsedInvite,
  payload: InvitePayload,
  adminSecret: Uint8Array,
): string {
  const parts: EnclaveParts = {
    v: 1,
    invite: toBase64Url(
      encrypt(invite.sealKey, utf8(JSON.stringify(payload)), ad(invite.inviteId)),
    ),
    admin: toBase64Url(
      encrypt(adminCopyKey(adminSecret, invite.inviteId), invite.secret, ad(invite.inviteId)),
    ),
  }
  return toBase64Url(utf8(JSON.stringify(parts)))
}

function parts(body: string): EnclaveParts | null {
  try {
    const value = JSON.parse(fromUtf8(fromBase64Url(body))) as Partial<EnclaveParts>
    if (value.v !== 1 || typeof value.invite !== 'string' || typeof value.admin !== 'string')
      return null
    return value as EnclaveParts
  } catch {
    return null
  }
}

/** Opens the invite part with the invite's own key; null when it does not open or parse. */
export function openInviteBody(invite: ParsedInvite, body: string): InvitePayload | null {
  const sealed = parts(body)
  if (!sealed) return null
  try {
    const plain = decrypt(invite.sealKey, fromBase64Url(sealed.invite), ad(invite.inviteId))
    const payload = JSON.parse(fromUtf8(plain)) as Partial<InvitePayload>
    if (
      payload.v !== 1 ||
      typeof payload.serverId !== 'string' ||
      typeof payload.name !== 'string' ||
      !Number.isSafeInteger(payload.epoch) ||
      typeof payload.epochs !== 'object' ||
      payload.epochs === null ||
      typeof payload.epochs[String(payload.epoch)] !== 'string'
    )
      return null
    return payload as InvitePayload
  } catch {
    return null
  }
}

/** Recovers the invite secret from the admin copy; null without the right admin secret. */
export function recoverInvite(
  inviteId: string,
  body: string,
  adminSecret: Uint8Array,
): ParsedInvite | null {
  const sealed = parts(body)
  if (!sealed) return null
  try {
    const secret = decrypt(
      adminCopyKey(adminSecret, inviteId),
      fromBase64Url(sealed.admin),
      ad(inviteId),
    )
    const invite = keysOf(secret)
    return invite.inviteId === inviteId ? invite : null
  } catch {
    return null
  }
}

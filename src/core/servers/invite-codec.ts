// Invites (docs/KEYS.md, "Invite codes and links"). The code is the invite's only secret; its
// shapes are read in shared/invite-link.ts. The backend stores an enclave whose id and sealing
// key derive from the code, naming the server. The keys to join are not in it:
// the server's join enclave seals each epoch's join key to every open invite (join.ts), so an
// invite that is revoked or used up opens nothing sent afterwards.
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../../shared/encoding'
import { INVITE_CODE_ALPHABET, INVITE_CODE_LENGTH, readInviteText } from '../../shared/invite-link'
import { decrypt, enclaveAd, encrypt, readySodium } from '../crypto'
import { inviteKeys } from '../server-keys'

export interface InvitePayload {
  readonly v: 2
  readonly serverId: string
  readonly name: string
}

export interface ParsedInvite {
  /** 32 bytes every key of the invite derives from (a hash of the code). */
  readonly secret: Uint8Array
  readonly code: string
  /** The enclave id, which is also the invite id the group's state records. */
  readonly inviteId: string
  readonly sealKey: Uint8Array
  /** The server the link names, as written; null for a bare code. */
  readonly server: string | null
}

/** A new random code: 26 symbols of 5 bits each (256 is a multiple of 32, so no bias). */
export function newInviteCode(): string {
  const bytes = readySodium().randombytes_buf(INVITE_CODE_LENGTH)
  let code = ''
  for (const byte of bytes) code += INVITE_CODE_ALPHABET[byte & 31]
  bytes.fill(0)
  return code
}

/** A code or a link → the invite's keys and the server it names; null when it is not one. */
export function parseInvite(text: string): ParsedInvite | null {
  const found = readInviteText(text)
  return found === null ? null : keysOf(found.code, found.server)
}

const CODE_HASH_LABEL = utf8('paracord invite code v2\0')

export function keysOf(code: string, server: string | null = null): ParsedInvite {
  const sodium = readySodium()
  const secret = sodium.crypto_generichash(
    32,
    new Uint8Array([...CODE_HASH_LABEL, ...utf8(code)]),
    null,
  )
  const { enclaveId, sealKey } = inviteKeys(secret)
  return { secret, code, inviteId: toBase64Url(enclaveId), sealKey, server }
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

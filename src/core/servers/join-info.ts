// A server's join enclave: what a joiner (with an invite) or a new device of a member (with the
// account's box key) needs to join on its own, with no member online. It holds the MLS group
// info of the current epoch sealed under a key derived from the epoch's join secret, and that
// join secret sealed to every member account and every open invite. An invite that is revoked,
// used up or expired gets no seal in later epochs, so it opens nothing sent after that.
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../../shared/encoding'
import { enclaveWritePayload, type Enclave } from '../../shared/protocol'
import { decrypt, enclaveAd, encrypt, openSealed, sealTo, signPayloadB64 } from '../crypto'
import type { KeyPair } from '../crypto'
import { DecryptionError } from '../crypto/errors'
import type { ServerGroup } from '../mls/group'
import { groupInfoKey, joinEnclaveId, joinEnclaveOwner } from '../server-keys'
import type { UnlockedSession } from '../session'
import { isApiCode } from './errors'
import { keyEpochOf, type EpochSecrets } from './group-store'

/** The kind the backend stores it as: a public enclave that anyone may read, like an invite. */
const KIND = 'invite'

interface JoinBody {
  readonly v: 1
  /** The key epoch it is for (visible to the backend, which sees rotations anyway). */
  readonly epoch: number
  /** The log seq of the commit that began the epoch: where a joiner starts reading. */
  readonly seq: number
  /** The group info, sealed under the epoch's group-info key. */
  readonly info: string
  /** The epoch's join secret, sealed to each recipient's X25519 key. */
  readonly keys: readonly string[]
}

export interface JoinMaterial {
  readonly epoch: number
  readonly seq: number
  readonly join: Uint8Array
  readonly groupInfo: Uint8Array
}

const ad = (serverId: string, epoch: number) =>
  enclaveAd({ id: `${joinEnclaveId(serverId)}:${epoch}`, kind: 'join' })

function parse(body: string): JoinBody | null {
  try {
    const value = JSON.parse(fromUtf8(fromBase64Url(body))) as Partial<JoinBody>
    if (
      value.v !== 1 ||
      !Number.isSafeInteger(value.epoch) ||
      !Number.isSafeInteger(value.seq) ||
      typeof value.info !== 'string' ||
      !Array.isArray(value.keys)
    )
      return null
    return value as JoinBody
  } catch {
    return null
  }
}

/** The join enclave's current body; null when there is none. */
export async function fetchJoinBody(
  session: UnlockedSession,
  serverId: string,
): Promise<{ enclave: Enclave; body: JoinBody | null } | null> {
  try {
    const enclave = await session.client.getEnclave(joinEnclaveId(serverId))
    return { enclave, body: parse(enclave.body) }
  } catch (error) {
    if (isApiCode(error, 'not_found')) return null
    throw error
  }
}

/** Opens the join material with one of `boxKeys`; null when none of them was given a seal. */
export async function openJoinMaterial(
  session: UnlockedSession,
  serverId: string,
  boxKeys: readonly KeyPair[],
): Promise<JoinMaterial | null> {
  const found = await fetchJoinBody(session, serverId)
  const body = found?.body
  if (!body) return null
  for (const sealed of body.keys) {
    for (const boxKey of boxKeys) {
      let join: Uint8Array
      try {
        join = openSealed(boxKey, fromBase64Url(sealed))
      } catch (error) {
        if (error instanceof DecryptionError) continue
        throw error
      }
      try {
        const groupInfo = decrypt(
          groupInfoKey(join, serverId),
          fromBase64Url(body.info),
          ad(serverId, body.epoch),
        )
        return { epoch: body.epoch, seq: body.seq, join, groupInfo }
      } catch {
        return null
      }
    }
  }
  return null
}

/**
 * Writes the join enclave for the group's current epoch (a no-op when it is there already).
 * `recipients`: the X25519 keys of every member account and every open invite. `secretsOf`
 * gives the join secret of the epoch the enclave is at now, whose owner key signs the write.
 */
export async function publishJoinInfo(
  session: UnlockedSession,
  group: ServerGroup,
  secrets: EpochSecrets,
  seq: number,
  recipients: readonly Uint8Array[],
  secretsOf: (epoch: number) => EpochSecrets | null,
): Promise<void> {
  const serverId = group.groupId
  const epoch = keyEpochOf(group.epoch)
  const id = joinEnclaveId(serverId)
  const owner = joinEnclaveOwner(secrets.join, serverId)
  const ownerKey = toBase64Url(owner.publicKey)
  const body: JoinBody = {
    v: 1,
    epoch,
    seq,
    info: toBase64Url(
      encrypt(groupInfoKey(secrets.join, serverId), await group.groupInfo(), ad(serverId, epoch)),
    ),
    keys: recipients.map((key) => toBase64Url(sealTo(key, secrets.join))),
  }
  const encoded = toBase64Url(utf8(JSON.stringify(body)))
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await fetchJoinBody(session, serverId)
    if (!found) {
      try {
        await session.client.createEnclave({
          id,
          kind: KIND,
          ownerKey,
          body: encoded,
          expiresAt: null,
          signature: signPayloadB64(
            enclaveWritePayload({
              id,
              kind: KIND,
              version: 1,
              ownerKey,
              expiresAt: null,
              body: encoded,
            }),
            owner.privateKey,
          ),
        })
        return
      } catch (error) {
        if (isApiCode(error, 'already_exists')) continue
        throw error
      }
    }
    const at = found.body?.epoch ?? 0
    if (at >= epoch) return
    const previous = secretsOf(at)
    if (!previous)
      throw new Error(`the join enclave is at epoch ${at}, whose keys this device lacks`)
    const signer = joinEnclaveOwner(previous.join, serverId)
    if (toBase64Url(signer.publicKey) !== found.enclave.ownerKey)
      throw new Error('the join enclave is owned by a key this server’s group did not derive')
    const version = found.enclave.version + 1
    try {
      await session.client.updateEnclave(id, {
        version,
        ownerKey,
        body: encoded,
        expiresAt: null,
        signature: signPayloadB64(
          enclaveWritePayload({
            id,
            kind: KIND,
            version,
            ownerKey,
            expiresAt: null,
            body: encoded,
          }),
          signer.privateKey,
        ),
      })
      return
    } catch (error) {
      // Another member wrote it first: read it again (it is likely at this epoch now).
      if (!isApiCode(error, 'version_conflict', 'invalid_signature')) throw error
    }
  }
}

/** The join enclave is behind the group: someone should write it (the committer did not). */
export async function joinInfoEpoch(session: UnlockedSession, serverId: string): Promise<number> {
  return (await fetchJoinBody(session, serverId))?.body?.epoch ?? 0
}

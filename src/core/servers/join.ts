// Joining a server on one's own, with no member online (docs/KEYS.md): by an invite, or as a
// further device of an account already in it. Both read the server's join enclave, join the MLS
// group with an external commit posted to the log, and count only once that commit comes back
// first for its epoch; a joiner who lost the race tries again from the next epoch.
import { ParacordError } from '../../shared/api'
import { fromBase64Url, toBase64Url } from '../../shared/encoding'
import type { Enclave, Shard } from '../../shared/protocol'
import { decodeMlsMessage } from 'ts-mls'
import type { KeyPair } from '../crypto'
import { GroupError, ServerGroup } from '../mls/group'
import { inviteKeys as mlsInviteKeys, type InviteKeys } from '../mls/invite-keys'
import { openItem } from '../shard-codec'
import { inviteInvalid, isApiCode, toParacordError } from './errors'
import { keyEpochOf } from './group-store'
import type { LogItem } from './group-io'
import { randomId } from './ids'
import { parseServerUrl, ServerUrlError } from '../net/server-url'
import type { UnlockedSession } from '../session'
import { openInviteBody, parseInvite } from './invite-codec'
import { openJoinMaterial, type JoinMaterial } from './join-info'
import { dropIfRemoved, isOutOfServer } from './membership'
import { postItem } from './post-item'
import {
  addServerToVault,
  commitChange,
  deviceSigner,
  ownBoxKey,
  ownDisplayName,
  settleEpoch,
  type ServerContext,
} from './server-context'

const MAX_ATTEMPTS = 6

/** The rules' reason for refusing a join, in the words of an invite. */
function joinRefusal(reason: string): string {
  if (reason.includes('no uses left')) return 'it has been used up'
  if (reason.includes('revoked')) return 'it was revoked'
  if (reason.includes('was removed'))
    return 'you were removed from this server; ask for a new invite'
  if (reason.includes('does not have')) return 'the server does not know it'
  return reason
}

/**
 * Why a link naming `server` cannot be used by this account, or null when it names the account's
 * own server (or none). Every server keeps its own accounts, so an invite works only there.
 */
function serverElsewhere(session: UnlockedSession, server: string | null): string | null {
  if (server === null) return null
  let named: string
  try {
    named = parseServerUrl(server, 'the server in the link')
  } catch (error) {
    if (error instanceof ServerUrlError) return `the link names no usable server (${error.message})`
    throw error
  }
  if (named === session.serverUrl || named === session.inviteServerUrl) return null
  const yours =
    session.inviteServerUrl === null ? 'this computer' : new URL(session.inviteServerUrl).host
  return `it is for the server at ${new URL(named).host}, and your account is on ${yours}. Log out, then create an account on that server (or log in to one there) to join`
}

/** Joins the server the invite (code or link) names; resolves with its id. */
export async function joinByInvite(ctx: ServerContext, text: string): Promise<string> {
  const { session } = ctx
  // 1. Parse the code or link; fetch and open the invite enclave: which server it is for.
  const invite = parseInvite(text)
  if (!invite) throw inviteInvalid('this is not an invite code or link')
  const elsewhere = serverElsewhere(session, invite.server)
  if (elsewhere !== null) throw inviteInvalid(elsewhere)
  let enclave: Enclave
  try {
    enclave = await session.client.getEnclave(invite.inviteId)
  } catch (error) {
    if (isApiCode(error, 'not_found'))
      throw inviteInvalid('it is unknown, has expired or was revoked')
    throw toParacordError(error)
  }
  const payload = enclave.kind === 'invite' ? openInviteBody(invite, enclave.body) : null
  if (!payload) throw inviteInvalid('it could not be opened')
  const { serverId } = payload
  if (session.vault().servers[serverId] && ctx.io.has(serverId)) {
    // This device may not have read the log since its user was removed (closed meanwhile): it
    // reads it now, and takes a removal found there as sync would, before refusing.
    try {
      await ctx.io.catchUp(serverId)
    } catch (error) {
      throw toParacordError(error)
    }
    await dropIfRemoved(ctx, serverId)
    if (session.vault().servers[serverId] && ctx.io.has(serverId))
      throw new ParacordError('conflict', 'You are already in this server.')
  }
  const keys = mlsInviteKeys(invite.secret)
  // 2-4. Join the group with a proof of the invite.
  await joinGroup(ctx, serverId, [keys.box], keys)
  // 5. In the vault (the account's other devices follow), then the profile into the state.
  await addServerToVault(ctx, serverId)
  await addOwnProfile(ctx, serverId)
  ctx.signals.emit('serverAdded', { serverId })
  return serverId
}

/** Joins, as this device, a server the account is in (known from the vault). */
export async function joinAsDevice(ctx: ServerContext, serverId: string): Promise<void> {
  await joinGroup(ctx, serverId, [ctx.session.identity.box], null)
  ctx.signals.emit('serverAdded', { serverId })
}

/**
 * The member's first commit after joining by invite: their profile, and the invite's use counted
 * (rules.ts). Nothing to do when the profile is there already, nor for a device whose user was
 * marked removed since (the rules refuse it; the device forgets the server instead).
 */
export async function addOwnProfile(ctx: ServerContext, serverId: string): Promise<void> {
  const { session } = ctx
  await commitChange(ctx, serverId, (group) => {
    if (group.state.members[session.userId] || isOutOfServer(ctx, serverId)) return null
    const own = group.ownLeaf()
    const via = own.joinProof?.inviteId ?? null
    return {
      state: (s) => ({
        ...s,
        members: {
          ...s.members,
          [session.userId]: {
            identityKey: own.identityKey,
            boxKey: ownBoxKey(session),
            displayName: ownDisplayName(session),
            status: session.vault().profile.status,
            joinedVia: via,
            joinedEpoch: group.epoch,
          },
        },
        invites:
          via && s.invites[via]
            ? { ...s.invites, [via]: { ...s.invites[via], uses: s.invites[via].uses + 1 } }
            : s.invites,
      }),
    }
  })
}

async function joinGroup(
  ctx: ServerContext,
  serverId: string,
  boxKeys: readonly KeyPair[],
  invite: InviteKeys | null,
): Promise<void> {
  const { session, io } = ctx
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // 2. The join enclave: the group info of the current epoch and its join secret.
      const material = await openJoinMaterial(session, serverId, boxKeys)
      if (!material)
        throw invite
          ? inviteInvalid('it was revoked, has been used up or has expired')
          : new ParacordError('not_found', 'This account is not in that server any more.')
      // 3. The external commit, checked here first against the same rules as the members'.
      let joined: Awaited<ReturnType<typeof ServerGroup.join>>
      try {
        joined = await ServerGroup.join(material.groupInfo, deviceSigner(session), invite)
      } catch (error) {
        if (error instanceof GroupError && error.code === 'refused')
          throw invite
            ? inviteInvalid(joinRefusal(error.message))
            : new ParacordError('forbidden', `This device cannot join: ${error.message}.`)
        throw error
      }
      const { group, message } = joined
      io.provideJoinSecret(serverId, material.epoch, material.join)
      // 4. Posted to the log in the epoch joined from; it counts if it is the epoch's first.
      const bytes = toBase64Url(message)
      const posted = await postItem(session, ctx.keyring, {
        serverId,
        streamId: serverId,
        shardId: randomId(),
        burnAt: null,
        epoch: material.epoch,
        payload: (): LogItem => ({ t: 'mls', m: bytes }),
        catchUp: () => Promise.resolve(),
        retryAfterRotation: false,
      }).catch((error: unknown) => {
        // The log moved to another epoch meanwhile: try again from the new join enclave.
        if (isApiCode(error, 'invalid_signature')) return null
        throw error
      })
      if (posted && (await firstCommitOf(ctx, serverId, material)) === bytes) {
        await io.adopt(serverId, group, posted.seq)
        await settleEpoch(ctx, serverId)
        return
      }
      io.endJoin(serverId)
      await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)))
    }
    throw new ParacordError('conflict', 'The server kept changing while joining; try again.')
  } catch (error) {
    io.endJoin(serverId)
    throw toParacordError(error)
  }
}

/** The first commit of the material's epoch in the log (base64url), or null when none. */
async function firstCommitOf(
  ctx: ServerContext,
  serverId: string,
  material: JoinMaterial,
): Promise<string | null> {
  const { session, keyring } = ctx
  const info = await keyring.streamInfo(serverId, serverId, true)
  const version = keyring
    .keyVersions(serverId, serverId, info)
    .find((v) => v.epoch === material.epoch)
  if (!version) return null
  const keys = keyring.streamKeys(serverId, serverId, material.epoch)!
  let after = material.seq
  for (;;) {
    const page = await session.client.fetchShards(serverId, {
      after,
      limit: 200,
      proof: keyring.readProof(
        serverId,
        serverId,
        version.keyVersion,
        material.epoch,
        session.accountId,
      ),
    })
    for (const shard of page.shards) {
      const commit = commitIn(serverId, shard, material.epoch, keys.contentKey)
      if (commit) return commit
    }
    if (!page.more || page.shards.length === 0) return null
    after = page.shards.at(-1)!.seq
  }
}

function commitIn(serverId: string, shard: Shard, epoch: number, key: Uint8Array): string | null {
  try {
    const item = openItem(
      { stream: serverId, shardId: shard.id, burnAt: shard.burnAt },
      shard.body,
      (e) => (e === epoch ? key : null),
    ).payload as Partial<LogItem>
    if (item?.t !== 'mls' || typeof item.m !== 'string') return null
    const decoded = decodeMlsMessage(fromBase64Url(item.m), 0)?.[0]
    if (decoded?.wireformat !== 'mls_public_message') return null
    const content = decoded.publicMessage.content
    if (content.contentType !== 'commit' || keyEpochOf(Number(content.epoch)) !== epoch) return null
    return item.m
  } catch {
    return null
  }
}

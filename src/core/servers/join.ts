// Joining by invite, step by step as docs/KEYS.md section 5.
import { ParacordError } from '../../shared/api'
import { toBase64Url } from '../../shared/encoding'
import type { Enclave } from '../../shared/protocol'
import type { SpineState } from '../spine'
import { inviteInvalid, isApiCode, toParacordError } from './errors'
import { openInviteBody, parseInvite } from './invite-codec'
import { postEntry, saveServerKeys, vaultKeysFor, type ServerContext } from './server-context'

/** Why the invite cannot bring `userId` in now, or null when it can. */
export function inviteProblem(
  state: SpineState,
  inviteId: string,
  userId: string,
  now: number,
): string | null {
  const invite = state.invites.get(inviteId)
  if (!invite) return 'the server does not know it'
  if (invite.revoked) return 'it was revoked'
  if (invite.expiresAt !== null && invite.expiresAt <= now) return 'it has expired'
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) return 'it has been used up'
  const removal = state.removed.get(userId)
  if (removal && invite.position < removal.position)
    return 'you were removed from this server; ask for a new invite'
  return null
}

/** Joins the server the invite (code or link) names; resolves with its id. */
export async function joinByInvite(ctx: ServerContext, text: string): Promise<string> {
  const { session, keyring, spine } = ctx
  // 1. Parse the code or link; derive the enclave id and the invite key.
  const invite = parseInvite(text)
  if (!invite) throw inviteInvalid('this is not an invite code or link')

  // 2. Fetch and open the invite enclave.
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
  if (session.vault().servers[serverId])
    throw new ParacordError('conflict', 'You are already in this server.')

  const keys = vaultKeysFor(payload.epoch, payload.epochs, null)
  keyring.setProvisional(serverId, keys)
  try {
    // 3. Fetch and fold the whole spine; refuse a dead invite before posting anything.
    spine.forget(serverId)
    await spine.catchUp(serverId)
    const state = spine.state(serverId)
    if (state.serverId !== serverId) throw inviteInvalid('it names a server that does not exist')
    const problem = inviteProblem(state, invite.inviteId, session.userId, session.now())
    if (problem) throw inviteInvalid(problem)
    const access = await keyring.currentAccess(serverId, serverId, true)
    if (access.epoch === null)
      throw inviteInvalid('it carries keys the server no longer uses; ask for a new invite')

    // 4. Post member_joined chained to the head; a lost race folds again and re-posts.
    await postEntry(
      ctx,
      serverId,
      (latest) => {
        const latestProblem = inviteProblem(latest, invite.inviteId, session.userId, session.now())
        if (latestProblem) throw inviteInvalid(latestProblem)
        return {
          type: 'member_joined',
          inviteId: invite.inviteId,
          displayName: session.vault().profile.displayName || session.name,
          boxKey: toBase64Url(session.identity.box.publicKey),
        }
      },
      'invite_invalid',
    )

    // 5. The membership goes into the vault; the caller subscribes.
    await saveServerKeys(ctx, serverId, keyring.record(serverId)!)
  } catch (error) {
    spine.forget(serverId)
    throw toParacordError(error)
  } finally {
    keyring.clearProvisional(serverId)
  }
  ctx.signals.emit('serverAdded', { serverId })
  return serverId
}

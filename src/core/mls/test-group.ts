// For the server group's unit tests: signers, an invite put into the state, one commit applied
// on several groups, a joiner's first change, and a server whose members joined one after
// another, with no backend between the groups.
import { toBase64Url } from '../../shared/encoding'
import { generateIdentity, randomKey } from '../crypto'
import type { DeviceSigner } from './credential'
import { ServerGroup } from './group'
import { inviteKeys, type InviteKeys } from './invite-keys'
import type { ServerState } from './server-state'

export function person(deviceId = 'd1'): DeviceSigner {
  const identity = generateIdentity()
  return { userId: identity.userId, deviceId, identity: identity.signing }
}

export function withInvite(
  by: string,
  epoch: number,
  keys: InviteKeys,
  maxUses: number | null = null,
) {
  return (s: ServerState): ServerState => ({
    ...s,
    invites: {
      ...s.invites,
      [keys.inviteId]: {
        signKey: toBase64Url(keys.sign.publicKey),
        boxKey: toBase64Url(keys.box.publicKey),
        maxUses,
        expiresAt: null,
        uses: 0,
        revoked: false,
        createdBy: by,
        createdEpoch: epoch,
      },
    },
  })
}

/** Applies `message` on every group in `groups`; every one must accept it. */
export async function deliver<T extends ServerGroup[]>(
  message: Uint8Array,
  groups: [...T],
): Promise<{ [K in keyof T]: ServerGroup }> {
  const out: ServerGroup[] = []
  for (const g of groups) {
    const result = await g.process(message)
    out.push(result.group)
  }
  return out as { [K in keyof T]: ServerGroup }
}

export async function profileCommit(group: ServerGroup, signer: DeviceSigner, name: string) {
  return group.commit({ state: ownProfile(group, signer, name) })
}

/** A joiner's first change: their profile in, the use of their invite counted. */
export function ownProfile(group: ServerGroup, signer: DeviceSigner, name: string) {
  const own = group.ownLeaf()
  return (s: ServerState): ServerState => ({
    ...s,
    members: {
      ...s.members,
      [signer.userId]: {
        identityKey: own.identityKey,
        boxKey: toBase64Url(randomKey()),
        displayName: name,
        status: '',
        joinedVia: own.joinProof?.inviteId ?? null,
        joinedEpoch: group.epoch,
      },
    },
    invites: own.joinProof
      ? {
          ...s.invites,
          [own.joinProof.inviteId]: {
            ...s.invites[own.joinProof.inviteId]!,
            uses: s.invites[own.joinProof.inviteId]!.uses + 1,
          },
        }
      : s.invites,
  })
}

export interface TestServer {
  readonly owner: DeviceSigner
  /** Unlimited, never expiring; every member joined with it. */
  readonly invite: InviteKeys
  /** The owner's group. */
  readonly a: ServerGroup
  /** The members, in the order they joined. */
  readonly people: DeviceSigner[]
  /** Each member's group, in step with the owner's. */
  readonly members: ServerGroup[]
}

/**
 * The owner founds a server (`name`, where the owner is `ownerName`) and puts an unlimited
 * invite in its state; then, one after another, a member for each of `memberNames` joins with
 * it and adds their profile. The owner's group and those of the members already in apply each
 * commit as it comes, in that order.
 */
export async function serverGroup(
  name: string,
  ownerName: string,
  memberNames: readonly string[],
): Promise<TestServer> {
  const owner = person()
  let a = await ServerGroup.create(toBase64Url(randomKey().slice(0, 16)), owner, {
    name,
    displayName: ownerName,
    boxKey: toBase64Url(randomKey()),
  })
  const invite = inviteKeys(randomKey())
  a = (await a.commit({ state: withInvite(owner.userId, a.epoch, invite) })).group
  const people: DeviceSigner[] = []
  let members: ServerGroup[] = []
  for (const memberName of memberNames) {
    const joiner = person()
    const joined = await ServerGroup.join(await a.groupInfo(), joiner, invite)
    ;[a, ...members] = await deliver(joined.message, [a, ...members])
    const profile = await profileCommit(joined.group, joiner, memberName)
    ;[a, ...members] = await deliver(profile.message, [a, ...members])
    people.push(joiner)
    members.push(profile.group)
  }
  return { owner, invite, a, people, members }
}

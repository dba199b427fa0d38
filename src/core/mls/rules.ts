// Who may change what: every client runs every commit through commitProblem before taking it,
// so a change the roles do not allow is refused by every member alike, whatever the backend
// delivers. The check is a pure function of the state before, the commit and the state after,
// with no clocks, so honest clients never disagree about it.
import { canonicalJson } from '../../shared/canonical-json'
import { nameTextProblem } from '../../shared/name-text'
import { checkJoinProof } from './invite-keys'
import type { LeafView } from './leaves'
import { roleOf, type Role, type ServerState } from './server-state'

export type ProposalKind =
  | 'add'
  | 'update'
  | 'remove'
  | 'psk'
  | 'reinit'
  | 'external_init'
  | 'group_context_extensions'
  | 'custom'

export interface ProposalFact {
  readonly kind: ProposalKind
  /** Who proposed it: the committer for proposals by value; null for a non-member. */
  readonly sender: LeafView | null
  /** For a removal: the leaf removed. */
  readonly removed?: LeafView
}

export interface GroupView {
  readonly state: ServerState
  readonly leaves: readonly LeafView[]
}

export interface CommitFacts {
  readonly groupId: string
  /** The epoch the commit was made in. */
  readonly epoch: number
  /** The member who committed, or the joiner's new leaf for an external commit. */
  readonly committer: LeafView
  readonly external: boolean
  /** Leaves that asked to leave (their own remove proposal, received before this commit). */
  readonly leaving: readonly number[]
  readonly proposals: readonly ProposalFact[]
  readonly before: GroupView
  readonly after: GroupView
}

/** Why every client refuses this commit, or null when it is allowed. */
export function commitProblem(facts: CommitFacts): string | null {
  return (
    proposalsProblem(facts) ??
    (facts.external
      ? externalJoinProblem(facts)
      : (removedProblem(facts) ?? removalProblem(facts))) ??
    stateChangeProblem(facts) ??
    namesProblem(facts) ??
    consistencyProblem(facts)
  )
}

function proposalsProblem(facts: CommitFacts): string | null {
  for (const proposal of facts.proposals) {
    if (proposal.kind === 'add') return 'members join with an invite; nobody may add them'
    if (!['update', 'remove', 'external_init', 'group_context_extensions'].includes(proposal.kind))
      return `a ${proposal.kind} proposal is not part of paracord`
  }
  return null
}

/** Users who still have a leaf in the group. */
function usersWithLeaves(view: GroupView): Set<string> {
  return new Set(view.leaves.map((leaf) => leaf.userId))
}

/** Joins through `inviteId` not yet counted in its `uses` (their profile is not in yet). */
export function pendingJoins(view: GroupView, inviteId: string): number {
  const counted = new Set<string>()
  for (const leaf of view.leaves)
    if (leaf.joinProof?.inviteId === inviteId && !view.state.members[leaf.userId])
      counted.add(leaf.userId)
  return counted.size
}

// An external commit is a new device joining on its own. Either the user is a member and the
// device's credential is signed by the identity key the state pins for them, or the leaf
// carries a proof made with an invite's secret for this group, this epoch and this leaf, and
// the invite is open: not revoked, uses left, created after the user was last removed.
function externalJoinProblem(facts: CommitFacts): string | null {
  const { before, committer } = facts
  for (const p of facts.proposals)
    if (p.kind === 'remove' && p.removed?.userId !== committer.userId)
      return 'a joiner may only replace a leaf of their own'
    else if (p.kind !== 'remove' && p.kind !== 'external_init')
      return `a joiner may not make a ${p.kind} change`
  const member = usersWithLeaves(before).has(committer.userId)
    ? before.state.members[committer.userId]
    : undefined
  if (member) {
    if (member.identityKey !== committer.identityKey)
      return `a device of ${committer.userId} carries an identity key that is not theirs`
    return null
  }
  // A user who joined and has not added their profile yet: a further device must carry the
  // identity key their first device carries.
  const first = before.leaves.find((leaf) => leaf.userId === committer.userId)
  if (first && !isMarkedRemoved(before.state, committer.userId))
    return first.identityKey === committer.identityKey
      ? null
      : `a device of ${committer.userId} carries an identity key that is not theirs`
  const proof = committer.joinProof
  if (!proof) return `${committer.userId} joined without an invite`
  const invite = before.state.invites[proof.inviteId]
  if (!invite) return `${committer.userId} joined with an invite this server does not have`
  if (
    !checkJoinProof(
      proof,
      invite.signKey,
      facts.groupId,
      facts.epoch,
      committer.userId,
      committer.signatureKey,
    )
  )
    return `${committer.userId} does not hold the invite they joined with`
  if (invite.revoked) return `${committer.userId} joined with a revoked invite`
  if (
    invite.maxUses !== null &&
    invite.uses + pendingJoins(before, proof.inviteId) >= invite.maxUses
  )
    return `${committer.userId} joined with an invite that has no uses left`
  if (!invitedSinceRemoval(before.state, committer.userId, proof.inviteId))
    return `${committer.userId} was removed; coming back needs an invite made after that`
  return null
}

// Between an admin's mark and the commit that takes out the user's devices, those devices still
// commit in the group. None of them may undo the removal (put the profile back, clear the mark)
// or hold the group up with commits of its own: only a device that came back since may act.
function removedProblem(facts: CommitFacts): string | null {
  if (!isRemovedLeaf(facts.before.state, facts.committer)) return null
  return `${facts.committer.userId} was removed: a device of theirs may change nothing until they come back`
}

// What each role may do (docs/GROUPS.md section 4). The rules below refuse commits with these,
// and the client asks the same functions which controls to offer (servers/server-view.ts).

/** The owner and admins run the server: its name, channels and invites. */
export function mayManageServer(role: Role): boolean {
  return role === 'owner' || role === 'admin'
}

/** Only the owner makes and unmakes admins. */
export function mayChangeAdmins(role: Role): boolean {
  return role === 'owner'
}

/** Never the owner; admins and members by the owner; members by an admin. */
export function mayRemove(by: Role, target: Role): boolean {
  if (target === 'owner') return false
  if (by === 'owner') return true
  return by === 'admin' && target === 'member'
}

// Removals: an admin removes members, the owner removes admins and members, anyone removes
// their own other devices, and anyone's own leave proposal may be committed by any member.
// Also all a removed device can check, since it does not see the state after its removal.
export function removalProblem(facts: CommitFacts): string | null {
  const kinds = proposalsProblem(facts)
  if (kinds) return kinds
  const by = facts.committer
  const role = roleOf(facts.before.state, by.userId)
  for (const p of facts.proposals) {
    if (p.kind !== 'remove' || !p.removed) continue
    const target = p.removed
    if (target.userId === by.userId) continue
    if (p.sender?.leafIndex === target.leafIndex) continue // their own leave, by reference
    if (facts.leaving.includes(target.leafIndex)) continue // their own leave, by value
    // An admin first marks the user removed (a state change), then anyone may take them out.
    if (isRemovedLeaf(facts.before.state, target)) continue
    if (!mayRemove(role, roleOf(facts.before.state, target.userId)))
      return `${by.userId} may not remove ${target.userId}`
  }
  return null
}

/** Marked removed by an admin and not back in since (a rejoin adds a profile again). */
function isMarkedRemoved(state: ServerState, userId: string): boolean {
  return state.removed[userId] !== undefined && !state.members[userId]
}

/**
 * Whether the invite `inviteId` brings `userId` back: it was made after their last removal. True
 * for a user never removed; false without an invite, or with one the state no longer holds.
 */
function invitedSinceRemoval(
  state: ServerState,
  userId: string,
  inviteId: string | undefined,
): boolean {
  const removedAt = state.removed[userId]
  if (removedAt === undefined) return true
  const invite = inviteId === undefined ? undefined : state.invites[inviteId]
  return invite !== undefined && invite.createdEpoch > removedAt
}

/**
 * A device of a user marked removed that did not come back since with an invite made after the
 * removal: out of the server in all but keys. It may commit nothing, and anyone may take it out.
 */
export function isRemovedLeaf(state: ServerState, leaf: LeafView): boolean {
  return (
    isMarkedRemoved(state, leaf.userId) &&
    !invitedSinceRemoval(state, leaf.userId, leaf.joinProof?.inviteId)
  )
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b)

function stateChangeProblem(facts: CommitFacts): string | null {
  const before = facts.before.state
  const after = facts.after.state
  if (same(before, after)) return null
  if (facts.external) return 'a joiner may not change the server'
  const by = facts.committer.userId
  const role = roleOf(before, by)
  const isAdmin = mayManageServer(role)
  if (after.ownerId !== before.ownerId) return 'the owner cannot change'
  if (!same(after.admins, before.admins) && !mayChangeAdmins(role))
    return `${by} may not change who the admins are`
  if (after.name !== before.name && !isAdmin) return `${by} may not rename the server`
  if (!same(after.channels, before.channels)) {
    if (!isAdmin) return `${by} may not change channels`
    for (const [id, channel] of Object.entries(after.channels)) {
      const old = before.channels[id]
      if (old && old.kind !== channel.kind) return `channel ${id} cannot change kind`
    }
  }
  return invitesProblem(facts, isAdmin) ?? membersProblem(facts)
}

function invitesProblem(facts: CommitFacts, isAdmin: boolean): string | null {
  const before = facts.before.state.invites
  const after = facts.after.state.invites
  const by = facts.committer.userId
  const joinedWith = facts.committer.joinProof?.inviteId
  const addsOwnProfile = !facts.before.state.members[by] && !!facts.after.state.members[by]
  for (const id of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const old = before[id]
    const next = after[id]
    if (same(old, next)) continue
    if (!old && next) {
      if (!isAdmin) return `${by} may not create invites`
      if (next.createdBy !== by || next.uses !== 0 || next.revoked)
        return 'a new invite must be fresh and name its creator'
      if (next.createdEpoch !== facts.epoch) return 'a new invite must name the epoch it is made in'
      continue
    }
    if (old && !next) {
      if (!isAdmin) return `${by} may not delete invites`
      continue
    }
    // Both exist: either an admin revokes it, or a joiner counts their own join.
    const counted = { ...old!, uses: old!.uses + 1 }
    if (addsOwnProfile && id === joinedWith && same(next, counted)) continue
    if (isAdmin && same(next, { ...old!, revoked: true })) continue
    return `${by} may not change invite ${id} that way`
  }
  if (addsOwnProfile && joinedWith && before[joinedWith] && after[joinedWith]) {
    if (after[joinedWith].uses !== before[joinedWith].uses + 1)
      return `${by} must count their join in invite ${joinedWith}`
  }
  return null
}

function membersProblem(facts: CommitFacts): string | null {
  const before = facts.before.state
  const after = facts.after.state
  const by = facts.committer
  const remaining = usersWithLeaves(facts.after)
  for (const id of new Set([...Object.keys(before.members), ...Object.keys(after.members)])) {
    const old = before.members[id]
    const next = after.members[id]
    if (same(old, next)) continue
    if (!old && next) {
      if (id !== by.userId) return `${by.userId} may not add ${id} to the member list`
      if (next.identityKey !== by.identityKey) return 'a profile must carry its own identity key'
      if (next.joinedVia !== (by.joinProof?.inviteId ?? null))
        return 'a profile must name the invite its owner joined with'
      if (next.joinedEpoch > facts.epoch) return 'a profile cannot be dated in a later epoch'
      continue
    }
    if (old && !next) {
      // Gone from the group, or marked removed in this very commit by someone who may.
      if (!remaining.has(id)) continue
      if (
        after.removed[id] !== facts.epoch ||
        !mayRemove(roleOf(before, by.userId), roleOf(before, id))
      )
        return `${by.userId} may not take the profile of ${id}, who is still in the group`
      continue
    }
    if (id !== by.userId) return `${by.userId} may not change the profile of ${id}`
    if (!same({ ...old!, displayName: next!.displayName, status: next!.status }, next))
      return 'only a name and status can change in a profile'
  }
  for (const [id, epoch] of Object.entries(after.removed)) {
    if (before.removed[id] === epoch) continue
    if (!mayRemove(roleOf(before, by.userId), roleOf(before, id)))
      return `${by.userId} may not mark ${id} removed`
    if (after.members[id]) return `a user marked removed loses their profile in the same commit`
    if (epoch !== facts.epoch) return 'a removal must name the epoch it happens in'
  }
  // Forgotten only by the user coming back: their own first profile after a new invite.
  for (const id of Object.keys(before.removed))
    if (
      after.removed[id] === undefined &&
      !(id === by.userId && !before.members[id] && after.members[id])
    )
      return `the removal of ${id} cannot be forgotten`
  return null
}

// Names and statuses are shown to every member as their author wrote them, so a commit may not
// set one carrying a control, direction or invisible character (shared/name-text.ts, the list
// the app's own input check uses). Only what the commit sets is judged: a name already in the
// state stays as it is, since judging it again would let one old name stop every later commit.
function namesProblem(facts: CommitFacts): string | null {
  const before = facts.before.state
  const after = facts.after.state
  const judge = (what: string, text: string, old: string | undefined) => {
    const problem = text === old ? null : nameTextProblem(text)
    return problem && `${what} ${problem}`
  }
  let problem = judge('the server name', after.name, before.name)
  for (const [id, channel] of Object.entries(after.channels))
    problem ??= judge(`the name of channel ${id}`, channel.name, before.channels[id]?.name)
  for (const [id, member] of Object.entries(after.members)) {
    const old = before.members[id]
    problem ??= judge(`the display name of ${id}`, member.displayName, old?.displayName)
    problem ??= judge(`the status of ${id}`, member.status, old?.status)
  }
  return problem
}

// What the group must look like after any commit: every profile and admin is someone still in
// the group, so a removal also takes its user out of the state in the same commit.
function consistencyProblem(facts: CommitFacts): string | null {
  const remaining = usersWithLeaves(facts.after)
  const state = facts.after.state
  if (!remaining.has(state.ownerId)) return 'the owner cannot leave the group'
  for (const id of state.admins)
    if (!state.members[id] && remaining.has(id)) return `${id} is an admin without a profile`
  for (const leaf of facts.after.leaves) {
    const member = state.members[leaf.userId]
    if (member && member.identityKey !== leaf.identityKey)
      return `a device of ${leaf.userId} carries an identity key that is not theirs`
  }
  return null
}

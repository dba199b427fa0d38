// The members' leaves of a group, as paracord sees them: whose device each leaf is and which
// invite (if any) it joined with.
import type { ClientState, LeafNode } from 'ts-mls'
import { leafIdentity } from './credential'
import type { JoinProof } from './invite-keys'

export interface LeafView {
  readonly leafIndex: number
  readonly userId: string
  readonly deviceId: string
  readonly identityKey: string
  readonly signatureKey: Uint8Array
  /** The join proof the leaf's credential carries; null for the founder and further devices. */
  readonly joinProof: JoinProof | null
}

export function leafView(leaf: LeafNode, leafIndex: number): LeafView | null {
  const who = leafIdentity(leaf)
  if (!who) return null
  return { leafIndex, ...who, signatureKey: leaf.signaturePublicKey }
}

/** Every occupied leaf; a leaf whose credential does not check out cannot be in a tree the
 * library accepted (paracordAuthService), so it is skipped rather than trusted. */
export function leavesOf(state: ClientState): LeafView[] {
  const out: LeafView[] = []
  state.ratchetTree.forEach((node, nodeIndex) => {
    if (nodeIndex % 2 !== 0 || node?.nodeType !== 'leaf') return
    const view = leafView(node.leaf, nodeIndex / 2)
    if (view) out.push(view)
  })
  return out
}

export function usersOf(leaves: readonly LeafView[]): Set<string> {
  return new Set(leaves.map((leaf) => leaf.userId))
}

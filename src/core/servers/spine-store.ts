// A server's folded spine as kept in the cache's sealed values: the state, the head entry new
// entries chain to, the last seq read, and every identity key ever pinned by a genesis or a join
// (so messages of members who left since still verify).
import type { LocalCache } from '../cache'
import { EMPTY_SPINE_STATE, type SpineEntry, type SpineState } from '../spine'

export interface FoldedSpine {
  readonly state: SpineState
  readonly head: SpineEntry | null
  /** The last spine seq processed (accepted or rejected). */
  readonly seq: number
  /** userId → the signing key pinned when they joined, members past and present. */
  readonly pinned: Readonly<Record<string, string>>
}

export const EMPTY_FOLDED_SPINE: FoldedSpine = {
  state: EMPTY_SPINE_STATE,
  head: null,
  seq: 0,
  pinned: {},
}

interface StoredSpine {
  readonly v: 1
  readonly seq: number
  readonly head: SpineEntry | null
  readonly pinned: Record<string, string>
  readonly state: Omit<SpineState, 'members' | 'channels' | 'invites' | 'removed'> & {
    readonly members: [string, unknown][]
    readonly channels: [string, unknown][]
    readonly invites: [string, unknown][]
    readonly removed: [string, unknown][]
  }
}

const valueKey = (serverId: string) => `spine:${serverId}`

export function loadFoldedSpine(cache: LocalCache, serverId: string): FoldedSpine | null {
  const stored = cache.getValue<StoredSpine>(valueKey(serverId))
  if (!stored || stored.v !== 1) return null
  const state = Object.freeze({
    ...stored.state,
    members: new Map(stored.state.members),
    channels: new Map(stored.state.channels),
    invites: new Map(stored.state.invites),
    removed: new Map(stored.state.removed),
  }) as SpineState
  return { state, head: stored.head, seq: stored.seq, pinned: stored.pinned }
}

export function saveFoldedSpine(cache: LocalCache, serverId: string, folded: FoldedSpine): void {
  const { state } = folded
  const stored: StoredSpine = {
    v: 1,
    seq: folded.seq,
    head: folded.head,
    pinned: { ...folded.pinned },
    state: {
      ...state,
      members: [...state.members],
      channels: [...state.channels],
      invites: [...state.invites],
      removed: [...state.removed],
    },
  }
  cache.setValue(valueKey(serverId), stored)
}

export function deleteFoldedSpine(cache: LocalCache, serverId: string): void {
  cache.deleteValue(valueKey(serverId))
}

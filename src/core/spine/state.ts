// The folded state: the empty state before genesis, and the private mutable draft a fold
// works on. A fold copies the prior state's maps once and replaces (never mutates) the
// records inside them, so every state handed out stays exactly as it was.
import type { Channel, Invite, Member, Removal, SpineState } from './types'

export const EMPTY_SPINE_STATE: SpineState = Object.freeze({
  serverId: null,
  name: '',
  epoch: 0,
  ownerId: null,
  members: new Map<string, Member>(),
  channels: new Map<string, Channel>(),
  invites: new Map<string, Invite>(),
  removed: new Map<string, Removal>(),
  rotationDue: false,
  headHash: null,
  headAt: null,
  length: 0,
})

export interface SpineDraft {
  serverId: string | null
  name: string
  epoch: number
  ownerId: string | null
  members: Map<string, Member>
  channels: Map<string, Channel>
  invites: Map<string, Invite>
  removed: Map<string, Removal>
  rotationDue: boolean
  headHash: string | null
  headAt: number | null
  length: number
}

export function draftOf(state: SpineState): SpineDraft {
  return {
    ...state,
    members: new Map(state.members),
    channels: new Map(state.channels),
    invites: new Map(state.invites),
    removed: new Map(state.removed),
  }
}

/** Hands the draft out as a state. The draft must not be touched afterwards. */
export function stateOf(draft: SpineDraft): SpineState {
  return Object.freeze({ ...draft })
}

// Folding the spine: each entry is checked against the state so far and either applied or
// reported with a reason. A rejected entry changes nothing and the fold goes on, so one bad
// or hostile entry cannot hide the good ones after it.
import { authorityProblem, notMemberReason } from './authority'
import { entryHash, hasValidSignature } from './entry'
import { applyEntry } from './apply'
import { stateProblem } from './rules'
import { entryShapeProblem } from './shape'
import { EMPTY_SPINE_STATE, draftOf, stateOf } from './state'
import type { SpineEntry, SpineRejection, SpineState } from './types'

export interface SpineFold {
  readonly state: SpineState
  readonly rejected: readonly SpineRejection[]
}

/**
 * Folds `entries` onto `prior` (the empty state by default). Folding in several calls gives
 * the same state as folding everything at once. Never throws for any input.
 */
export function foldSpine(
  entries: readonly SpineEntry[],
  prior: SpineState = EMPTY_SPINE_STATE,
): SpineFold {
  const draft = draftOf(prior)
  const rejected: SpineRejection[] = []
  entries.forEach((entry, index) => {
    let reason: string | null
    try {
      reason = entryProblem(draft, entry)
      if (reason === null) applyEntry(draft, entry, entryHash(entry))
    } catch (error) {
      // Checks come first and applying cannot fail after them; this is a last line only.
      reason = `entry could not be checked: ${error instanceof Error ? error.message : 'unknown'}`
    }
    if (reason !== null) rejected.push({ index, entry, reason })
  })
  return { state: stateOf(draft), rejected }
}

/** Why `entry` cannot follow `state`, or null when it is accepted. Steps as in docs/SPINE.md. */
function entryProblem(state: SpineState, entry: SpineEntry): string | null {
  // 1–2. Shape: the envelope's fields and encodings, then the body for its type.
  const shape = entryShapeProblem(entry)
  if (shape) return shape

  // 3. Signature by the key the entry names.
  if (!hasValidSignature(entry)) return 'the signature does not verify'

  // 4. Chain: genesis only first, then each entry names the last accepted one.
  const isGenesis = entry.body.type === 'genesis'
  if (state.length === 0 && !isGenesis) return 'the first entry must be a genesis'
  if (state.length > 0 && isGenesis) return 'the server already has a genesis'
  if (entry.prev !== state.headHash)
    return 'prev does not name the last accepted entry (a replay, or written on a stale head)'

  // 5. Time: never before the previous accepted entry.
  if (state.headAt !== null && entry.at < state.headAt)
    return 'at is earlier than the previous accepted entry'

  // 6. Identity: the author's key is the one pinned when they joined. Genesis and
  //    member_joined pin the key they carry.
  if (!isGenesis && entry.body.type !== 'member_joined') {
    const member = state.members.get(entry.author)
    if (!member) return notMemberReason(state, entry.author)
    if (member.signKey !== entry.authorKey)
      return `authorKey is not the key pinned for ${entry.author} when they joined`
  }

  // 7. Authority: the author's role allows this entry, on its target.
  const body = entry.body
  const target =
    body.type === 'role_changed' || body.type === 'member_removed' ? body.userId : undefined
  const authority = authorityProblem(state, entry.author, body.type, target)
  if (authority) return authority

  // 8. State rules: what the entry names exists, invites are usable, epochs follow on.
  return stateProblem(state, entry)
}

// The server spine: a signed, hash-chained, append-only log folded into server state.
// See docs/SPINE.md.
export * from './types'
export { SPINE_LIMITS } from './shape'
export {
  SpineEntryError,
  canonicalJson,
  createEntry,
  entryHash,
  nextEntryTime,
  spineReady,
} from './entry'
export { foldSpine, type SpineFold } from './fold'
export { EMPTY_SPINE_STATE } from './state'
export {
  authorityCheck,
  canPost,
  hasAuthority,
  isMember,
  roleOf,
  type AuthorityCheck,
} from './selectors'

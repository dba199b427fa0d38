// The window's two layouts: wide enough for the member list beside the messages, or narrow,
// where the list opens over them from the channel header's button (as in Discord).
import { useSyncExternalStore } from 'react'
import { useUi } from '../store/ui'

/** Below this width the member list leaves the grid; app.css uses the same width. */
export const NARROW_QUERY = '(max-width: 960px)'

function subscribe(onChange: () => void): () => void {
  const query = window.matchMedia(NARROW_QUERY)
  query.addEventListener('change', onChange)
  return () => query.removeEventListener('change', onChange)
}

export function useNarrowLayout(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(NARROW_QUERY).matches,
    () => false,
  )
}

/** Whether the member list is on screen in the current layout. */
export function useMembersShown(): boolean {
  const narrow = useNarrowLayout()
  return useUi((state) => (narrow ? state.membersOpenNarrow : !state.membersHiddenWide))
}

// Global keyboard shortcuts: Ctrl/Cmd+K opens the quick switcher, Alt+Up/Down moves between
// channels. (Esc belongs to each dialog.)
import { useEffect } from 'react'
import { moveChannel } from '../store/navigation'
import { useUi } from '../store/ui'

export type ShortcutAction = 'quickSwitcher' | 'previousChannel' | 'nextChannel' | null

/** Which shortcut a key press is, if any; pure so it is testable without a DOM. */
export function shortcutFor(event: {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  shiftKey: boolean
}): ShortcutAction {
  if (
    (event.ctrlKey || event.metaKey) &&
    !event.altKey &&
    !event.shiftKey &&
    event.key.toLowerCase() === 'k'
  ) {
    return 'quickSwitcher'
  }
  if (event.altKey && !event.ctrlKey && !event.metaKey && event.key === 'ArrowUp')
    return 'previousChannel'
  if (event.altKey && !event.ctrlKey && !event.metaKey && event.key === 'ArrowDown')
    return 'nextChannel'
  return null
}

export function useGlobalShortcuts(enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return
    function onKeyDown(event: KeyboardEvent) {
      const action = shortcutFor(event)
      if (!action) return
      const { dialog, openDialog, closeDialog } = useUi.getState()
      if (action === 'quickSwitcher') {
        event.preventDefault()
        if (dialog?.kind === 'quickSwitcher') closeDialog()
        else if (!dialog) openDialog({ kind: 'quickSwitcher' })
        return
      }
      if (dialog) return
      event.preventDefault()
      void moveChannel(action === 'nextChannel' ? 1 : -1)
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [enabled])
}

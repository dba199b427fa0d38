// System notifications for new messages, as policy/notifications.ts plans them; withdrawn when
// their message burns or is deleted, and all of them when the app locks. Each one is held here
// until then, even after the system closed it: on Windows a toast that timed out (Electron
// emits `close`) stays in the Action Center with its text, and only close() removes it.
import { Notification, type BrowserWindow } from 'electron'
import type { ParacordApi } from '../shared/api'
import { NotificationPlanner } from './policy/notifications'
import type { ShellState } from './policy/shell-state'

export function startNotifications(
  api: ParacordApi,
  state: ShellState,
  getWindow: () => BrowserWindow | null,
): () => void {
  if (!Notification.isSupported()) return () => {}
  const shown = new Map<string, Notification>()
  let planner = new NotificationPlanner(Date.now())

  const close = (keys: readonly string[]) => {
    for (const key of keys) {
      shown.get(key)?.close()
      shown.delete(key)
    }
  }

  const unsubscribers = [
    api.on('authChanged', (auth) => {
      if (auth.status === 'unlocked') return
      close(planner.clear())
      planner = new NotificationPlanner(Date.now())
    }),
    api.on('messagesChanged', (event) => {
      const { userId } = state.auth
      if (state.auth.status !== 'unlocked' || userId === null) return
      const planned = planner.messagesChanged(event, {
        myUserId: userId,
        myNames: state.myNames,
        previews: state.notificationPreviews,
        windowFocused: getWindow()?.isFocused() ?? false,
        activeChannel: state.activeChannel,
        bodyIsMarkup: process.platform === 'linux',
      })
      for (const plan of planned) {
        // silent: false keeps the platform's sound; no icon URL, no action buttons, no reply.
        const notification = new Notification({ title: plan.title, body: plan.body })
        notification.on('click', () => {
          const window = getWindow()
          if (window) {
            if (window.isMinimized()) window.restore()
            window.show()
            window.focus()
          }
        })
        shown.set(plan.key, notification)
        notification.show()
      }
    }),
    api.on('messagesBurned', ({ ids }) => close(planner.messagesRemoved(ids))),
    api.on('messagesDeleted', ({ ids }) => close(planner.messagesRemoved(ids))),
  ]
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe()
    close([...shown.keys()])
  }
}

// The unread count the tray icon, its tooltip and the dock/taskbar badge show. While locked or
// signed out the app knows no counts, and says so rather than showing a stale number.
import type { AuthStatus, ServerSummary } from '../../shared/api'

export interface UnreadIndicator {
  readonly total: number
  /** The badge text: '' for none, the count up to 99, then '99+'. */
  readonly badge: string
  readonly tooltip: string
}

export function unreadIndicator(
  status: AuthStatus,
  servers: readonly ServerSummary[],
): UnreadIndicator {
  if (status === 'locked') return { total: 0, badge: '', tooltip: 'paracord (locked)' }
  if (status === 'signed_out') return { total: 0, badge: '', tooltip: 'paracord (signed out)' }
  const total = servers.reduce(
    (sum, server) =>
      sum + (Number.isFinite(server.unread) && server.unread > 0 ? server.unread : 0),
    0,
  )
  if (total === 0) return { total, badge: '', tooltip: 'paracord: no unread messages' }
  const badge = total > 99 ? '99+' : String(total)
  return {
    total,
    badge,
    tooltip: `paracord: ${total} unread message${total === 1 ? '' : 's'}`,
  }
}

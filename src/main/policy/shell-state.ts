// What the shell knows about the session, from the core's events and the calls the page made:
// who is signed in, the servers with their unread counts, whether notifications may show text,
// and which channel is open in the window. The tray, the badge, notifications and the invite
// flow read it; it holds no message text and no secret.
import type { AuthState, ServerSummary, Settings } from '../../shared/api'
import type { CallReport } from './api-observer'
import type { ChannelRef } from './notifications'

export class ShellState {
  auth: AuthState = { status: 'signed_out', name: null, userId: null }
  servers: readonly ServerSummary[] = []
  /** Off until the settings say otherwise: content stays hidden by default. */
  notificationPreviews = false
  activeChannel: ChannelRef | null = null
  myNames: readonly string[] = []

  applyAuth(auth: AuthState): void {
    this.auth = auth
    if (auth.status !== 'unlocked') {
      this.servers = []
      this.activeChannel = null
      this.notificationPreviews = false
      this.myNames = []
    } else {
      this.myNames = auth.name === null ? [] : [auth.name]
    }
  }

  applyServers(servers: readonly ServerSummary[]): void {
    this.servers = servers
  }

  applySettings(settings: Settings): void {
    this.notificationPreviews = settings.notificationPreviews
  }

  applyDisplayName(displayName: string): void {
    const login = this.auth.name
    this.myNames = [...new Set([...(login === null ? [] : [login]), displayName])]
  }

  /** Learns from the page's own calls; see api-observer.ts. */
  applyCall(report: CallReport): void {
    switch (report.method) {
      case 'markRead':
        this.activeChannel = { serverId: report.input.serverId, channelId: report.input.channelId }
        break
      case 'getSettings':
      case 'updateSettings':
        this.applySettings(report.output)
        break
      case 'getProfile':
      case 'updateProfile':
        this.applyDisplayName(report.output.displayName)
        break
      case 'listServers':
        this.applyServers(report.output)
        break
      default:
        break
    }
  }
}

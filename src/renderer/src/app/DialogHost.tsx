// Shows the one open dialog, if any.
import { CreateChannelDialog, EditChannelDialog } from '../features/channels/ChannelDialog'
import { InvitesDialog } from '../features/invites/InvitesDialog'
import { MemberDialog } from '../features/members/MemberDialogs'
import { AddServerDialog, LeaveServerDialog } from '../features/servers/ServerDialogs'
import { SettingsDialog } from '../features/settings/SettingsDialog'
import { useUi } from '../store/ui'
import { QuickSwitcher } from './quick-switch/QuickSwitcher'

export function DialogHost() {
  const dialog = useUi((state) => state.dialog)
  if (!dialog) return null
  switch (dialog.kind) {
    case 'addServer':
      return <AddServerDialog invite={dialog.invite} error={dialog.error} />
    case 'quickSwitcher':
      return <QuickSwitcher />
    case 'settings':
      return <SettingsDialog />
    case 'createChannel':
      return (
        <CreateChannelDialog
          serverId={dialog.serverId}
          initialKind={dialog.channelKind ?? 'text'}
        />
      )
    case 'editChannel':
      return (
        <EditChannelDialog
          key={dialog.channelId}
          serverId={dialog.serverId}
          channelId={dialog.channelId}
        />
      )
    case 'invites':
      return <InvitesDialog serverId={dialog.serverId} />
    case 'leaveServer':
      return <LeaveServerDialog serverId={dialog.serverId} />
    case 'member':
      return <MemberDialog key={dialog.userId} serverId={dialog.serverId} userId={dialog.userId} />
  }
}

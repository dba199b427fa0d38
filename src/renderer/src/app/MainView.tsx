// The signed-in layout: server rail, channel list, messages, members.
import { ChannelSidebar } from '../features/channels/ChannelSidebar'
import { MemberList } from '../features/members/MemberList'
import { MessagePane } from '../features/messages/MessagePane'
import { ServerRail } from '../features/servers/ServerRail'
import { useSelectedServer } from '../store/selectors'
import { ConnectionBanner } from './ConnectionBanner'
import { useMembersShown, useNarrowLayout } from './layout'

export function MainView() {
  const server = useSelectedServer()
  const narrow = useNarrowLayout()
  const membersShown = useMembersShown() && server !== undefined
  const layout = !membersShown ? ' layout--no-members' : narrow ? ' layout--members-over' : ''
  return (
    <div className={`layout${layout}`}>
      <div className="layout__banner">
        <ConnectionBanner />
      </div>
      <ServerRail />
      <ChannelSidebar />
      <MessagePane />
      {membersShown && <MemberList />}
    </div>
  )
}

// The signed-in layout: server rail, channel list, messages, members.
import { ChannelSidebar } from '../features/channels/ChannelSidebar'
import { MemberList } from '../features/members/MemberList'
import { MessagePane } from '../features/messages/MessagePane'
import { ServerRail } from '../features/servers/ServerRail'
import { useSelectedServer } from '../store/selectors'
import { ConnectionBanner } from './ConnectionBanner'

export function MainView() {
  const server = useSelectedServer()
  return (
    <div className={`layout${server ? '' : ' layout--no-members'}`}>
      <div className="layout__banner">
        <ConnectionBanner />
      </div>
      <ServerRail />
      <ChannelSidebar />
      <MessagePane />
      <MemberList />
    </div>
  )
}

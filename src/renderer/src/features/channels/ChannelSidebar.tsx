// The channel list of the open server: its name and tools on top, text and voice sections,
// and the signed-in user's panel at the bottom.
import { Fragment } from 'react'
import type { ChannelInfo, ChannelKind, ServerDetails } from '../../../../shared/api'
import { Avatar } from '../../components/Avatar'
import { IconButton } from '../../components/Button'
import { useAuth } from '../../store/auth'
import { selectChannel } from '../../store/navigation'
import { useSelectedServer } from '../../store/selectors'
import { useSettings } from '../../store/settings'
import { useUi } from '../../store/ui'
import { VoiceChannelPeople } from '../voice/VoiceChannelPeople'
import { formatBurnLong, formatBurnShort } from './burn-time'
import './channels.css'
import {
  FlameIcon,
  GearIcon,
  HashIcon,
  InviteIcon,
  LeaveIcon,
  LockIcon,
  PlusIcon,
  SpeakerIcon,
} from '../../components/icons'

function ChannelRow({
  server,
  channel,
  selected,
}: {
  server: ServerDetails
  channel: ChannelInfo
  selected: boolean
}) {
  const openDialog = useUi((state) => state.openDialog)
  const unread = channel.unread > 0 && !selected
  const label = [
    channel.name,
    channel.kind === 'voice'
      ? 'voice channel'
      : `text channel, messages burn after ${formatBurnLong(channel.burnSeconds)}`,
    unread ? `${channel.unread} unread` : null,
  ]
    .filter(Boolean)
    .join(', ')
  return (
    <li
      className={`channel${selected ? ' channel--selected' : ''}${unread ? ' channel--unread' : ''}`}
    >
      <button
        type="button"
        className="channel__button"
        aria-current={selected ? 'page' : undefined}
        aria-label={label}
        data-testid="channel-link"
        data-channel-name={channel.name}
        onClick={() => void selectChannel(server.id, channel.id)}
      >
        <span className="channel__icon" aria-hidden="true">
          {channel.kind === 'text' ? <HashIcon /> : <SpeakerIcon />}
        </span>
        <span className="channel__name">{channel.name}</span>
        {channel.kind === 'text' && (
          <span
            className="channel__burn"
            aria-hidden="true"
            title={`Messages burn after ${formatBurnLong(channel.burnSeconds)}`}
          >
            <FlameIcon size={12} />
            {formatBurnShort(channel.burnSeconds)}
          </span>
        )}
        {unread && (
          <span className="channel__badge" aria-hidden="true">
            {channel.unread > 99 ? '99+' : channel.unread}
          </span>
        )}
      </button>
      {server.permissions.canManageChannels && (
        <IconButton
          className="channel__edit"
          label={`Edit channel ${channel.name}`}
          onClick={() =>
            openDialog({ kind: 'editChannel', serverId: server.id, channelId: channel.id })
          }
        >
          <GearIcon size={14} />
        </IconButton>
      )}
    </li>
  )
}

function ChannelSection({
  title,
  kind,
  server,
  channels,
  selectedId,
}: {
  title: string
  kind: ChannelKind
  server: ServerDetails
  channels: readonly ChannelInfo[]
  selectedId: string | undefined
}) {
  const openDialog = useUi((state) => state.openDialog)
  const headingId = `channels-${title.toLowerCase().replace(/\s+/g, '-')}`
  return (
    <section className="channel-section" aria-labelledby={headingId}>
      <div className="channel-section__header">
        <h3 id={headingId} className="channel-section__title">
          {title}
        </h3>
        {server.permissions.canManageChannels && (
          <IconButton
            className="channel-section__add"
            label={`Create a ${kind} channel`}
            onClick={() =>
              openDialog({ kind: 'createChannel', serverId: server.id, channelKind: kind })
            }
          >
            <PlusIcon size={16} />
          </IconButton>
        )}
      </div>
      <ul className="channel-section__list">
        {channels.map((channel) => (
          <Fragment key={channel.id}>
            <ChannelRow server={server} channel={channel} selected={channel.id === selectedId} />
            {channel.kind === 'voice' && (
              <VoiceChannelPeople
                serverId={server.id}
                channelId={channel.id}
                channelName={channel.name}
              />
            )}
          </Fragment>
        ))}
      </ul>
    </section>
  )
}

function ServerHeader({ server }: { server: ServerDetails }) {
  const openDialog = useUi((state) => state.openDialog)
  return (
    <div className="sidebar__header">
      <h2 className="sidebar__title" title={server.name} data-testid="server-name">
        {server.name}
      </h2>
      <div className="sidebar__tools">
        {server.permissions.canInvite && (
          <IconButton
            label="Invite people"
            onClick={() => openDialog({ kind: 'invites', serverId: server.id })}
          >
            <InviteIcon />
          </IconButton>
        )}
        <IconButton
          label="Leave server"
          onClick={() => openDialog({ kind: 'leaveServer', serverId: server.id })}
        >
          <LeaveIcon />
        </IconButton>
      </div>
    </div>
  )
}

function UserPanel() {
  const profile = useSettings((state) => state.profile)
  const accountName = useAuth((state) => state.name)
  const userId = useAuth((state) => state.userId)
  const lock = useAuth((state) => state.lock)
  const openDialog = useUi((state) => state.openDialog)
  const name = profile?.displayName || accountName || ''
  return (
    <div className="user-panel" data-testid="user-panel">
      <Avatar name={name} id={userId ?? name} size={32} />
      <div className="user-panel__text">
        <div className="user-panel__name">{name}</div>
        <div className="user-panel__status">{profile?.status || `@${accountName ?? ''}`}</div>
      </div>
      <IconButton label="Lock paracord" onClick={() => void lock()}>
        <LockIcon />
      </IconButton>
      <IconButton label="Settings" onClick={() => openDialog({ kind: 'settings' })}>
        <GearIcon />
      </IconButton>
    </div>
  )
}

export function ChannelSidebar() {
  const server = useSelectedServer()
  const selectedId = useUi((state) => (server ? state.channelByServer[server.id] : undefined))
  const openDialog = useUi((state) => state.openDialog)
  const text = server?.channels.filter((channel) => channel.kind === 'text') ?? []
  const voice = server?.channels.filter((channel) => channel.kind === 'voice') ?? []

  return (
    <nav className="sidebar" aria-label="Channels">
      {server ? (
        <>
          <ServerHeader server={server} />
          <div className="sidebar__scroll">
            <ChannelSection
              title="Text channels"
              kind="text"
              server={server}
              channels={text}
              selectedId={selectedId}
            />
            <ChannelSection
              title="Voice channels"
              kind="voice"
              server={server}
              channels={voice}
              selectedId={selectedId}
            />
            {server.channels.length === 0 && (
              <div className="sidebar__empty">
                <p>No channels yet.</p>
                {server.permissions.canManageChannels ? (
                  <button
                    type="button"
                    className="btn btn--secondary"
                    onClick={() => openDialog({ kind: 'createChannel', serverId: server.id })}
                  >
                    Create a channel
                  </button>
                ) : (
                  <p>An admin can create the first one.</p>
                )}
              </div>
            )}
          </div>
        </>
      ) : (
        <div className="sidebar__header">
          <h2 className="sidebar__title">paracord</h2>
        </div>
      )}
      <UserPanel />
    </nav>
  )
}

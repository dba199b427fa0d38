// Who is in a voice channel, under its row in the sidebar, with a ring on whoever is speaking
// in this device's call.
import type { VoiceParticipant } from '../../../../shared/api'
import { Avatar } from '../../components/Avatar'
import { useChannelParticipants, useVoice } from './voice-store'
import './voice.css'

function Person({ participant }: { participant: VoiceParticipant }) {
  const speaking = useVoice((s) => s.speaking[participant.userId] === true)
  return (
    <li
      className={`voice-person${speaking ? ' voice-person--speaking' : ''}`}
      data-testid="voice-member"
      data-user-name={participant.displayName}
    >
      <Avatar name={participant.displayName} id={participant.userId} size={20} />
      <span className="voice-person__name">
        <bdi>{participant.displayName}</bdi>
      </span>
    </li>
  )
}

export function VoiceChannelPeople({
  serverId,
  channelId,
  channelName,
}: {
  serverId: string
  channelId: string
  channelName: string
}) {
  const participants = useChannelParticipants(serverId, channelId)
  if (!participants || participants.length === 0) return null
  // An item of the channel list, right after its channel's row.
  return (
    <li className="voice-people-row">
      <ul className="voice-people" aria-label={`In ${channelName}`}>
        {participants.map((participant) => (
          <Person key={participant.userId} participant={participant} />
        ))}
      </ul>
    </li>
  )
}

// A voice channel opened in the main pane: before joining, who is here and the join button;
// in the call, each connection's state and quality and the call controls; any problem in plain
// words, and the question a join asks where the server offers no relay.
import { useId } from 'react'
import type { ChannelInfo, ServerDetails, VoiceParticipant } from '../../../../shared/api'
import { Avatar } from '../../components/Avatar'
import { Button } from '../../components/Button'
import { Dialog, DialogActions } from '../../components/Dialog'
import { SpeakerIcon } from '../../components/icons'
import { useAuth } from '../../store/auth'
import { useSettings } from '../../store/settings'
import { describeRoute } from './peer-stats'
import { voice } from './voice'
import { useChannelParticipants, useVoice, type PeerView } from './voice-store'
import { HangUpIcon, HeadphonesIcon, MicIcon } from './voice-icons'
import { whoIsHere } from './who-is-here'
import './voice.css'

const EMPTY: readonly VoiceParticipant[] = []

function connectionWords(peer: PeerView | undefined): string {
  switch (peer?.state) {
    case undefined:
    case 'connecting':
      return 'Connecting…'
    case 'connected': {
      const route = describeRoute(peer.stats)
      return route ? `Connected, ${route}` : 'Connected'
    }
    case 'reconnecting':
      return 'Reconnecting…'
    case 'failed':
      return 'Could not connect'
  }
}

/** One person in the call this device is in. */
function ParticipantCard({ participant, isMe }: { participant: VoiceParticipant; isMe: boolean }) {
  const speaking = useVoice((s) => s.speaking[participant.userId] === true)
  const peer = useVoice((s) => s.peers[participant.userId])
  const muted = useVoice((s) => s.muted)
  const deafened = useVoice((s) => s.deafened)
  const myState = deafened ? 'Deafened' : muted ? 'Muted' : 'You'
  const stats = peer?.stats
  return (
    <li
      className={`voice-card${speaking ? ' voice-card--speaking' : ''}`}
      data-testid="voice-participant"
      data-user-name={participant.displayName}
      data-speaking={speaking}
    >
      <span className="voice-card__avatar">
        <Avatar name={participant.displayName} id={participant.userId} size={56} />
      </span>
      <span className="voice-card__name">
        <bdi>{participant.displayName}</bdi>
        {speaking && <span className="sr-only">, speaking</span>}
      </span>
      {isMe && <span className="voice-card__state">{myState}</span>}
      {!isMe && (
        <span
          className={`voice-card__state voice-card__state--${peer?.state ?? 'connecting'}`}
          data-testid="voice-connection"
          data-state={peer?.state ?? 'connecting'}
          data-local-candidate={stats?.localCandidateType ?? ''}
          data-remote-candidate={stats?.remoteCandidateType ?? ''}
          data-bytes-received={stats?.bytesReceived ?? 0}
          data-bytes-sent={stats?.bytesSent ?? 0}
        >
          {connectionWords(peer)}
        </span>
      )}
    </li>
  )
}

/**
 * Calls must be relayed (the "Always relay calls" setting) and this server offers no relay:
 * call directly, or not. Closing it answers nothing, so the next join asks again.
 */
function DirectCallQuestion({ serverName }: { serverName: string }) {
  return (
    <Dialog
      title="Call without a relay?"
      description={`${serverName} offers no relay for calls.`}
      onClose={() => voice.answerDirectCall('dismissed')}
      testId="direct-call-dialog"
    >
      <p className="section-text">
        You can call directly instead. Then the people in the call see your IP address, and you see
        theirs; an IP address can tell roughly where you are. The call itself stays end-to-end
        encrypted either way.
      </p>
      <p className="section-text">
        Your answer is kept for this server; you can change it in Settings, under Privacy.
      </p>
      <DialogActions>
        <Button onClick={() => voice.answerDirectCall('relay_only')}>Don’t call</Button>
        <Button variant="primary" onClick={() => voice.answerDirectCall('direct')}>
          Call directly
        </Button>
      </DialogActions>
    </Dialog>
  )
}

/** What a call here means for privacy, by the "Always relay calls" setting. */
function callPrivacyText(alwaysRelay: boolean): string {
  return alwaysRelay
    ? 'Calls are end-to-end encrypted and go through the server’s relay, so the people in them never learn your IP address.'
    : 'Calls are end-to-end encrypted. They connect directly where they can, so the people in them may see your IP address.'
}

/**
 * Before joining, as Discord shows it: the channel, who is in its call, what joining means for
 * privacy, and the button, together in the middle of the pane.
 */
function VoiceLobby({
  channel,
  participants,
  joining,
  error,
  onJoin,
}: {
  channel: ChannelInfo
  participants: readonly VoiceParticipant[]
  joining: boolean
  error: string | null
  onJoin: () => void
}) {
  const alwaysRelay = useSettings((s) => s.settings?.alwaysRelayCalls ?? false)
  const headingId = useId()
  return (
    <section className="voice-lobby" aria-labelledby={headingId}>
      <span className="voice-lobby__icon" aria-hidden="true">
        <SpeakerIcon size={32} />
      </span>
      <h2 id={headingId} className="voice-lobby__title">
        {channel.name}
      </h2>
      {participants.length > 0 && (
        <ul className="voice-lobby__faces" aria-hidden="true">
          {participants.map((participant) => (
            <li key={participant.userId}>
              <Avatar name={participant.displayName} id={participant.userId} size={40} />
            </li>
          ))}
        </ul>
      )}
      <p className="voice-lobby__who" data-testid="voice-who">
        {whoIsHere(participants.map((participant) => participant.displayName))}
      </p>
      <p className="voice-lobby__privacy">{callPrivacyText(alwaysRelay)}</p>
      {error !== null && (
        <p className="voice__error" role="alert" data-testid="voice-error">
          {error}
        </p>
      )}
      <Button variant="primary" busy={joining} busyLabel="Joining…" onClick={onJoin}>
        Join voice
      </Button>
    </section>
  )
}

export function VoicePane({ server, channel }: { server: ServerDetails; channel: ChannelInfo }) {
  const myUserId = useAuth((s) => s.userId)
  const participants = useChannelParticipants(server.id, channel.id) ?? EMPTY
  const phase = useVoice((s) => s.phase)
  const callChannel = useVoice((s) => s.call?.channelId ?? null)
  const muted = useVoice((s) => s.muted)
  const deafened = useVoice((s) => s.deafened)
  const error = useVoice((s) => s.error)
  const asking = useVoice((s) => s.directCallQuestion?.channelId === channel.id)
  const here = callChannel === channel.id
  const inCall = here && phase === 'in_call'
  const joining = here && phase === 'joining'
  const showError = error !== null && (here || phase === 'idle')

  if (!inCall) {
    return (
      <div className="pane__content voice" data-testid="voice-pane">
        <VoiceLobby
          channel={channel}
          participants={participants}
          joining={joining}
          error={showError ? error : null}
          onJoin={() => myUserId && void voice.join(server.id, channel.id, myUserId)}
        />
        {asking && <DirectCallQuestion serverName={server.name} />}
      </div>
    )
  }

  return (
    <div className="pane__content voice" data-testid="voice-pane">
      <section className="voice__people" aria-label={`People in ${channel.name}`}>
        <ul className="voice__grid">
          {participants.map((participant) => (
            <ParticipantCard
              key={participant.userId}
              participant={participant}
              isMe={participant.userId === myUserId}
            />
          ))}
        </ul>
      </section>
      {showError && (
        <p className="voice__error" role="alert" data-testid="voice-error">
          {error}
        </p>
      )}
      <div className="voice__controls" role="group" aria-label="Call controls">
        <Button
          className="voice__toggle"
          aria-pressed={muted}
          onClick={() => voice.setMuted(!muted)}
        >
          <MicIcon off={muted} /> Mute
        </Button>
        <Button
          className="voice__toggle"
          aria-pressed={deafened}
          onClick={() => voice.setDeafened(!deafened)}
        >
          <HeadphonesIcon off={deafened} /> Deafen
        </Button>
        <Button variant="danger" onClick={() => void voice.leave()}>
          <HangUpIcon /> Leave call
        </Button>
      </div>
    </div>
  )
}

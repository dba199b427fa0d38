// Creating a channel, and changing or deleting one.
import { useState, type FormEvent } from 'react'
import { NAME_MAX_CHARS, type ChannelInfo, type ChannelKind } from '../../../../shared/api'
import { Button } from '../../components/Button'
import { Dialog, DialogActions } from '../../components/Dialog'
import { TextField } from '../../components/TextField'
import { selectChannel } from '../../store/navigation'
import { useServers } from '../../store/servers'
import { useUi } from '../../store/ui'
import { BurnPicker } from './BurnPicker'
import { DEFAULT_BURN_SECONDS } from './burn-time'
import { channelNameProblem } from './channel-name'
import { HashIcon, SpeakerIcon } from '../../components/icons'

const NO_CHANNELS: readonly ChannelInfo[] = []

/**
 * The name field's error: a length or duplicate problem as soon as it is typed, an empty name
 * only once the form was sent.
 */
function useNameProblem(name: string, serverId: string, exceptId: string | null, sent: boolean) {
  const channels = useServers((state) => state.details[serverId]?.channels ?? NO_CHANNELS)
  const problem = channelNameProblem(name, channels, exceptId)
  return { problem, shown: name.trim() === '' && !sent ? null : problem }
}

export function CreateChannelDialog({
  serverId,
  initialKind = 'text',
}: {
  serverId: string
  initialKind?: ChannelKind
}) {
  const closeDialog = useUi((state) => state.closeDialog)
  const createChannel = useServers((state) => state.createChannel)
  const [name, setName] = useState('')
  const [kind, setKind] = useState<ChannelKind>(initialKind)
  const [burnSeconds, setBurnSeconds] = useState<number | null>(DEFAULT_BURN_SECONDS)
  const [error, setError] = useState<string | null>(null)
  const [sent, setSent] = useState(false)
  const [busy, setBusy] = useState(false)
  const nameProblem = useNameProblem(name, serverId, null, sent)

  async function onSubmit(event: FormEvent) {
    event.preventDefault()
    setSent(true)
    const trimmed = name.trim()
    if (nameProblem.problem !== null) return
    if (burnSeconds === null) return
    setBusy(true)
    const outcome = await createChannel(serverId, trimmed, kind, burnSeconds)
    setBusy(false)
    if (!outcome.ok) {
      setError(outcome.error)
      return
    }
    closeDialog()
    await selectChannel(serverId, outcome.value.id)
  }

  return (
    <Dialog title="Create a channel" onClose={closeDialog} testId="channel-dialog">
      <form onSubmit={(event) => void onSubmit(event)} noValidate>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <fieldset className="fieldset" disabled={busy}>
          <legend className="fieldset__legend">Channel type</legend>
          <div className="kind-options">
            <label className="kind-option">
              <input
                type="radio"
                name="kind"
                checked={kind === 'text'}
                onChange={() => setKind('text')}
              />
              <span className="kind-option__icon" aria-hidden="true">
                <HashIcon size={22} />
              </span>
              <span>
                <strong>Text</strong>
                <span className="kind-option__text">Messages that burn on a timer</span>
              </span>
            </label>
            <label className="kind-option">
              <input
                type="radio"
                name="kind"
                checked={kind === 'voice'}
                onChange={() => setKind('voice')}
              />
              <span className="kind-option__icon" aria-hidden="true">
                <SpeakerIcon size={22} />
              </span>
              <span>
                <strong>Voice</strong>
                <span className="kind-option__text">Talk together, end-to-end encrypted</span>
              </span>
            </label>
          </div>
        </fieldset>
        <TextField
          label="Channel name"
          value={name}
          maxChars={NAME_MAX_CHARS}
          placeholder={kind === 'text' ? 'general' : 'lounge'}
          onChange={(event) => setName(event.target.value)}
          error={nameProblem.shown}
          disabled={busy}
          data-autofocus
        />
        {kind === 'text' && (
          <BurnPicker
            seconds={burnSeconds ?? DEFAULT_BURN_SECONDS}
            onChange={setBurnSeconds}
            disabled={busy}
          />
        )}
        <DialogActions>
          <Button onClick={closeDialog}>Cancel</Button>
          <Button
            type="submit"
            variant="primary"
            busy={busy}
            busyLabel="Creating…"
            disabled={kind === 'text' && burnSeconds === null}
          >
            Create channel
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  )
}

export function EditChannelDialog({
  serverId,
  channelId,
}: {
  serverId: string
  channelId: string
}) {
  const closeDialog = useUi((state) => state.closeDialog)
  const channel = useServers((state) =>
    state.details[serverId]?.channels.find((candidate) => candidate.id === channelId),
  )
  const updateChannel = useServers((state) => state.updateChannel)
  const deleteChannel = useServers((state) => state.deleteChannel)
  const [name, setName] = useState(channel?.name ?? '')
  const [burnSeconds, setBurnSeconds] = useState<number | null>(
    channel?.burnSeconds ?? DEFAULT_BURN_SECONDS,
  )
  const [error, setError] = useState<string | null>(null)
  const [sent, setSent] = useState(false)
  const [busy, setBusy] = useState(false)
  const [confirmDelete, setConfirmDelete] = useState(false)
  const nameProblem = useNameProblem(name, serverId, channelId, sent)

  if (!channel) return null

  async function onSubmit(event: FormEvent) {
    event.preventDefault()
    setSent(true)
    if (!channel || burnSeconds === null) return
    const trimmed = name.trim()
    if (nameProblem.problem !== null) return
    const change: { name?: string; burnSeconds?: number } = {}
    if (trimmed !== channel.name) change.name = trimmed
    if (channel.kind === 'text' && burnSeconds !== channel.burnSeconds)
      change.burnSeconds = burnSeconds
    if (Object.keys(change).length === 0) {
      closeDialog()
      return
    }
    setBusy(true)
    const outcome = await updateChannel(serverId, channelId, change)
    setBusy(false)
    if (outcome.ok) closeDialog()
    else setError(outcome.error)
  }

  async function onDelete() {
    setBusy(true)
    const outcome = await deleteChannel(serverId, channelId)
    setBusy(false)
    if (outcome.ok) closeDialog()
    else setError(outcome.error)
  }

  return (
    <Dialog
      title={`Edit ${channel.kind === 'text' ? '#' : ''}${channel.name}`}
      onClose={closeDialog}
      testId="channel-dialog"
    >
      <form onSubmit={(event) => void onSubmit(event)} noValidate>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <TextField
          label="Channel name"
          value={name}
          maxChars={NAME_MAX_CHARS}
          onChange={(event) => setName(event.target.value)}
          error={nameProblem.shown}
          disabled={busy}
          data-autofocus
        />
        {channel.kind === 'text' && (
          <BurnPicker
            seconds={burnSeconds ?? channel.burnSeconds}
            onChange={setBurnSeconds}
            disabled={busy}
          />
        )}
        {channel.kind === 'text' && (
          <p className="field__hint">A new burn time applies to messages sent from now on.</p>
        )}
        {confirmDelete && (
          <p className="callout callout--warning channel-delete-note" role="status">
            Deleting removes the channel and its messages for every member. Press “Delete for
            everyone” to confirm.
          </p>
        )}
        <DialogActions>
          {confirmDelete ? (
            <Button
              variant="danger"
              busy={busy}
              onClick={() => void onDelete()}
              className="dialog__left"
            >
              Delete for everyone
            </Button>
          ) : (
            <Button
              variant="danger-ghost"
              onClick={() => setConfirmDelete(true)}
              disabled={busy}
              className="dialog__left"
            >
              Delete channel…
            </Button>
          )}
          <Button onClick={closeDialog}>Cancel</Button>
          <Button
            type="submit"
            variant="primary"
            busy={busy}
            busyLabel="Saving…"
            disabled={burnSeconds === null}
          >
            Save
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  )
}

// Creating, joining and leaving servers.
import { useState, type FormEvent } from 'react'
import { NAME_MAX_CHARS } from '../../../../shared/api'
import { readInviteText } from '../../../../shared/invite-link'
import { Button } from '../../components/Button'
import { charCount } from '../../components/char-count'
import { Dialog, DialogActions } from '../../components/Dialog'
import { TextField } from '../../components/TextField'
import { openNewServer, selectSomeServer } from '../../store/navigation'
import { useServers } from '../../store/servers'
import { useUi } from '../../store/ui'

function CreateServerForm({ onDone }: { onDone: () => void }) {
  const createServer = useServers((state) => state.createServer)
  const [name, setName] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function onSubmit(event: FormEvent) {
    event.preventDefault()
    const trimmed = name.trim()
    if (trimmed === '') {
      setError('Give the server a name.')
      return
    }
    if (charCount(trimmed) > NAME_MAX_CHARS) {
      setError(
        `Server names can be up to ${NAME_MAX_CHARS} characters; this one has ${charCount(trimmed)}.`,
      )
      return
    }
    setBusy(true)
    const outcome = await createServer(trimmed)
    setBusy(false)
    if (!outcome.ok) {
      setError(outcome.error)
      return
    }
    onDone()
    await openNewServer(outcome.value.id)
  }

  return (
    <form
      onSubmit={(event) => void onSubmit(event)}
      noValidate
      aria-labelledby="create-server-heading"
    >
      <h3 id="create-server-heading" className="section-title">
        Create a server
      </h3>
      <p className="section-text">A private place for you and the people you invite.</p>
      <TextField
        label="Server name"
        value={name}
        maxChars={NAME_MAX_CHARS}
        onChange={(event) => setName(event.target.value)}
        error={error}
        disabled={busy}
        data-autofocus
      />
      <Button type="submit" variant="primary" busy={busy} busyLabel="Creating…">
        Create server
      </Button>
    </form>
  )
}

function JoinServerForm({
  onDone,
  initialInvite = '',
  initialError = null,
}: {
  onDone: () => void
  initialInvite?: string
  initialError?: string | null
}) {
  const joinByInvite = useServers((state) => state.joinByInvite)
  const [invite, setInvite] = useState(initialInvite)
  const [error, setError] = useState<string | null>(initialError)
  const [busy, setBusy] = useState(false)

  async function onSubmit(event: FormEvent) {
    event.preventDefault()
    if (readInviteText(invite) === null) {
      setError('Paste the whole invite link (https://…/invite#…) or its 26-letter code.')
      return
    }
    setBusy(true)
    const outcome = await joinByInvite(invite)
    setBusy(false)
    if (!outcome.ok) {
      setError(outcome.error)
      return
    }
    onDone()
    await openNewServer(outcome.value.id)
  }

  return (
    <form
      onSubmit={(event) => void onSubmit(event)}
      noValidate
      aria-labelledby="join-server-heading"
    >
      <h3 id="join-server-heading" className="section-title">
        Join with an invite
      </h3>
      <p className="section-text">Paste the invite link or code someone sent you.</p>
      <TextField
        label="Invite link or code"
        value={invite}
        maxLength={512}
        autoComplete="off"
        spellCheck={false}
        onChange={(event) => setInvite(event.target.value)}
        error={error}
        disabled={busy}
      />
      <Button type="submit" variant="primary" busy={busy} busyLabel="Joining…">
        Join server
      </Button>
    </form>
  )
}

export function AddServerDialog({ invite, error }: { invite?: string; error?: string }) {
  const closeDialog = useUi((state) => state.closeDialog)
  return (
    <Dialog title="Add a server" onClose={closeDialog} testId="add-server-dialog">
      <div className="add-server">
        <CreateServerForm onDone={closeDialog} />
        <div className="add-server__or" aria-hidden="true">
          or
        </div>
        <JoinServerForm onDone={closeDialog} initialInvite={invite} initialError={error} />
      </div>
    </Dialog>
  )
}

export function LeaveServerDialog({ serverId }: { serverId: string }) {
  const closeDialog = useUi((state) => state.closeDialog)
  const server = useServers((state) => state.details[serverId])
  const leaveServer = useServers((state) => state.leaveServer)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const isOwner = server?.myRole === 'owner'

  async function onLeave() {
    setBusy(true)
    const outcome = await leaveServer(serverId)
    setBusy(false)
    if (!outcome.ok) {
      setError(outcome.error)
      return
    }
    useUi.getState().forgetServer(serverId)
    closeDialog()
    await selectSomeServer()
  }

  return (
    <Dialog title={`Leave ${server?.name ?? 'server'}?`} onClose={closeDialog} size="sm">
      <p className="section-text">
        You will stop receiving its messages and lose what is stored here for it. To come back you
        need a new invite.
        {isOwner && ' You own this server: it keeps running for its other members.'}
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <DialogActions>
        <Button onClick={closeDialog} data-autofocus>
          Cancel
        </Button>
        <Button variant="danger" busy={busy} busyLabel="Leaving…" onClick={() => void onLeave()}>
          Leave server
        </Button>
      </DialogActions>
    </Dialog>
  )
}

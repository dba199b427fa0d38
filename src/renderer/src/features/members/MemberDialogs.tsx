// A member's card: their safety number (with the warning and acceptance when their key
// changed), their role for the owner to change, and removal, which explains that keys rotate.
import { useEffect, useState } from 'react'
import type { SafetyNumber } from '../../../../shared/api'
import { Avatar } from '../../components/Avatar'
import { Button } from '../../components/Button'
import { Dialog, DialogActions } from '../../components/Dialog'
import { SelectField } from '../../components/TextField'
import { api } from '../../store/api'
import { useAuth } from '../../store/auth'
import { attempt } from '../../store/outcome'
import { useServers } from '../../store/servers'
import { useUi } from '../../store/ui'
import { ROLE_NAMES } from './MemberList'
import { groupSafetyNumber } from './safety-number'

type SafetyState =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly number: SafetyNumber }
  | { readonly status: 'failed'; readonly error: string }

function SafetyNumberPanel({ userId, isMe }: { userId: string; isMe: boolean }) {
  const [state, setState] = useState<SafetyState>({ status: 'loading' })
  const [accepting, setAccepting] = useState(false)
  const [acceptError, setAcceptError] = useState<string | null>(null)

  useEffect(() => {
    let live = true
    void attempt(() => api().getSafetyNumber({ userId })).then((outcome) => {
      if (!live) return
      setState(
        outcome.ok
          ? { status: 'ready', number: outcome.value }
          : { status: 'failed', error: outcome.error },
      )
    })
    return () => {
      live = false
    }
  }, [userId])

  if (isMe) {
    return (
      <p className="section-text">
        This is you. Others compare their safety number with you to check your key.
      </p>
    )
  }
  if (state.status === 'loading')
    return (
      <p className="section-text" role="status">
        Loading safety number…
      </p>
    )
  if (state.status === 'failed') {
    return (
      <p className="form-error" role="alert">
        {state.error}
      </p>
    )
  }

  const { number } = state
  async function accept() {
    setAccepting(true)
    const outcome = await attempt(() => api().acceptKeyChange({ userId }))
    setAccepting(false)
    if (!outcome.ok) {
      setAcceptError(outcome.error)
      return
    }
    setState({ status: 'ready', number: { ...number, keyChanged: false } })
    const serverId = useUi.getState().selectedServerId
    if (serverId) void useServers.getState().loadServer(serverId)
  }

  return (
    <section aria-labelledby="safety-heading" className="safety">
      <h3 id="safety-heading" className="section-title">
        Safety number
      </h3>
      {number.keyChanged && (
        <div className="callout callout--warning" role="alert" data-testid="key-changed-warning">
          <strong>{number.displayName}'s safety number changed.</strong> They may have reinstalled
          paracord or set up a new device — or someone may be intercepting. Compare the numbers
          below with them in person or over another app before you accept.
        </div>
      )}
      <p className="section-text">
        Compare these numbers with {number.displayName}. If they match on both devices, your
        conversation is end-to-end encrypted with the right person.
      </p>
      <div
        className="safety__digits"
        data-testid="safety-number"
        aria-label={`Safety number: ${groupSafetyNumber(number.digits).join(' ')}`}
        role="group"
      >
        {groupSafetyNumber(number.digits).map((group, index) => (
          <span key={index} aria-hidden="true">
            {group}
          </span>
        ))}
      </div>
      {number.keyChanged && (
        <>
          {acceptError && (
            <p className="form-error" role="alert">
              {acceptError}
            </p>
          )}
          <Button variant="primary" busy={accepting} onClick={() => void accept()}>
            The numbers match — accept the new key
          </Button>
        </>
      )}
    </section>
  )
}

export function MemberDialog({ serverId, userId }: { serverId: string; userId: string }) {
  const closeDialog = useUi((state) => state.closeDialog)
  const openDialog = useUi((state) => state.openDialog)
  const server = useServers((state) => state.details[serverId])
  const setRole = useServers((state) => state.setRole)
  const myUserId = useAuth((state) => state.userId)
  const [roleError, setRoleError] = useState<string | null>(null)
  const [savingRole, setSavingRole] = useState(false)
  const member = server?.members.find((candidate) => candidate.userId === userId)
  if (!server || !member) return null
  const isMe = userId === myUserId
  const canChangeRole = server.permissions.canChangeRoles && !isMe && member.role !== 'owner'
  const canRemove = server.permissions.canRemoveMembers && !isMe && member.role !== 'owner'

  async function changeRole(role: string) {
    if (role !== 'admin' && role !== 'member') return
    setSavingRole(true)
    const outcome = await setRole(serverId, userId, role)
    setSavingRole(false)
    setRoleError(outcome.ok ? null : outcome.error)
  }

  return (
    <Dialog title={member.displayName} onClose={closeDialog} testId="member-dialog">
      <div className="member-card">
        <Avatar name={member.displayName} id={member.userId} size={56} />
        <div>
          <div className="member-card__role">{ROLE_NAMES[member.role]}</div>
          {member.status && <div className="member-card__status">{member.status}</div>}
        </div>
      </div>
      <SafetyNumberPanel userId={userId} isMe={isMe} />
      {canChangeRole && (
        <div className="member-card__section">
          <SelectField
            label="Role"
            value={member.role}
            disabled={savingRole}
            options={[
              { value: 'member', label: 'Member' },
              { value: 'admin', label: 'Admin: manages channels, invites and members' },
            ]}
            onChange={(role) => void changeRole(role)}
          />
          {roleError && (
            <p className="form-error" role="alert">
              {roleError}
            </p>
          )}
        </div>
      )}
      <DialogActions>
        {canRemove && (
          <Button
            variant="danger"
            className="dialog__left"
            onClick={() => openDialog({ kind: 'removeMember', serverId, userId })}
          >
            Remove from server…
          </Button>
        )}
        <Button onClick={closeDialog}>Close</Button>
      </DialogActions>
    </Dialog>
  )
}

export function RemoveMemberDialog({ serverId, userId }: { serverId: string; userId: string }) {
  const closeDialog = useUi((state) => state.closeDialog)
  const server = useServers((state) => state.details[serverId])
  const removeMember = useServers((state) => state.removeMember)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const member = server?.members.find((candidate) => candidate.userId === userId)
  if (!server || !member) return null

  async function onRemove() {
    setBusy(true)
    const outcome = await removeMember(serverId, userId)
    setBusy(false)
    if (outcome.ok) closeDialog()
    else setError(outcome.error)
  }

  return (
    <Dialog
      title={`Remove ${member.displayName}?`}
      onClose={closeDialog}
      size="sm"
      testId="remove-member-dialog"
    >
      <p className="section-text">
        {member.displayName} loses access to {server.name} and all its channels.
      </p>
      <p className="section-text">
        paracord then rotates the server's keys, so nothing sent after this can be read by{' '}
        {member.displayName} — even with a copy of the encrypted data. Messages they already
        received stay on their device until they burn.
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
        <Button variant="danger" busy={busy} busyLabel="Removing…" onClick={() => void onRemove()}>
          Remove and rotate keys
        </Button>
      </DialogActions>
    </Dialog>
  )
}

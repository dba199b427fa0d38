// A member's card: how they joined, their safety number (with the warning and acceptance when
// their key changed), their role for the owner to change, and removal, which explains that keys
// rotate.
// A role change and a removal each ask first, in a dialog over the card: Esc closes only that
// one, and focus goes back to the button that opened it.
import { useEffect, useState } from 'react'
import type { MemberInfo, SafetyNumber } from '../../../../shared/api'
import { Avatar } from '../../components/Avatar'
import { Button } from '../../components/Button'
import { Dialog, DialogActions } from '../../components/Dialog'
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
          <strong>
            <bdi>{number.displayName}</bdi>'s safety number changed.
          </strong>{' '}
          They may have reinstalled paracord or set up a new device — or someone may be
          intercepting. Compare the numbers below with them in person or over another app before you
          accept.
        </div>
      )}
      <p className="section-text">
        Compare these numbers with <bdi>{number.displayName}</bdi>. If they match on both devices,
        your conversation is end-to-end encrypted with the right person.
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

/** Every member's join names the invite it used (its id's first characters), for all to see. */
function joinedText(member: MemberInfo): string | null {
  if (member.joinedVia) return `Joined with invite ${member.joinedVia.slice(0, 6)}`
  return member.role === 'owner' ? 'Founded this server' : null
}

const ROLE_WORDS: Readonly<Record<'admin' | 'member', string>> = {
  admin: 'Admins manage channels, invites and members.',
  member: 'Members read and post.',
}

export function MemberDialog({ serverId, userId }: { serverId: string; userId: string }) {
  const closeDialog = useUi((state) => state.closeDialog)
  const server = useServers((state) => state.details[serverId])
  const myUserId = useAuth((state) => state.userId)
  const [confirming, setConfirming] = useState<'role' | 'remove' | null>(null)
  const member = server?.members.find((candidate) => candidate.userId === userId)
  if (!server || !member) return null
  const isMe = userId === myUserId
  const canChangeRole = server.permissions.canChangeRoles && !isMe && member.role !== 'owner'
  const canRemove = server.permissions.canRemoveMembers && !isMe && member.role !== 'owner'
  const nextRole = member.role === 'admin' ? 'member' : 'admin'
  const joined = joinedText(member)

  return (
    <Dialog title={member.displayName} onClose={closeDialog} testId="member-dialog">
      <div className="member-card">
        <Avatar name={member.displayName} id={member.userId} size={56} />
        <div>
          <div className="member-card__role">{ROLE_NAMES[member.role]}</div>
          {member.status && (
            <div className="member-card__status">
              <bdi>{member.status}</bdi>
            </div>
          )}
          {joined && (
            <div className="member-card__joined" data-testid="member-joined">
              {joined}
            </div>
          )}
        </div>
      </div>
      <SafetyNumberPanel userId={userId} isMe={isMe} />
      {canChangeRole && (
        <section className="member-card__section" aria-labelledby="role-heading">
          <h3 id="role-heading" className="section-title">
            Role
          </h3>
          <p className="section-text">
            {ROLE_NAMES[member.role]}. {ROLE_WORDS[member.role === 'admin' ? 'admin' : 'member']}
          </p>
          <Button onClick={() => setConfirming('role')}>
            {nextRole === 'admin' ? 'Make admin…' : 'Remove admin role…'}
          </Button>
        </section>
      )}
      <DialogActions>
        {canRemove && (
          <Button variant="danger" className="dialog__left" onClick={() => setConfirming('remove')}>
            Remove from server…
          </Button>
        )}
        {/* The card opens on Close, never on a control one key press would change. */}
        <Button onClick={closeDialog} data-autofocus>
          Close
        </Button>
      </DialogActions>
      {confirming === 'role' && (
        <ChangeRoleDialog
          serverId={serverId}
          userId={userId}
          role={nextRole}
          onClose={() => setConfirming(null)}
        />
      )}
      {confirming === 'remove' && (
        <RemoveMemberDialog
          serverId={serverId}
          userId={userId}
          onCancel={() => setConfirming(null)}
          onRemoved={closeDialog}
        />
      )}
    </Dialog>
  )
}

/** "Make bob an admin?": a role changes only when this is confirmed. */
export function ChangeRoleDialog({
  serverId,
  userId,
  role,
  onClose,
}: {
  serverId: string
  userId: string
  role: 'admin' | 'member'
  onClose: () => void
}) {
  const server = useServers((state) => state.details[serverId])
  const setRole = useServers((state) => state.setRole)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const member = server?.members.find((candidate) => candidate.userId === userId)
  if (!server || !member) return null
  const name = member.displayName

  async function onConfirm() {
    setBusy(true)
    const outcome = await setRole(serverId, userId, role)
    setBusy(false)
    if (outcome.ok) onClose()
    else setError(outcome.error)
  }

  return (
    <Dialog
      title={role === 'admin' ? `Make ${name} an admin?` : `Make ${name} a member again?`}
      onClose={onClose}
      size="sm"
      testId="change-role-dialog"
    >
      <p className="section-text">
        <bdi>{name}</bdi>
        {role === 'admin'
          ? ' will be able to create, change and delete channels, invite people and remove members.'
          : ' will no longer manage channels, invites or members.'}
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <DialogActions>
        <Button onClick={onClose} data-autofocus>
          Cancel
        </Button>
        <Button variant="primary" busy={busy} busyLabel="Saving…" onClick={() => void onConfirm()}>
          {role === 'admin' ? 'Make admin' : 'Make member'}
        </Button>
      </DialogActions>
    </Dialog>
  )
}

export function RemoveMemberDialog({
  serverId,
  userId,
  onCancel,
  onRemoved,
}: {
  serverId: string
  userId: string
  onCancel: () => void
  onRemoved: () => void
}) {
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
    if (outcome.ok) onRemoved()
    else setError(outcome.error)
  }

  return (
    <Dialog
      title={`Remove ${member.displayName}?`}
      onClose={onCancel}
      size="sm"
      testId="remove-member-dialog"
    >
      <p className="section-text">
        <bdi>{member.displayName}</bdi> loses access to <bdi>{server.name}</bdi> and all its
        channels.
      </p>
      <p className="section-text">
        paracord then rotates the server's keys, so nothing sent after this can be read by{' '}
        <bdi>{member.displayName}</bdi> — even with a copy of the encrypted data. Messages they
        already received stay on their device until they burn.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <DialogActions>
        <Button onClick={onCancel} data-autofocus>
          Cancel
        </Button>
        <Button variant="danger" busy={busy} busyLabel="Removing…" onClick={() => void onRemove()}>
          Remove and rotate keys
        </Button>
      </DialogActions>
    </Dialog>
  )
}

// Inviting people: create an invite with an expiry and a use limit, copy its link or code,
// see the invites that exist, and revoke them.
import { useCallback, useEffect, useRef, useState } from 'react'
import type { InviteInfo } from '../../../../shared/api'
import { Button } from '../../components/Button'
import { Dialog } from '../../components/Dialog'
import { SelectField } from '../../components/TextField'
import { useClock } from '../../store/clock'
import { useServers } from '../../store/servers'
import { useUi } from '../../store/ui'
import { describeInvite, inviteStatus } from './invite-format'
import './invites.css'

const EXPIRY_OPTIONS = [
  { value: '3600', label: '1 hour' },
  { value: '86400', label: '1 day' },
  { value: '604800', label: '7 days' },
  { value: '2592000', label: '30 days' },
  { value: 'never', label: 'Never' },
]

/** What a link made on opening allows: a week, any number of people. */
const DEFAULT_EXPIRY = '604800'
const DEFAULT_USES = 'unlimited'

const USES_OPTIONS = [
  { value: '1', label: '1 use' },
  { value: '5', label: '5 uses' },
  { value: '10', label: '10 uses' },
  { value: '25', label: '25 uses' },
  { value: '100', label: '100 uses' },
  { value: 'unlimited', label: 'No limit' },
]

/**
 * Selects the whole value, ready to copy, with its start in view: a plain select() scrolls a
 * long link to its end, hiding the part that says where it leads. Selected backwards, the
 * browser keeps the start in view when the field later changes width too.
 */
function selectFromStart(input: HTMLInputElement): void {
  input.setSelectionRange(0, input.value.length, 'backward')
  input.scrollLeft = 0
}

function CopyField({
  label,
  value,
  testId,
  autoFocus = false,
}: {
  label: string
  value: string
  testId: string
  autoFocus?: boolean
}) {
  const [copied, setCopied] = useState(false)
  const id = `copy-${testId}`

  async function copy() {
    try {
      await navigator.clipboard.writeText(value)
      setCopied(true)
      setTimeout(() => setCopied(false), 2000)
    } catch {
      // Without clipboard access the text stays selected for the user to copy by hand.
      const input = document.getElementById(id)
      if (input instanceof HTMLInputElement) selectFromStart(input)
    }
  }

  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <div className="copy-field">
        <input
          id={id}
          className="field__input copy-field__input"
          readOnly
          value={value}
          data-testid={testId}
          autoFocus={autoFocus}
          onFocus={(event) => selectFromStart(event.target)}
        />
        <Button
          variant="primary"
          onClick={() => void copy()}
          aria-label={`Copy ${label.toLowerCase()}`}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
    </div>
  )
}

function InviteRow({
  serverId,
  invite,
  now,
}: {
  serverId: string
  invite: InviteInfo
  now: number
}) {
  const revokeInvite = useServers((state) => state.revokeInvite)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const active = inviteStatus(invite, now) === 'active'
  const shortCode = invite.code.slice(0, 8)

  async function revoke() {
    setBusy(true)
    const outcome = await revokeInvite(serverId, invite.id)
    setBusy(false)
    if (!outcome.ok) setError(outcome.error)
  }

  return (
    <li className={`invite${active ? '' : ' invite--inactive'}`} data-testid="invite-row">
      <div className="invite__text">
        <code className="invite__code">{shortCode}…</code>
        <span className="invite__meta">{describeInvite(invite, now)}</span>
        {error && (
          <span className="field__error" role="alert">
            {error}
          </span>
        )}
      </div>
      {active && (
        <Button
          variant="ghost"
          busy={busy}
          onClick={() => void revoke()}
          aria-label={`Revoke invite ${shortCode}`}
        >
          Revoke
        </Button>
      )}
    </li>
  )
}

/** The newest invite this device made that still works: the one to offer first. */
function readyInvite(invites: readonly InviteInfo[], now: number): InviteInfo | null {
  return (
    invites.findLast((invite) => invite.link !== '' && inviteStatus(invite, now) === 'active') ??
    null
  )
}

export function InvitesDialog({ serverId }: { serverId: string }) {
  const closeDialog = useUi((state) => state.closeDialog)
  const server = useServers((state) => state.details[serverId])
  const invites = useServers((state) => state.invites[serverId])
  const loadInvites = useServers((state) => state.loadInvites)
  const createInvite = useServers((state) => state.createInvite)
  const now = useClock((state) => Math.floor(state.now / 60_000) * 60_000)
  const [expiry, setExpiry] = useState(DEFAULT_EXPIRY)
  const [uses, setUses] = useState(DEFAULT_USES)
  const [created, setCreated] = useState<InviteInfo | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  // Opening the dialog makes a link when none of this device's still works: one per opening.
  const madeOnOpen = useRef(false)

  /** `uses` and `expiry` as the selects hold them: a number, "unlimited" or "never". */
  const create = useCallback(
    async (uses: string, expiry: string) => {
      setBusy(true)
      const outcome = await createInvite(
        serverId,
        uses === 'unlimited' ? null : Number(uses),
        expiry === 'never' ? null : Number(expiry),
      )
      setBusy(false)
      if (outcome.ok) {
        setCreated(outcome.value)
        setError(null)
      } else setError(outcome.error)
    },
    [createInvite, serverId],
  )

  useEffect(() => {
    void loadInvites(serverId).then((outcome) => {
      if (!outcome.ok) {
        setError(outcome.error)
        return
      }
      if (madeOnOpen.current || readyInvite(outcome.value, Date.now()) !== null) return
      madeOnOpen.current = true
      void create(DEFAULT_USES, DEFAULT_EXPIRY)
    })
  }, [loadInvites, serverId, create])

  const shown = created ?? (invites ? readyInvite(invites, now) : null)

  return (
    <Dialog
      title={`Invite people to ${server?.name ?? 'this server'}`}
      description="Anyone with the link can join until it expires or runs out of uses. The secret in it never reaches the paracord server."
      onClose={closeDialog}
      testId="invites-dialog"
    >
      <div className="invite-created" role="status" aria-busy={shown === null && busy}>
        {shown === null ? (
          <p className="section-text">{busy ? 'Making a link…' : 'No link yet.'}</p>
        ) : (
          <>
            <p className="invite-created__title">
              Send this link over a channel you trust.{' '}
              <span className="invite-created__meta">{describeInvite(shown, now)}</span>
            </p>
            <CopyField label="Invite link" value={shown.link} testId="invite-link" autoFocus />
            {shown.server === null && (
              <p className="field__hint">
                Your account is on this computer’s own server, which only people using paracord on
                this computer can reach.
              </p>
            )}
            <CopyField label="Invite code" value={shown.code} testId="invite-code" />
          </>
        )}
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <details className="invite-new">
        <summary>Create a link with other limits</summary>
        <div className="invite-form">
          <SelectField
            label="Expires after"
            value={expiry}
            options={EXPIRY_OPTIONS}
            onChange={setExpiry}
          />
          <SelectField
            label="Maximum uses"
            value={uses}
            options={USES_OPTIONS}
            onChange={setUses}
          />
        </div>
        <Button
          variant="secondary"
          busy={busy}
          busyLabel="Creating…"
          onClick={() => void create(uses, expiry)}
        >
          Create link
        </Button>
      </details>
      <section className="invite-list" aria-labelledby="invite-list-heading">
        <h3 id="invite-list-heading" className="section-title">
          Invites
        </h3>
        {invites === undefined ? (
          <p className="section-text" role="status">
            Loading invites…
          </p>
        ) : invites.length === 0 ? (
          <p className="section-text">No invites yet.</p>
        ) : (
          <ul>
            {invites.map((invite) => (
              <InviteRow key={invite.id} serverId={serverId} invite={invite} now={now} />
            ))}
          </ul>
        )}
      </section>
    </Dialog>
  )
}

// Settings: profile, security (password, auto-lock), privacy, appearance, and the account.
import { useState, type FormEvent } from 'react'
import { Button } from '../../components/Button'
import { Dialog, DialogActions } from '../../components/Dialog'
import { SelectField, SwitchField, TextField } from '../../components/TextField'
import { useAuth } from '../../store/auth'
import { useServers } from '../../store/servers'
import { useSettings } from '../../store/settings'
import { useUi } from '../../store/ui'
import { usePasswordStrength } from '../auth/password-strength'
import { StrengthMeter, newPasswordProblem } from '../auth/StrengthMeter'
import { ServerSection } from './ServerSection'
import './settings.css'

function Saved({ message }: { message: string | null }) {
  return (
    <span className="settings__saved" role="status">
      {message}
    </span>
  )
}

function ProfileSection() {
  const profile = useSettings((state) => state.profile)
  const updateProfile = useSettings((state) => state.updateProfile)
  const [displayName, setDisplayName] = useState(profile?.displayName ?? '')
  const [status, setStatus] = useState(profile?.status ?? '')
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function onSubmit(event: FormEvent) {
    event.preventDefault()
    if (displayName.trim() === '') {
      setError('Your display name cannot be empty.')
      return
    }
    setBusy(true)
    const outcome = await updateProfile({ displayName: displayName.trim(), status: status.trim() })
    setBusy(false)
    setError(outcome.ok ? null : outcome.error)
    setSaved(outcome.ok ? 'Profile saved.' : null)
  }

  return (
    <section className="settings__section" aria-labelledby="settings-profile">
      <h3 id="settings-profile" className="section-title">
        Profile
      </h3>
      <p className="section-text">
        What members of your servers see. Your account name is @{profile?.name}.
      </p>
      <form onSubmit={(event) => void onSubmit(event)} noValidate>
        <TextField
          label="Display name"
          value={displayName}
          maxLength={64}
          onChange={(event) => setDisplayName(event.target.value)}
          error={error}
          disabled={busy}
        />
        <TextField
          label="Status"
          value={status}
          maxLength={128}
          placeholder="What are you up to?"
          onChange={(event) => setStatus(event.target.value)}
          disabled={busy}
        />
        <div className="settings__row">
          <Button type="submit" variant="primary" busy={busy}>
            Save profile
          </Button>
          <Saved message={saved} />
        </div>
      </form>
    </section>
  )
}

function PasswordSection() {
  const changePassword = useSettings((state) => state.changePassword)
  const name = useAuth((state) => state.name) ?? ''
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [confirm, setConfirm] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const strength = usePasswordStrength(next, name)

  async function onSubmit(event: FormEvent) {
    event.preventDefault()
    setSaved(null)
    if (current === '') return setError('Enter your current password.')
    const problem = newPasswordProblem(next, strength)
    if (problem !== null) return setError(problem)
    if (next !== confirm) return setError('The new passwords do not match.')
    setBusy(true)
    const outcome = await changePassword(current, next)
    setBusy(false)
    if (!outcome.ok) return setError(outcome.error)
    setError(null)
    setCurrent('')
    setNext('')
    setConfirm('')
    setSaved('Password changed.')
  }

  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate aria-labelledby="settings-password">
      <h4 id="settings-password" className="settings__subtitle">
        Change password
      </h4>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <TextField
        label="Current password"
        type="password"
        autoComplete="current-password"
        value={current}
        onChange={(event) => setCurrent(event.target.value)}
        disabled={busy}
      />
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        value={next}
        onChange={(event) => setNext(event.target.value)}
        disabled={busy}
        hint={next ? <StrengthMeter strength={strength} /> : undefined}
      />
      <TextField
        label="Confirm new password"
        type="password"
        autoComplete="new-password"
        value={confirm}
        onChange={(event) => setConfirm(event.target.value)}
        disabled={busy}
      />
      <div className="settings__row">
        <Button type="submit" variant="primary" busy={busy} busyLabel="Changing…">
          Change password
        </Button>
        <Saved message={saved} />
      </div>
    </form>
  )
}

const AUTO_LOCK_OPTIONS = [
  { value: '0', label: 'Never' },
  { value: '1', label: 'After 1 minute' },
  { value: '5', label: 'After 5 minutes' },
  { value: '15', label: 'After 15 minutes' },
  { value: '30', label: 'After 30 minutes' },
  { value: '60', label: 'After 1 hour' },
  { value: '240', label: 'After 4 hours' },
]

function autoLockOptions(current: number) {
  if (AUTO_LOCK_OPTIONS.some((option) => option.value === String(current))) return AUTO_LOCK_OPTIONS
  return [...AUTO_LOCK_OPTIONS, { value: String(current), label: `After ${current} minutes` }]
}

/**
 * The answers given, per server, to "call directly?" (asked when calls must be relayed and the
 * server offers no relay), each changeable here. Shown while calls are always relayed.
 */
function DirectCallSettings({
  directCalls,
  onChange,
}: {
  directCalls: Readonly<Record<string, boolean>>
  onChange: (directCalls: Readonly<Record<string, boolean>>) => void
}) {
  const servers = useServers((state) => state.list)
  const answered = servers.filter((server) => directCalls[server.id] !== undefined)
  if (answered.length === 0) return null
  return (
    <section aria-labelledby="settings-direct-calls">
      <h4 id="settings-direct-calls" className="settings__subtitle">
        Servers without a relay
      </h4>
      {answered.map((server) => (
        <SwitchField
          key={server.id}
          label={`Call directly on ${server.name}`}
          description="This server offers no relay: calls there go directly, and the people in them see your IP address."
          checked={directCalls[server.id] === true}
          onChange={(checked) => onChange({ ...directCalls, [server.id]: checked })}
        />
      ))}
    </section>
  )
}

function PreferencesSections() {
  const settings = useSettings((state) => state.settings)
  const theme = useSettings((state) => state.theme)
  const updateSettings = useSettings((state) => state.updateSettings)
  const [error, setError] = useState<string | null>(null)

  async function update(patch: Parameters<typeof updateSettings>[0]) {
    const outcome = await updateSettings(patch)
    setError(outcome.ok ? null : outcome.error)
  }

  return (
    <>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <section className="settings__section" aria-labelledby="settings-security">
        <h3 id="settings-security" className="section-title">
          Security
        </h3>
        <SelectField
          label="Lock paracord when idle"
          value={String(settings?.autoLockMinutes ?? 0)}
          options={autoLockOptions(settings?.autoLockMinutes ?? 0)}
          disabled={!settings}
          hint="When locked, your keys and messages are wiped from memory until you enter your password."
          onChange={(value) => void update({ autoLockMinutes: Number(value) })}
        />
        <PasswordSection />
      </section>
      <section className="settings__section" aria-labelledby="settings-privacy">
        <h3 id="settings-privacy" className="section-title">
          Privacy
        </h3>
        <SwitchField
          label="Always relay calls"
          description="Route voice through the relay so people you call never learn your IP address. Slightly more delay. Where a server offers no relay, you are asked before a call there goes directly."
          checked={settings?.alwaysRelayCalls ?? false}
          disabled={!settings}
          onChange={(checked) => void update({ alwaysRelayCalls: checked })}
        />
        {settings?.alwaysRelayCalls && (
          <DirectCallSettings
            directCalls={settings.directCalls ?? {}}
            onChange={(directCalls) => void update({ directCalls })}
          />
        )}
        <SwitchField
          label="Show message text in notifications"
          description="Off: notifications only say who wrote, so nothing private shows on a locked screen."
          checked={settings?.notificationPreviews ?? false}
          disabled={!settings}
          onChange={(checked) => void update({ notificationPreviews: checked })}
        />
      </section>
      <section className="settings__section" aria-labelledby="settings-appearance">
        <h3 id="settings-appearance" className="section-title">
          Appearance
        </h3>
        <fieldset className="fieldset">
          <legend className="fieldset__legend">Theme</legend>
          <div className="chips">
            {(['dark', 'light'] as const).map((option) => (
              <label key={option} className="chip">
                <input
                  type="radio"
                  name="theme"
                  checked={theme === option}
                  onChange={() => void update({ theme: option })}
                />
                <span>{option === 'dark' ? 'Dark' : 'Light'}</span>
              </label>
            ))}
          </div>
        </fieldset>
      </section>
    </>
  )
}

function AccountSection() {
  const logout = useAuth((state) => state.logout)
  const deleteAccount = useSettings((state) => state.deleteAccount)
  const [confirming, setConfirming] = useState(false)
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function onDelete(event: FormEvent) {
    event.preventDefault()
    if (password === '') return setError('Enter your password to confirm.')
    setBusy(true)
    const outcome = await deleteAccount(password)
    setBusy(false)
    if (!outcome.ok) setError(outcome.error)
  }

  return (
    <section className="settings__section" aria-labelledby="settings-account">
      <h3 id="settings-account" className="section-title">
        Account
      </h3>
      <div className="settings__row">
        <Button onClick={() => void logout()}>Log out</Button>
        {!confirming && (
          <Button variant="danger-ghost" onClick={() => setConfirming(true)}>
            Delete account…
          </Button>
        )}
      </div>
      {confirming && (
        <form className="settings__danger" onSubmit={(event) => void onDelete(event)} noValidate>
          <p>
            <strong>Delete your account for good?</strong> Your keys, your servers' copies on this
            device and your vault on the server are erased. This cannot be undone.
          </p>
          <TextField
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            error={error}
            disabled={busy}
          />
          <DialogActions>
            <Button onClick={() => setConfirming(false)} disabled={busy}>
              Keep my account
            </Button>
            <Button type="submit" variant="danger" busy={busy} busyLabel="Deleting…">
              Delete account
            </Button>
          </DialogActions>
        </form>
      )}
    </section>
  )
}

export function SettingsDialog() {
  const closeDialog = useUi((state) => state.closeDialog)
  return (
    <Dialog title="Settings" onClose={closeDialog} size="lg" testId="settings-dialog">
      <ProfileSection />
      <PreferencesSections />
      <ServerSection />
      <AccountSection />
    </Dialog>
  )
}

// Register, log in and unlock: the first screens a person sees, kept calm and plain.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react'
import { Button } from '../../components/Button'
import { TextField } from '../../components/TextField'
import { useAuth } from '../../store/auth'
import { useServerChoice } from '../../store/server-choice'
import { usePasswordStrength } from './password-strength'
import { InviteIntake } from './InviteIntake'
import { ServerField } from './ServerField'
import { StrengthMeter, newPasswordProblem } from './StrengthMeter'
import './auth.css'

function AuthCard({
  title,
  subtitle,
  children,
}: {
  title: string
  subtitle: string
  children: ReactNode
}) {
  return (
    <main className="auth">
      <div className="auth__card">
        <div className="auth__brand" aria-hidden="true">
          <span className="auth__logo">◈</span> paracord
        </div>
        <h1 className="auth__title">{title}</h1>
        <p className="auth__subtitle">{subtitle}</p>
        {children}
      </div>
    </main>
  )
}

/** The server's answer to a submit, just above the button that sent it, where the eye is. */
function AuthError() {
  const error = useAuth((state) => state.error)
  if (!error) return null
  return (
    <div className="form-error auth__error" role="alert" data-testid="auth-error">
      {error}
    </div>
  )
}

const NAME_RULE = /^[A-Za-z0-9._-]{3,32}$/

function nameProblem(name: string): string | null {
  if (name.length < 3) return 'Use at least 3 characters.'
  if (!NAME_RULE.test(name))
    return 'Use only letters, digits, dots, dashes and underscores (up to 32).'
  return null
}

export function RegisterScreen({ onLogIn }: { onLogIn: () => void }) {
  const checking = useServerChoice((state) => state.checking)
  const confirmServer = useServerChoice((state) => state.confirm)
  const busy = useAuth((state) => state.busy) || checking
  const register = useAuth((state) => state.register)
  const [name, setName] = useState('')
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  const [submitted, setSubmitted] = useState(false)

  const strength = usePasswordStrength(password, name)
  const nameError = submitted ? nameProblem(name) : null
  const passwordError = submitted ? newPasswordProblem(password, strength) : null
  const confirmError = submitted && confirm !== password ? 'The passwords do not match.' : null

  function onSubmit(event: FormEvent) {
    event.preventDefault()
    setSubmitted(true)
    if (nameProblem(name) || newPasswordProblem(password, strength) || confirm !== password) return
    void confirmServer().then((backend) => backend && register(name, password, backend))
  }

  return (
    <AuthCard
      title="Create your account"
      subtitle="Your keys are made on this device and never leave it unencrypted."
    >
      <InviteIntake disabled={busy} />
      <form onSubmit={onSubmit} noValidate aria-busy={busy}>
        <ServerField disabled={busy} />
        <TextField
          label="Account name"
          name="name"
          autoComplete="username"
          value={name}
          onChange={(event) => setName(event.target.value)}
          disabled={busy}
          error={nameError}
          hint="What people type to find you. Letters, digits, dots, dashes, underscores."
          autoFocus
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          disabled={busy}
          error={passwordError}
          hint={<StrengthMeter strength={strength} />}
        />
        <TextField
          label="Confirm password"
          name="confirm"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onChange={(event) => setConfirm(event.target.value)}
          disabled={busy}
          error={confirmError}
        />
        <p className="auth__note">
          There is no password reset: paracord cannot read your data, so it cannot recover it.
        </p>
        <AuthError />
        <Button
          type="submit"
          variant="primary"
          className="btn--full"
          busy={busy}
          busyLabel={checking ? 'Checking the server…' : 'Creating your keys…'}
        >
          Create account
        </Button>
      </form>
      <p className="auth__switch">
        Already have an account?{' '}
        <Button variant="link" onClick={onLogIn} disabled={busy}>
          Log in
        </Button>
      </p>
    </AuthCard>
  )
}

export function LoginScreen({ onRegister }: { onRegister: () => void }) {
  const checking = useServerChoice((state) => state.checking)
  const confirmServer = useServerChoice((state) => state.confirm)
  const busy = useAuth((state) => state.busy) || checking
  const login = useAuth((state) => state.login)
  const [name, setName] = useState('')
  const [password, setPassword] = useState('')
  const [submitted, setSubmitted] = useState(false)

  const nameError = submitted && name.trim() === '' ? 'Enter your account name.' : null
  const passwordError = submitted && password === '' ? 'Enter your password.' : null

  function onSubmit(event: FormEvent) {
    event.preventDefault()
    setSubmitted(true)
    if (name.trim() === '' || password === '') return
    void confirmServer().then((backend) => backend && login(name.trim(), password, backend))
  }

  return (
    <AuthCard title="Welcome back" subtitle="Log in to paracord.">
      <InviteIntake disabled={busy} />
      <form onSubmit={onSubmit} noValidate aria-busy={busy}>
        <ServerField disabled={busy} />
        <TextField
          label="Account name"
          name="name"
          autoComplete="username"
          value={name}
          onChange={(event) => setName(event.target.value)}
          disabled={busy}
          error={nameError}
          autoFocus
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          disabled={busy}
          error={passwordError}
        />
        <AuthError />
        <Button
          type="submit"
          variant="primary"
          className="btn--full"
          busy={busy}
          busyLabel={checking ? 'Checking the server…' : 'Unlocking your keys…'}
        >
          Log in
        </Button>
      </form>
      <p className="auth__switch">
        New here?{' '}
        <Button variant="link" onClick={onRegister} disabled={busy}>
          Create an account
        </Button>
      </p>
    </AuthCard>
  )
}

export function UnlockScreen() {
  const busy = useAuth((state) => state.busy)
  const name = useAuth((state) => state.name)
  const unlock = useAuth((state) => state.unlock)
  const logout = useAuth((state) => state.logout)
  const [password, setPassword] = useState('')
  const passwordRef = useRef<HTMLInputElement>(null)

  // The screen often appears while the lock itself is still busy, its field disabled, where
  // autoFocus does nothing: the password takes focus as soon as it can be typed in, also again
  // after a wrong one.
  useEffect(() => {
    if (!busy) passwordRef.current?.focus()
  }, [busy])

  function onSubmit(event: FormEvent) {
    event.preventDefault()
    if (password !== '') void unlock(password)
  }

  return (
    <AuthCard
      title="paracord is locked"
      subtitle={`Enter the password for ${name ?? 'your account'} to unlock.`}
    >
      <form onSubmit={onSubmit} noValidate aria-busy={busy}>
        <AuthError />
        <p className="auth__account" data-testid="locked-account">
          <span className="auth__account-label">Account</span> {name}
        </p>
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          disabled={busy}
          inputRef={passwordRef}
        />
        <Button
          type="submit"
          variant="primary"
          className="btn--full"
          busy={busy}
          busyLabel="Unlocking…"
          disabled={password === ''}
        >
          Unlock
        </Button>
      </form>
      <p className="auth__switch">
        Not you?{' '}
        <Button variant="link" onClick={() => void logout()} disabled={busy}>
          Use another account
        </Button>
      </p>
    </AuthCard>
  )
}

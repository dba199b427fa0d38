// "I have an invite link" on the sign-in screens: a pasted link fills in its server, and the
// invite is joined once the account is ready (store/invite-intake.ts). Outside the form, so
// Enter here never submits the sign-in.
import { useEffect, useRef, useState } from 'react'
import { Button } from '../../components/Button'
import { TextField } from '../../components/TextField'
import { useInviteIntake } from '../../store/invite-intake'

function hostOf(server: string): string {
  try {
    return new URL(server).host
  } catch {
    return server
  }
}

export function InviteIntake({ disabled = false }: { disabled?: boolean }) {
  const pending = useInviteIntake((state) => state.pending)
  const offer = useInviteIntake((state) => state.offer)
  const dismiss = useInviteIntake((state) => state.dismiss)
  const [open, setOpen] = useState(false)
  const [text, setText] = useState('')
  const [error, setError] = useState<string | null>(null)
  // The field goes once a link is taken: the note that replaces it takes the focus.
  const noteRef = useRef<HTMLDivElement>(null)
  const focusNote = useRef(false)
  useEffect(() => {
    if (pending === null || !focusNote.current) return
    focusNote.current = false
    noteRef.current?.focus()
  }, [pending])

  const take = (value: string): string | null => {
    const problem = offer(value)
    if (problem === null) focusNote.current = true
    return problem
  }

  if (pending !== null)
    return (
      <div
        ref={noteRef}
        tabIndex={-1}
        className="auth__invite"
        role="status"
        data-testid="pending-invite"
      >
        <p>
          {pending.server === null ? (
            <>You have an invite code. Choose the server it is for below.</>
          ) : (
            <>
              You are invited to a server at <strong>{hostOf(pending.server)}</strong>.
            </>
          )}{' '}
          You will join it as soon as your account is ready.
        </p>
        <Button
          variant="link"
          disabled={disabled}
          onClick={() => {
            dismiss()
            setText('')
            setOpen(false)
          }}
        >
          Don’t use this invite
        </Button>
      </div>
    )

  if (!open)
    return (
      <p className="auth__invite-toggle">
        <Button variant="link" disabled={disabled} onClick={() => setOpen(true)}>
          I have an invite link
        </Button>
      </p>
    )

  return (
    <div className="auth__invite-entry">
      <TextField
        label="Invite link"
        value={text}
        autoComplete="off"
        spellCheck={false}
        maxLength={512}
        autoFocus
        disabled={disabled}
        error={error}
        hint="Paste the link you were sent: its server is filled in for you."
        onChange={(event) => {
          const value = event.target.value
          setText(value)
          // A whole link pasted in is taken at once; a partial one is judged on leaving.
          if (take(value) === null) setError(null)
        }}
        onBlur={() => {
          if (text.trim() !== '') setError(take(text))
        }}
      />
    </div>
  )
}

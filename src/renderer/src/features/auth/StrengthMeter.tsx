// The strength of a new password as the person types it (registration, password change): the
// same estimate, and the same words, the core holds the password to.
import {
  PASSWORD_MIN_LENGTH,
  strengthText,
  weakPasswordMessage,
  type PasswordStrength,
} from './password-strength'
import './auth.css'

/** Four bars and one line: the same estimate the core holds a new password to. */
export function StrengthMeter({ strength }: { strength: PasswordStrength | null }) {
  const score = strength?.score ?? 0
  return (
    <span className="strength">
      <span className="strength__bar" aria-hidden="true">
        {[1, 2, 3, 4].map((step) => (
          <span
            key={step}
            className={`strength__step${score >= step ? ` strength__step--on strength__step--${score}` : ''}`}
          />
        ))}
      </span>
      <span data-testid="password-strength">
        {strength ? strengthText(strength) : 'Checking how easy it is to guess…'}
      </span>
    </span>
  )
}

/** What is wrong with a new password, in the core's words once the estimate is there. */
export function newPasswordProblem(
  password: string,
  strength: PasswordStrength | null,
): string | null {
  if ([...password].length < PASSWORD_MIN_LENGTH)
    return `Use at least ${PASSWORD_MIN_LENGTH} characters.`
  // Still loading: the core refuses a weak password with the same words.
  if (strength !== null && !strength.acceptable) return weakPasswordMessage(strength)
  return null
}

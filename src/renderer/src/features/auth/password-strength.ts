// The password estimate of src/shared/password-strength.ts, the one the core enforces, for the
// window. Its dictionaries are about 1.7 MB: they load as a chunk of their own the first time a
// password field asks, so the app starts without them. Until then only the length is judged.
import { useEffect, useMemo, useState } from 'react'
import {
  lengthStrength,
  loadPasswordEstimator,
  type PasswordEstimator,
  type PasswordStrength,
} from '../../../../shared/password-strength'

export {
  PASSWORD_MIN_LENGTH,
  strengthText,
  weakPasswordMessage,
  type PasswordStrength,
} from '../../../../shared/password-strength'

let loaded: PasswordEstimator | null = null

function useEstimator(): PasswordEstimator | null {
  // The estimator is a function: wrapped, so useState keeps it instead of calling it.
  const [estimator, setEstimator] = useState<PasswordEstimator | null>(() => loaded)
  useEffect(() => {
    if (estimator !== null) return
    let mounted = true
    loadPasswordEstimator().then(
      (ready) => {
        loaded = ready
        if (mounted) setEstimator(() => ready)
      },
      // The core still checks the password; the field just keeps judging the length only.
      () => {},
    )
    return () => {
      mounted = false
    }
  }, [estimator])
  return estimator
}

/**
 * The estimate of a new password for the account `name`; null while the dictionaries load for
 * a password long enough to need them.
 */
export function usePasswordStrength(password: string, name: string): PasswordStrength | null {
  const estimator = useEstimator()
  return useMemo(
    () => lengthStrength(password) ?? estimator?.(password, name === '' ? [] : [name]) ?? null,
    [estimator, password, name],
  )
}

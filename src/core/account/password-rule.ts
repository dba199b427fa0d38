// Every host gets the same password rule from the core: a new password (registration, password
// change) is refused below the estimate of src/shared/password-strength.ts, with the words the
// window shows. Logging in and unlocking never check it, so older accounts keep working.
import { ParacordError } from '../../shared/api'
import { loadPasswordEstimator, weakPasswordMessage } from '../../shared/password-strength'

/** ParacordError 'weak_password' saying why, when `password` is too easy to guess for `name`. */
export async function requireStrongPassword(password: string, name: string): Promise<void> {
  const estimate = await loadPasswordEstimator()
  const strength = estimate(password, [name])
  if (!strength.acceptable) throw new ParacordError('weak_password', weakPasswordMessage(strength))
}

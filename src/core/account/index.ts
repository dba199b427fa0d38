export { AccountService, type AccountServiceOptions } from './account-service'
export { AutoLock, type AutoLockOptions } from './auto-lock'
export { ProfileStore, ProfileFormatError, StoredProfile } from './profile-store'
export {
  UnlockedSessionImpl,
  SignInRequiredError,
  MAX_VAULT_RETRIES,
  TOKEN_VALUE_KEY,
  type UnlockedSessionInit,
} from './unlocked-session'

// The client's cryptography. Await `loadSodium()` once before calling the synchronous functions.
export { loadSodium, readySodium, type Sodium } from './sodium'
export * from './errors'
export type { KeyPair } from './types'
export {
  loginHandle,
  validateLoginName,
  normaliseLoginName,
  LOGIN_NAME_MIN,
  LOGIN_NAME_MAX,
} from './handle'
export {
  deriveLoginSecrets,
  newSalt,
  checkKdfParams,
  SALT_BYTES,
  type LoginSecrets,
  type DeriveOptions,
} from './kdf'
export { sealVault, openVault } from './vault'
export {
  generateIdentity,
  publicIdentity,
  verifyPublicIdentity,
  exportIdentity,
  importIdentity,
  type Identity,
  type PublicIdentity,
  type StoredIdentity,
} from './identity'
export { sign, verify, signPayloadB64, verifyPayloadB64 } from './sign'
export {
  encrypt,
  decrypt,
  shardAd,
  vaultAd,
  enclaveAd,
  cacheAd,
  AD_LABELS,
  KEY_BYTES,
} from './envelope'
export {
  streamKeys,
  deriveKey,
  randomKey,
  STREAM_KEY_PURPOSES,
  type StreamKeyPurpose,
} from './derive'
export { sealTo, openSealed } from './seal'
export { safetyNumber, type SafetyNumber, type SafetyParty } from './safety-number'
export { wipe } from './wipe'

// The user vault: the account's secrets as JSON bytes, sealed under the password-derived vault
// key and bound to the account's handle and the enclave version it is written as, so a server
// can neither hand one account another's vault nor relabel an old vault as a newer version.
import { EncodingError, fromBase64Url, toBase64Url } from '../../shared/encoding'
import { DecryptionError, WrongPasswordError } from './errors'
import { decrypt, encrypt, vaultAd } from './envelope'

/** Returns the enclave body for `version`: base64url of nonce || ciphertext. */
export function sealVault(
  plain: Uint8Array,
  vaultKey: Uint8Array,
  handle: string,
  version: number,
): string {
  return toBase64Url(encrypt(vaultKey, plain, vaultAd(handle, version)))
}

/**
 * Throws `WrongPasswordError` when the vault does not open under this key, handle and version
 * (a wrong password, another account's vault, or a vault sealed as another version).
 */
export function openVault(
  body: string,
  vaultKey: Uint8Array,
  handle: string,
  version: number,
): Uint8Array {
  try {
    return decrypt(vaultKey, fromBase64Url(body), vaultAd(handle, version))
  } catch (error) {
    if (error instanceof DecryptionError || error instanceof EncodingError)
      throw new WrongPasswordError()
    throw error
  }
}

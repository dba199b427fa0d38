// The user vault: the account's secrets as JSON bytes, sealed under the password-derived vault
// key and bound to the account's handle, so a server cannot hand one account another's vault.
import { EncodingError, fromBase64Url, toBase64Url } from '../../shared/encoding'
import { DecryptionError, WrongPasswordError } from './errors'
import { decrypt, encrypt, vaultAd } from './envelope'

/** Returns the enclave body: base64url of nonce || ciphertext. */
export function sealVault(plain: Uint8Array, vaultKey: Uint8Array, handle: string): string {
  return toBase64Url(encrypt(vaultKey, plain, vaultAd(handle)))
}

/** Throws `WrongPasswordError` when the vault does not open under this key and handle. */
export function openVault(body: string, vaultKey: Uint8Array, handle: string): Uint8Array {
  try {
    return decrypt(vaultKey, fromBase64Url(body), vaultAd(handle))
  } catch (error) {
    if (error instanceof DecryptionError || error instanceof EncodingError)
      throw new WrongPasswordError()
    throw error
  }
}

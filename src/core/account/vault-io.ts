// The small steps every account operation shares: sealing and opening the vault data (bound to
// its version), refusing a vault the server rolled back, signing a vault write, answering a
// login challenge.
import { fromUtf8, toBase64Url, utf8 } from '../../shared/encoding'
import {
  enclaveWritePayload,
  loginPayload,
  type Enclave,
  type LoginResponse,
} from '../../shared/protocol'
import { ParacordError } from '../../shared/api'
import {
  WrongPasswordError,
  openVault,
  sealVault,
  signPayloadB64,
  wipe,
  type KeyPair,
} from '../crypto'
import type { StoreClient } from '../net/http-client'
import { parseVault, type VaultData } from '../vault-model'
import { vaultRollbackError } from './errors'

/** Seals the vault data as the enclave body of `version` (bound to the handle and version). */
export function sealVaultData(
  data: VaultData,
  vaultKey: Uint8Array,
  handle: string,
  version: number,
): string {
  const plain = utf8(JSON.stringify(data))
  try {
    return sealVault(plain, vaultKey, handle, version)
  } finally {
    wipe(plain)
  }
}

/**
 * Opens the body of the vault enclave at `version`: WrongPasswordError if the key does not open
 * it as that version, VaultFormatError if malformed.
 */
export function openVaultData(
  body: string,
  vaultKey: Uint8Array,
  handle: string,
  version: number,
): VaultData {
  const plain = openVault(body, vaultKey, handle, version)
  try {
    return parseVault(fromUtf8(plain))
  } finally {
    wipe(plain)
  }
}

/**
 * Opens a vault enclave the server sent, against `seen`, the newest vault this device has held
 * (its high-water mark, kept in the profile). Null when it is `seen` itself. Refused with
 * 'vault_rollback': an older version; another vault under the version held; a body that does
 * not open as the version the server claims (an old vault relabelled as new, since the version
 * is bound into the associated data). Anything else that fails to open is 'internal'.
 */
export function openServerVault(
  enclave: Enclave,
  vaultKey: Uint8Array,
  handle: string,
  seen: Enclave,
): VaultData | null {
  if (enclave.version < seen.version) throw olderVaultError(enclave.version, seen.version)
  if (enclave.version === seen.version) {
    if (enclave.body === seen.body) return null
    throw vaultRollbackError(
      `The server offered a different vault as version ${enclave.version}, which this device already holds: refused.`,
    )
  }
  try {
    return openVaultData(enclave.body, vaultKey, handle, enclave.version)
  } catch (error) {
    if (error instanceof WrongPasswordError)
      throw vaultRollbackError(
        `The server offered a vault as version ${enclave.version} that was not sealed as that version (an older vault relabelled, or altered): refused.`,
      )
    throw new ParacordError(
      'internal',
      `The vault on the server cannot be read (${error instanceof Error ? error.message : String(error)})`,
    )
  }
}

const olderVaultError = (offered: number, seen: number) =>
  vaultRollbackError(
    `The server offered version ${offered} of this account’s vault, older than version ${seen} which this device has seen: refused, so no older settings or memberships come back.`,
  )

/** The signature of a vault write at `version` naming `ownerKey`, by `signer` (the current owner). */
export function signVaultWrite(
  write: { handle: string; version: number; ownerKey: string; body: string },
  signer: Uint8Array,
): string {
  return signPayloadB64(
    enclaveWritePayload({
      id: write.handle,
      kind: 'vault',
      version: write.version,
      ownerKey: write.ownerKey,
      expiresAt: null,
      body: write.body,
    }),
    signer,
  )
}

/** Challenge–response login; on success `client` carries the new token. */
export async function challengeLogin(
  client: StoreClient,
  handle: string,
  loginKeys: KeyPair,
): Promise<LoginResponse> {
  const { challengeId, nonce } = await client.challenge(handle)
  const signature = signPayloadB64(
    loginPayload({ handle, challengeId, nonce }),
    loginKeys.privateKey,
  )
  return client.login({ handle, challengeId, signature })
}

/** The wire form of a public key. */
export const publicKeyB64 = (keys: KeyPair): string => toBase64Url(keys.publicKey)

/** A vault enclave as the server would hold it after a write this client made. */
export function writtenVault(
  handle: string,
  write: { version: number; ownerKey: string; body: string; signature: string },
  updatedAt: number,
): Enclave {
  return { id: handle, kind: 'vault', expiresAt: null, updatedAt, ...write }
}

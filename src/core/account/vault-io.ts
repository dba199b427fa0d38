// The small steps every account operation shares: sealing and opening the vault data, signing
// a vault write, answering a login challenge.
import { fromUtf8, toBase64Url, utf8 } from '../../shared/encoding'
import {
  enclaveWritePayload,
  loginPayload,
  type Enclave,
  type LoginResponse,
} from '../../shared/protocol'
import { openVault, sealVault, signPayloadB64, wipe, type KeyPair } from '../crypto'
import type { StoreClient } from '../net/http-client'
import { parseVault, type VaultData } from '../vault-model'

/** Seals the vault data as the enclave body (bound to the handle). */
export function sealVaultData(data: VaultData, vaultKey: Uint8Array, handle: string): string {
  const plain = utf8(JSON.stringify(data))
  try {
    return sealVault(plain, vaultKey, handle)
  } finally {
    wipe(plain)
  }
}

/** Opens an enclave body: WrongPasswordError if the key does not open it, VaultFormatError if malformed. */
export function openVaultData(body: string, vaultKey: Uint8Array, handle: string): VaultData {
  const plain = openVault(body, vaultKey, handle)
  try {
    return parseVault(fromUtf8(plain))
  } finally {
    wipe(plain)
  }
}

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

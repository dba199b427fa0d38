// The unlocked session: what every service of the client core works with while the account is
// unlocked. Secrets live here and nowhere else; `lock()` wipes them.
import type { LocalCache } from './cache'
import type { Identity } from './crypto'
import type { StoreClient } from './net/http-client'
import type { VaultData } from './vault-model'

export interface UnlockedSession {
  /** The login name as typed at registration (normalised). */
  readonly name: string
  /** The opaque handle the server knows the account by. */
  readonly handle: string
  readonly userId: string
  /** The server's id for the account (signs into read proofs); known offline from the profile. */
  readonly accountId: string
  /** Where the account's server answers: for its HTTP client and its live connection alike. */
  readonly serverUrl: string
  /**
   * The address invite links name: the account's server as other people reach it; null for
   * the server this computer runs, which no one else reaches.
   */
  readonly inviteServerUrl: string | null
  /** Identity key pairs; wiped on lock. */
  readonly identity: Identity
  /** An HTTP client carrying the session token (re-established by ensureOnline). */
  readonly client: StoreClient
  readonly cache: LocalCache
  readonly now: () => number

  /** The current vault contents (decrypted). */
  vault(): Readonly<VaultData>
  /**
   * Applies `change` to the latest vault and writes it with compare-and-swap; on a version
   * conflict it fetches the newer vault, applies `change` to it again and retries, so no
   * concurrent update (another device) is lost. Also refreshes the local copy.
   */
  updateVault(change: (vault: VaultData) => VaultData): Promise<Readonly<VaultData>>
  /** Makes sure the session token is valid, logging in again with the login key if needed. */
  ensureOnline(): Promise<void>
}

// For the servers, messages and sync tests: a real UnlockedSession for a user registered
// directly against the real backend (register and challenge login with the protocol's payloads,
// a vault sealed with the password-derived key and written by compare-and-swap, a real local
// cache), plus a peer directory that pins keys in that cache.
import { join } from 'node:path'
import { fromUtf8, toBase64Url, utf8 } from '../../shared/encoding'
import { enclaveWritePayload, loginPayload, type KdfParams } from '../../shared/protocol'
import { openCache, type LocalCache } from '../cache'
import {
  deriveLoginSecrets,
  exportIdentity,
  generateIdentity,
  loadSodium,
  loginHandle,
  newSalt,
  openVault,
  randomKey,
  sealVault,
  signPayloadB64,
  type Identity,
  type LoginSecrets,
} from '../crypto'
import { ApiError } from '../net/errors'
import { StoreClient } from '../net/http-client'
import type { KeyObservation, PeerDirectory } from '../servers/peer-directory'
import type { UnlockedSession } from '../session'
import { DEFAULT_SETTINGS, parseVault, type VaultData } from '../vault-model'

/** The lowest parameters the protocol accepts: tests register several users. */
export const TEST_KDF: KdfParams = { alg: 'argon2id13', opsLimit: 2, memLimit: 64 * 1024 * 1024 }

export class TestSession implements UnlockedSession {
  private data: VaultData
  private version: number
  private writes: Promise<unknown> = Promise.resolve()

  private constructor(
    readonly name: string,
    readonly handle: string,
    readonly accountId: string,
    readonly identity: Identity,
    readonly client: StoreClient,
    readonly cache: LocalCache,
    private readonly secrets: LoginSecrets,
    vault: VaultData,
    version: number,
    readonly now: () => number,
  ) {
    this.data = vault
    this.version = version
  }

  get userId(): string {
    return this.identity.userId
  }

  /** Registers `name` on the backend at `url`, logs in and opens a cache in `dir`. */
  static async register(url: string, name: string, dir: string): Promise<TestSession> {
    await loadSodium()
    const client = new StoreClient({ baseUrl: url })
    const handle = loginHandle(name)
    const salt = await newSalt()
    const secrets = await deriveLoginSecrets(`${name} password`, salt, TEST_KDF)
    const identity = generateIdentity()
    const cacheKey = randomKey()
    const vault: VaultData = {
      v: 1,
      userId: identity.userId,
      identity: exportIdentity(identity),
      cacheKey: toBase64Url(cacheKey),
      profile: { displayName: name, status: '' },
      settings: { ...DEFAULT_SETTINGS },
      servers: {},
    }
    const loginPublicKey = toBase64Url(secrets.loginKeys.publicKey)
    const body = sealVault(utf8(JSON.stringify(vault)), secrets.vaultKey, handle)
    const signature = signPayloadB64(
      enclaveWritePayload({
        id: handle,
        kind: 'vault',
        version: 1,
        ownerKey: loginPublicKey,
        expiresAt: null,
        body,
      }),
      secrets.loginKeys.privateKey,
    )
    await client.register({
      handle,
      loginPublicKey,
      salt: toBase64Url(salt),
      kdf: TEST_KDF,
      vault: { body, signature },
    })
    const login = await logIn(client, handle, secrets)
    const cache = await openCache({ path: join(dir, 'cache.db'), cacheKey })
    return new TestSession(
      name,
      handle,
      login.accountId,
      identity,
      client,
      cache,
      secrets,
      vault,
      login.vault.version,
      Date.now,
    )
  }

  vault(): Readonly<VaultData> {
    return this.data
  }

  updateVault(change: (vault: VaultData) => VaultData): Promise<Readonly<VaultData>> {
    const write = this.writes.then(() => this.writeVault(change))
    this.writes = write.catch(() => undefined)
    return write
  }

  async ensureOnline(): Promise<void> {
    if (this.client.token === null) await logIn(this.client, this.handle, this.secrets)
  }

  close(): void {
    this.cache.close()
  }

  private async writeVault(change: (vault: VaultData) => VaultData): Promise<VaultData> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const next = change(structuredClone(this.data))
      const version = this.version + 1
      const body = sealVault(utf8(JSON.stringify(next)), this.secrets.vaultKey, this.handle)
      const ownerKey = toBase64Url(this.secrets.loginKeys.publicKey)
      const signature = signPayloadB64(
        enclaveWritePayload({
          id: this.handle,
          kind: 'vault',
          version,
          ownerKey,
          expiresAt: null,
          body,
        }),
        this.secrets.loginKeys.privateKey,
      )
      try {
        await this.client.updateEnclave(this.handle, {
          version,
          ownerKey,
          body,
          expiresAt: null,
          signature,
        })
        this.data = next
        this.version = version
        return next
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 'version_conflict')) throw error
        const current = await this.client.getEnclave(this.handle)
        this.data = parseVault(
          fromUtf8(openVault(current.body, this.secrets.vaultKey, this.handle)),
        )
        this.version = current.version
      }
    }
    throw new Error('the vault kept changing')
  }
}

async function logIn(client: StoreClient, handle: string, secrets: LoginSecrets) {
  const { challengeId, nonce } = await client.challenge(handle)
  const signature = signPayloadB64(
    loginPayload({ handle, challengeId, nonce }),
    secrets.loginKeys.privateKey,
  )
  return client.login({ handle, challengeId, signature })
}

/** Pins each user's key on first sight in the cache, as the accounts side does. */
export class CachePeerDirectory implements PeerDirectory {
  private readonly changed = new Set<string>()

  constructor(private readonly cache: LocalCache) {}

  observe(userId: string, signKey: string): KeyObservation {
    const key = `test-peer:${userId}`
    const pinned = this.cache.getValue<string>(key)
    if (pinned === null) {
      this.cache.setValue(key, signKey)
      return 'new'
    }
    if (pinned === signKey) return 'same'
    this.changed.add(userId)
    return 'changed'
  }

  isChanged(userId: string): boolean {
    return this.changed.has(userId)
  }
}

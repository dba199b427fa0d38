// Trust on first use for peers' identity keys. The first signing key seen for a user id is
// pinned (sealed in the local cache); a different key later is never silently accepted: it is
// kept as a pending change, reported once, and pinned only when the user accepts it after
// comparing safety numbers.
import { ParacordError, type SafetyNumber } from '../../shared/api'
import { EncodingError, fromBase64Url, fromUtf8, toBase64Url } from '../../shared/encoding'
import { safetyNumber, verifyPublicIdentity, type PublicIdentity } from '../crypto'
import { toParacordError } from '../account/errors'
import type { KeyObservation, PeerKeyPins } from '../servers/peer-key-pins'
import type { UnlockedSession } from '../session'

export interface KeyChange {
  readonly userId: string
  /** The key pinned on first sight (base64url). */
  readonly pinnedKey: string
  /** The different key now seen (base64url). */
  readonly newKey: string
  /** Where the new key was seen, e.g. 'identity' or 'group:<serverId>'. */
  readonly source: string
}

export interface PeerDirectoryOptions {
  readonly session: UnlockedSession
  /** Told once per distinct new key of a pinned user; the façade emits keyChanged. */
  readonly onKeyChanged?: (change: KeyChange) => void
}

interface PinRecord {
  readonly signKey: string
  readonly source: string
  readonly at: number
}

const USER_ID_BYTES = 16
const SIGN_KEY_BYTES = 32
const pinKey = (userId: string) => `peers.pin.${userId}`
const pendingKey = (userId: string) => `peers.pending.${userId}`
const identityKey = (userId: string) => `peers.identity.${userId}`

export class PeerDirectory implements PeerKeyPins {
  private readonly session: UnlockedSession
  private readonly onKeyChanged: (change: KeyChange) => void

  constructor(options: PeerDirectoryOptions) {
    this.session = options.session
    this.onKeyChanged = options.onKeyChanged ?? (() => {})
  }

  /** Records that `userId` signs with `signKey` (base64url): pins a first key, flags a different one. */
  observe(userId: string, signKey: string, source: string): KeyObservation {
    requireBytes(userId, USER_ID_BYTES, 'user id')
    requireBytes(signKey, SIGN_KEY_BYTES, 'identity key')
    const cache = this.session.cache
    const pinned = cache.getValue<PinRecord>(pinKey(userId))
    if (pinned === null) {
      cache.setValue<PinRecord>(pinKey(userId), { signKey, source, at: this.session.now() })
      return 'new'
    }
    if (pinned.signKey === signKey) return 'same'
    // A different key: keep it aside and report it, once per distinct key.
    const pending = cache.getValue<PinRecord>(pendingKey(userId))
    if (pending?.signKey !== signKey) {
      cache.setValue<PinRecord>(pendingKey(userId), { signKey, source, at: this.session.now() })
      this.onKeyChanged({ userId, pinnedKey: pinned.signKey, newKey: signKey, source })
    }
    return 'changed'
  }

  /** True while a key different from the pinned one was seen and not accepted. */
  isChanged(userId: string): boolean {
    return this.session.cache.getValue<PinRecord>(pendingKey(userId)) !== null
  }

  /** The pinned signing key (base64url), or null for a user never seen. */
  pinnedKey(userId: string): string | null {
    return this.session.cache.getValue<PinRecord>(pinKey(userId))?.signKey ?? null
  }

  /** The changed key awaiting acceptance, if any. */
  pendingKey(userId: string): string | null {
    return this.session.cache.getValue<PinRecord>(pendingKey(userId))?.signKey ?? null
  }

  /** Pins the changed key, after the user compared safety numbers; not_found if none is pending. */
  acceptKeyChange(userId: string): void {
    const cache = this.session.cache
    const pending = cache.getValue<PinRecord>(pendingKey(userId))
    if (pending === null)
      throw new ParacordError('not_found', 'This user’s key has not changed: nothing to accept')
    cache.setValue<PinRecord>(pinKey(userId), { ...pending, at: this.session.now() })
    cache.deleteValue(pendingKey(userId))
  }

  /**
   * The safety number between me and `userId`, over the pinned key, or over the changed key
   * when one is pending (that is the key the user is asked to verify). Fetches the published
   * identity for a user never seen.
   */
  async safetyNumber(userId: string, displayName: string): Promise<SafetyNumber> {
    requireBytes(userId, USER_ID_BYTES, 'user id')
    if (this.pinnedKey(userId) === null) await this.fetchIdentity(userId)
    const keyChanged = this.isChanged(userId)
    const theirKey = (keyChanged ? this.pendingKey(userId) : this.pinnedKey(userId))!
    const me = this.session.identity
    const number = safetyNumber(
      { userId: me.userId, signKey: me.signing.publicKey },
      { userId, signKey: fromBase64Url(theirKey) },
    )
    return { userId, displayName, digits: number.groups.join(' '), keyChanged }
  }

  /**
   * Fetches the user's published identity (GET /v1/enclaves/:userId), verifies the self-signed
   * bundle and that it is this user's, remembers it, and observes its key.
   */
  async fetchIdentity(
    userId: string,
  ): Promise<{ identity: PublicIdentity; observation: KeyObservation }> {
    requireBytes(userId, USER_ID_BYTES, 'user id')
    let enclave
    try {
      await this.session.ensureOnline()
      enclave = await this.session.client.getEnclave(userId)
    } catch (error) {
      const failure = toParacordError(error, 'Fetching the identity')
      if (failure.code === 'not_found')
        throw new ParacordError('not_found', 'This user has no published identity')
      throw failure
    }
    const identity = parseIdentity(enclave.body)
    if (
      enclave.kind !== 'identity' ||
      identity === null ||
      identity.userId !== userId ||
      enclave.ownerKey !== identity.signKey ||
      !verifyPublicIdentity(identity)
    )
      throw new ParacordError('forbidden', 'The published identity of this user does not verify')
    const observation = this.observe(userId, identity.signKey, 'identity')
    this.session.cache.setValue<PublicIdentity>(identityKey(userId), identity)
    return { identity, observation }
  }

  /** The last verified published identity of `userId` (with its sealing key), if one was fetched. */
  knownIdentity(userId: string): PublicIdentity | null {
    return this.session.cache.getValue<PublicIdentity>(identityKey(userId))
  }
}

function parseIdentity(body: string): PublicIdentity | null {
  try {
    const value: unknown = JSON.parse(fromUtf8(fromBase64Url(body)))
    if (typeof value !== 'object' || value === null) return null
    const { userId, signKey, boxKey, signature } = value as Record<string, unknown>
    if ([userId, signKey, boxKey, signature].some((field) => typeof field !== 'string')) return null
    return {
      userId: userId as string,
      signKey: signKey as string,
      boxKey: boxKey as string,
      signature: signature as string,
    }
  } catch {
    return null
  }
}

function requireBytes(value: string, bytes: number, what: string): void {
  let decoded: Uint8Array
  try {
    decoded = fromBase64Url(value)
  } catch (error) {
    if (error instanceof EncodingError || error instanceof TypeError)
      throw new ParacordError('invalid_input', `${what} is not base64url`)
    throw error
  }
  if (decoded.length !== bytes || toBase64Url(decoded) !== value)
    throw new ParacordError('invalid_input', `${what} must be ${bytes} bytes, base64url`)
}

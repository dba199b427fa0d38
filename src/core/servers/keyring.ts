// The keys of every joined server, read from the vault (or held provisionally while a server is
// being created or joined), and what the backend says of each stream's key versions. The client
// learns which epoch a stream's key version belongs to by deriving the read key of every epoch it
// knows and matching it against the stream's current and rotated-out read keys.
import { fromBase64Url, toBase64Url } from '../../shared/encoding'
import {
  LIMITS,
  readPayload,
  streamInfoPayload,
  type ReadProof,
  type StreamInfo,
  type StreamInfoRequest,
} from '../../shared/protocol'
import { signPayloadB64, wipe } from '../crypto'
import { channelKeys, spineKeys, streamAdminKeys, type StreamKeySet } from '../server-keys'
import type { UnlockedSession } from '../session'
import type { VaultServerKeys } from '../vault-model'
import type { KeyPair } from '../crypto'

export interface KeyVersion {
  readonly keyVersion: number
  /** The epoch whose derived read key this version uses; null when no known epoch matches. */
  readonly epoch: number | null
  readonly readKey: string
  /** The last seq this version may read; null for the current version. */
  readonly untilSeq: number | null
}

export class Keyring {
  private readonly provisional = new Map<string, VaultServerKeys>()
  private readonly derived = new Map<string, StreamKeySet>()
  private readonly infos = new Map<string, StreamInfo>()

  constructor(private readonly session: UnlockedSession) {}

  /** The server's key record: a provisional one first, then the vault's. */
  record(serverId: string): VaultServerKeys | null {
    return this.provisional.get(serverId) ?? this.session.vault().servers[serverId] ?? null
  }

  /** Keys used before the server is saved in the vault (creating or joining it). */
  setProvisional(serverId: string, keys: VaultServerKeys): void {
    this.provisional.set(serverId, keys)
  }

  clearProvisional(serverId: string): void {
    this.provisional.delete(serverId)
  }

  knownEpochs(serverId: string): number[] {
    const record = this.record(serverId)
    if (!record) return []
    return Object.keys(record.epochs)
      .map(Number)
      .sort((a, b) => a - b)
  }

  currentEpoch(serverId: string): number {
    return this.record(serverId)?.epoch ?? 0
  }

  masterKey(serverId: string, epoch: number): Uint8Array | null {
    const key = this.record(serverId)?.epochs[String(epoch)]
    return key === undefined ? null : fromBase64Url(key)
  }

  adminSecret(serverId: string): Uint8Array | null {
    const secret = this.record(serverId)?.adminSecret
    return secret ? fromBase64Url(secret) : null
  }

  /** The stream admin key pair of `streamId` under the current admin secret, if held. */
  adminKeys(serverId: string, streamId: string): KeyPair | null {
    const secret = this.adminSecret(serverId)
    return secret ? streamAdminKeys(secret, streamId) : null
  }

  /** The keys of a server stream (the spine when `streamId` is the server id) in one epoch. */
  streamKeys(serverId: string, streamId: string, epoch: number): StreamKeySet | null {
    const cacheKey = `${serverId}/${streamId}/${epoch}`
    const known = this.derived.get(cacheKey)
    if (known) return known
    const master = this.masterKey(serverId, epoch)
    if (!master) return null
    const keys = streamId === serverId ? spineKeys(master, serverId) : channelKeys(master, streamId)
    wipe(master)
    this.derived.set(cacheKey, keys)
    return keys
  }

  /** The stream's policy and key history, from memory unless `refresh` (or never asked). */
  async streamInfo(serverId: string, streamId: string, refresh = false): Promise<StreamInfo> {
    const known = this.infos.get(streamId)
    if (known && !refresh) return known
    const info = await this.session.client.getStream(streamId, this.infoRequest(serverId, streamId))
    this.infos.set(streamId, info)
    return info
  }

  /**
   * The backend shows a stream's key history only to a holder of one of its read keys: sign
   * with the read keys of the newest epochs known (the stream may still be on an older one).
   */
  private infoRequest(serverId: string, streamId: string): StreamInfoRequest {
    const at = this.session.now()
    const { accountId } = this.session
    const epochs = this.knownEpochs(serverId).reverse().slice(0, LIMITS.maxInfoProofs)
    const proofs = epochs.flatMap((epoch) => {
      const keys = this.streamKeys(serverId, streamId, epoch)
      if (!keys) return []
      const readKey = toBase64Url(keys.read.publicKey)
      const payload = streamInfoPayload({ stream: streamId, accountId, readKey, at })
      return [{ readKey, signature: signPayloadB64(payload, keys.read.privateKey) }]
    })
    if (proofs.length === 0) throw new Error(`no read key of stream ${streamId} is held`)
    return { at, proofs }
  }

  /** What was last learnt of the stream without asking the backend (offline compose). */
  cachedStreamInfo(streamId: string): StreamInfo | null {
    return this.infos.get(streamId) ?? null
  }

  rememberStreamInfo(info: StreamInfo): void {
    this.infos.set(info.id, info)
  }

  /** Every key version of the stream, oldest first, each matched to an epoch where possible. */
  keyVersions(serverId: string, streamId: string, info: StreamInfo): KeyVersion[] {
    const epochByReadKey = new Map<string, number>()
    for (const epoch of this.knownEpochs(serverId)) {
      const keys = this.streamKeys(serverId, streamId, epoch)
      if (keys) epochByReadKey.set(toBase64Url(keys.read.publicKey), epoch)
    }
    const versions: KeyVersion[] = info.previousKeys.map((k) => ({
      keyVersion: k.keyVersion,
      readKey: k.readKey,
      untilSeq: k.untilSeq,
      epoch: epochByReadKey.get(k.readKey) ?? null,
    }))
    versions.push({
      keyVersion: info.keyVersion,
      readKey: info.policy.readKey,
      untilSeq: null,
      epoch: epochByReadKey.get(info.policy.readKey) ?? null,
    })
    return versions.sort((a, b) => a.keyVersion - b.keyVersion)
  }

  /** The stream's current key version and its epoch (null epoch: not one this client holds). */
  async currentAccess(
    serverId: string,
    streamId: string,
    refresh = false,
  ): Promise<{ keyVersion: number; epoch: number | null }> {
    const info = await this.streamInfo(serverId, streamId, refresh)
    const current = this.keyVersions(serverId, streamId, info).at(-1)!
    return { keyVersion: current.keyVersion, epoch: current.epoch }
  }

  /** The epoch to seal new items in without asking the backend: last known, else the vault's. */
  offlineEpoch(serverId: string, streamId: string): number {
    const info = this.cachedStreamInfo(streamId)
    const epoch = info ? this.keyVersions(serverId, streamId, info).at(-1)?.epoch : null
    return epoch ?? this.currentEpoch(serverId)
  }

  /** A read proof for `keyVersion` made with the read key of `epoch`. */
  readProof(
    serverId: string,
    streamId: string,
    keyVersion: number,
    epoch: number,
    accountId: string,
  ): ReadProof {
    const keys = this.streamKeys(serverId, streamId, epoch)
    if (!keys) throw new Error(`no keys for epoch ${epoch} of stream ${streamId}`)
    const at = this.session.now()
    const payload = readPayload({ stream: streamId, accountId, keyVersion, at })
    return { keyVersion, at, signature: signPayloadB64(payload, keys.read.privateKey) }
  }

  /** A proof for the stream's newest key version this client holds a key for. */
  async currentReadProof(serverId: string, streamId: string, accountId: string) {
    let access = await this.currentAccess(serverId, streamId)
    if (access.epoch === null) access = await this.currentAccess(serverId, streamId, true)
    if (access.epoch === null)
      throw new Error(`no key for the current key version of stream ${streamId}`)
    return this.readProof(serverId, streamId, access.keyVersion, access.epoch, accountId)
  }

  forgetStream(streamId: string): void {
    this.infos.delete(streamId)
  }

  /** Drops everything derived for a server (left or removed). */
  forgetServer(serverId: string): void {
    this.provisional.delete(serverId)
    for (const [key, keys] of this.derived) {
      if (!key.startsWith(`${serverId}/`)) continue
      wipeKeySet(keys)
      this.derived.delete(key)
    }
  }

  /** Wipes every derived key (on lock). */
  wipe(): void {
    for (const keys of this.derived.values()) wipeKeySet(keys)
    this.derived.clear()
    this.provisional.clear()
    this.infos.clear()
  }
}

function wipeKeySet(keys: StreamKeySet): void {
  wipe(keys.contentKey)
  wipe(keys.post.privateKey)
  wipe(keys.read.privateKey)
}

// The keys of every joined server's streams, derived from the secrets each MLS epoch exports
// (the group io holds them), and what the backend says of each stream's key versions. The client
// learns which epoch a stream's key version belongs to by deriving the read key of every epoch it
// knows and matching it against the stream's current and rotated-out read keys.
import { toBase64Url } from '../../shared/encoding'
import {
  LIMITS,
  readPayload,
  streamInfoPayload,
  type ReadProof,
  type StreamInfo,
  type StreamInfoRequest,
} from '../../shared/protocol'
import { signPayloadB64, wipe } from '../crypto'
import { channelKeys, logKeys, type StreamKeySet } from '../server-keys'
import type { EpochSecrets } from './group-store'
import type { UnlockedSession } from '../session'

export interface KeyVersion {
  readonly keyVersion: number
  /** The epoch whose derived read key this version uses; null when no known epoch matches. */
  readonly epoch: number | null
  readonly readKey: string
  /** The last seq this version may read; null for the current version. */
  readonly untilSeq: number | null
}

/** Where the keyring learns which epochs this device holds keys of (the group io). */
export interface EpochSource {
  /** Key epochs held for the server, oldest first; empty when this account is not in it. */
  epochs(serverId: string): number[]
  /** The group's current key epoch; 0 when not in the server. */
  current(serverId: string): number
  secrets(serverId: string, epoch: number): EpochSecrets | null
}

export class Keyring {
  private readonly derived = new Map<string, StreamKeySet>()
  private readonly infos = new Map<string, StreamInfo>()
  private source: EpochSource = { epochs: () => [], current: () => 0, secrets: () => null }
  private mismatchListener: (serverId: string, reason: string) => void = () => {}

  constructor(private readonly session: UnlockedSession) {}

  setSource(source: EpochSource): void {
    this.source = source
  }

  /** Who is told of a stream record that no epoch of the group explains (to warn of it). */
  onMismatch(listener: (serverId: string, reason: string) => void): void {
    this.mismatchListener = listener
  }

  reportMismatch(serverId: string, reason: string): void {
    this.mismatchListener(serverId, reason)
  }

  has(serverId: string): boolean {
    return this.source.current(serverId) > 0
  }

  knownEpochs(serverId: string): number[] {
    return this.source.epochs(serverId)
  }

  currentEpoch(serverId: string): number {
    return this.source.current(serverId)
  }

  /** The keys of a server stream (the log when `streamId` is the server id) in one epoch. */
  streamKeys(serverId: string, streamId: string, epoch: number): StreamKeySet | null {
    const cacheKey = `${serverId}/${streamId}/${epoch}`
    const known = this.derived.get(cacheKey)
    if (known) return known
    const secrets = this.source.secrets(serverId, epoch)
    if (!secrets) return null
    const keys =
      streamId === serverId ? logKeys(secrets.join, serverId) : channelKeys(secrets, streamId)
    this.derived.set(cacheKey, keys)
    return keys
  }

  /** Forgets what was derived for epochs the source no longer holds. */
  dropEpoch(serverId: string, epoch: number): void {
    for (const [key, keys] of this.derived) {
      if (!key.startsWith(`${serverId}/`) || !key.endsWith(`/${epoch}`)) continue
      wipeKeySet(keys)
      this.derived.delete(key)
    }
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

  /** The epoch to seal new items in: the group's current one, whatever the backend says. */
  offlineEpoch(serverId: string): number {
    return this.currentEpoch(serverId)
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
    this.infos.clear()
  }
}

function wipeKeySet(keys: StreamKeySet): void {
  wipe(keys.contentKey, keys.post.privateKey, keys.read.privateKey, keys.admin.privateKey)
}

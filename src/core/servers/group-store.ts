// What this device keeps of each server between runs, sealed in the local cache: the MLS group
// state of the current epoch, the last log seq processed, and the keys exported from each
// recent epoch. Epoch keys are kept only while a message sealed in that epoch may still be
// unburned (docs/KEYS.md, "No key outlives the messages it protects"); the vault holds none.
import { fromBase64Url, toBase64Url } from '../../shared/encoding'
import type { LocalCache } from '../cache'
import { wipe } from '../crypto'

/** Paracord numbers epochs from 1; MLS from 0. Shard bodies carry the paracord number. */
export const keyEpochOf = (mlsEpoch: number) => mlsEpoch + 1

export interface EpochSecrets {
  /** Exported from the epoch for channel keys: only members of the epoch hold it. */
  readonly secret: Uint8Array
  /** Exported from the epoch for the log and joins: also sealed to open invites and accounts. */
  readonly join: Uint8Array
}

export interface StoredEpoch {
  readonly secret: string
  readonly join: string
  readonly startedAt: number
  /** When this device saw the next epoch begin; null for the current one. */
  readonly endedAt: number | null
}

export interface StoredServer {
  readonly v: 2
  /** The encoded MLS group state (current epoch only). */
  readonly group: string
  /** The last log seq processed (taken or refused). */
  readonly seq: number
  /** Key epoch (decimal) → its exported secrets. */
  readonly epochs: Readonly<Record<string, StoredEpoch>>
  /** userId → identity key, for every user ever seen in the group, so old messages verify. */
  readonly pinned: Readonly<Record<string, string>>
  /** When this device last refreshed its own leaf (post-compromise recovery). */
  readonly leafUpdatedAt: number
}

const valueKey = (serverId: string) => `group:${serverId}`

export function loadServer(cache: LocalCache, serverId: string): StoredServer | null {
  const stored = cache.getValue<StoredServer>(valueKey(serverId))
  return stored?.v === 2 ? stored : null
}

export function saveServer(cache: LocalCache, serverId: string, stored: StoredServer): void {
  cache.setValue(valueKey(serverId), stored)
}

export function deleteServer(cache: LocalCache, serverId: string): void {
  cache.deleteValue(valueKey(serverId))
}

export function epochSecretsOf(stored: StoredEpoch): EpochSecrets {
  return { secret: fromBase64Url(stored.secret), join: fromBase64Url(stored.join) }
}

export function storedEpoch(secrets: EpochSecrets, startedAt: number): StoredEpoch {
  return {
    secret: toBase64Url(secrets.secret),
    join: toBase64Url(secrets.join),
    startedAt,
    endedAt: null,
  }
}

/**
 * The epochs still worth keeping: the current one, and ended ones while a message sealed in them
 * may be unburned (`keepMs`: the longest burn of any channel, plus clock slack).
 */
export function pruneEpochs(
  epochs: Readonly<Record<string, StoredEpoch>>,
  now: number,
  keepMs: number,
): Record<string, StoredEpoch> {
  const kept: Record<string, StoredEpoch> = {}
  for (const [epoch, stored] of Object.entries(epochs)) {
    if (stored.endedAt !== null && stored.endedAt + keepMs < now) {
      const secrets = epochSecretsOf(stored)
      wipe(secrets.secret, secrets.join)
      continue
    }
    kept[epoch] = stored
  }
  return kept
}

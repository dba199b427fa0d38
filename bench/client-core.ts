// Client core: how fast received shards become cached messages (decrypt + verify + cache),
// how long the newest 50 of 10,000 cached messages take to load, how long a vault unlock takes
// (Argon2id at the default parameters, then opening the vault), and the resident memory of the
// process holding the core with 10,000 cached messages. Usage: tsx bench/client-core.ts
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openCache } from '../src/core/cache'
import { openItem, sealItem } from '../src/core/shard-codec'
import {
  deriveLoginSecrets,
  generateIdentity,
  loadSodium,
  newSalt,
  openVault,
  randomKey,
  sealVault,
} from '../src/core/crypto'
import { DEFAULT_KDF } from '../src/shared/protocol'
import { machine } from './lib/stats'

const MESSAGES = 10_000

async function main() {
  await loadSodium()
  const dir = await mkdtemp(join(tmpdir(), 'paracord-core-bench-'))
  try {
    const rssBefore = process.memoryUsage().rss
    const identity = generateIdentity()
    const author = {
      userId: identity.userId,
      signPublicKey: identity.signing.publicKey,
      signSecretKey: identity.signing.privateKey,
    }
    const contentKey = randomKey()
    const stream = randomBytes(16).toString('base64url')
    const burnAt = Date.now() + 7 * 86_400_000
    // Shards as the server would deliver them (sealed and signed by their author).
    const shards = Array.from({ length: MESSAGES }, (_, n) => {
      const binding = { stream, shardId: randomBytes(16).toString('base64url'), burnAt }
      const payload = {
        kind: 'message',
        text: `message ${n} `.padEnd(120, 'x'),
        sentAt: Date.now(),
      }
      return { binding, seq: n + 1, body: sealItem(binding, 1, contentKey, author, payload) }
    })

    const cache = await openCache({ path: join(dir, 'cache.db'), cacheKey: randomKey() })
    // 1. Decrypt + verify + cache, one message at a time as live delivery does.
    const ingestStarted = performance.now()
    for (const shard of shards) {
      const item = openItem(shard.binding, shard.body, (epoch) => (epoch === 1 ? contentKey : null))
      cache.putMessage({
        id: shard.binding.shardId,
        stream,
        seq: shard.seq,
        burnAt,
        data: { author: item.author, payload: item.payload },
      })
    }
    const ingestSeconds = (performance.now() - ingestStarted) / 1000

    // 2. Newest 50 of 10,000 (what opening a channel shows first); the median of 20 loads.
    const loads: number[] = []
    for (let i = 0; i < 20; i++) {
      const started = performance.now()
      const page = cache.listMessages(stream, { limit: 50 })
      loads.push(performance.now() - started)
      if (page.length !== 50) throw new Error('expected 50 messages')
    }
    loads.sort((a, b) => a - b)
    if (global.gc) global.gc()
    const rssWithCache = process.memoryUsage().rss

    // 3. Vault unlock: Argon2id (default KDF, off the main thread as the app does) + open.
    const salt = await newSalt()
    const handle = randomBytes(32).toString('base64url')
    const sealed = sealVault(
      new TextEncoder().encode(JSON.stringify({ identity: 'x'.repeat(2000) })),
      (await deriveLoginSecrets('correct horse battery staple', salt, DEFAULT_KDF)).vaultKey,
      handle,
      1,
    )
    const unlockStarted = performance.now()
    const secrets = await deriveLoginSecrets('correct horse battery staple', salt, DEFAULT_KDF)
    openVault(sealed, secrets.vaultKey, handle, 1)
    const unlockMs = performance.now() - unlockStarted
    cache.close()

    console.log(
      JSON.stringify({
        bench: 'client-core',
        messages: MESSAGES,
        decrypt_verify_cache_per_s: Math.round(MESSAGES / ingestSeconds),
        newest_50_of_10000_ms: Math.round(loads[10]! * 1000) / 1000,
        vault_unlock_ms: Math.round(unlockMs),
        kdf: DEFAULT_KDF,
        rss_mb_with_10000_cached: Math.round(rssWithCache / 2 ** 20),
        rss_mb_before: Math.round(rssBefore / 2 ** 20),
        machine: await machine(),
      }),
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

await main()

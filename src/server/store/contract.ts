// The behaviour every Store must show, as vitest blocks. Each backend's test file calls
// describeStoreContract with a factory that opens a fresh, empty store.
import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type {
  AccountRecord,
  EnclaveRecord,
  NewShard,
  PostResult,
  ShardRecord,
  Store,
  StreamRecord,
} from './types'
import type { StreamPolicy } from '../../shared/protocol'

export interface OpenedStore {
  readonly store: Store
  readonly cleanup: () => Promise<void>
}

const T0 = 1_700_000_000_000

const b64 = (bytes: number) => randomBytes(bytes).toString('base64url')
const newId = () => b64(16)
const newKey = () => b64(32)
const newSignature = () => b64(64)

function makeAccount(overrides: Partial<AccountRecord> = {}): AccountRecord {
  return {
    id: newId(),
    handle: b64(32),
    loginPublicKey: newKey(),
    salt: b64(16),
    kdf: { alg: 'argon2id13', opsLimit: 3, memLimit: 64 * 1024 * 1024 },
    createdAt: T0,
    ...overrides,
  }
}

function makeEnclave(
  kind: EnclaveRecord['kind'],
  overrides: Partial<EnclaveRecord> = {},
): EnclaveRecord {
  return {
    id: newId(),
    kind,
    version: 1,
    ownerKey: newKey(),
    body: b64(48),
    signature: newSignature(),
    expiresAt: null,
    updatedAt: T0,
    createdBy: null,
    ...overrides,
  }
}

function vaultOf(account: AccountRecord, overrides: Partial<EnclaveRecord> = {}): EnclaveRecord {
  return makeEnclave('vault', {
    id: account.handle,
    ownerKey: account.loginPublicKey,
    createdBy: account.id,
    ...overrides,
  })
}

function makePolicy(overrides: Partial<StreamPolicy> = {}): StreamPolicy {
  return {
    postKey: newKey(),
    readKey: newKey(),
    adminKey: newKey(),
    permanent: false,
    maxBurnSeconds: 3600,
    ...overrides,
  }
}

function makeShard(stream: string, overrides: Partial<NewShard> = {}): NewShard {
  return {
    id: newId(),
    stream,
    body: b64(40),
    burnAt: T0 + 3_600_000,
    signature: newSignature(),
    ...overrides,
  }
}

function storedShard(result: PostResult): ShardRecord {
  if (result.status !== 'stored') throw new Error(`expected stored, got ${result.status}`)
  return result.shard
}

export function describeStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store
    let cleanup: () => Promise<void>

    beforeEach(async () => {
      ;({ store, cleanup } = await open())
    })
    afterEach(async () => {
      await cleanup()
    })

    async function createStream(policy: StreamPolicy = makePolicy()): Promise<StreamRecord> {
      const id = newId()
      expect(await store.createStream({ id, policy, createdBy: newId(), createdAt: T0 })).toBe('ok')
      return (await store.getStream(id)) as StreamRecord
    }

    async function createAccount(): Promise<{ account: AccountRecord; vault: EnclaveRecord }> {
      const account = makeAccount()
      const vault = vaultOf(account)
      expect(await store.createAccount(account, vault)).toBe('ok')
      return { account, vault }
    }

    describe('accounts', () => {
      it('creates an account with its vault and finds it by id and by handle', async () => {
        const { account, vault } = await createAccount()
        expect(await store.getAccount(account.id)).toEqual(account)
        expect(await store.getAccountByHandle(account.handle)).toEqual(account)
        expect(await store.getEnclave(vault.id)).toEqual(vault)
      })

      it('answers null for unknown accounts', async () => {
        expect(await store.getAccount(newId())).toBeNull()
        expect(await store.getAccountByHandle(b64(32))).toBeNull()
      })

      it('refuses a taken handle and keeps the first account and vault', async () => {
        const { account, vault } = await createAccount()
        const rival = makeAccount({ handle: account.handle })
        expect(await store.createAccount(rival, vaultOf(rival))).toBe('handle_taken')
        expect(await store.getAccountByHandle(account.handle)).toEqual(account)
        expect(await store.getAccount(rival.id)).toBeNull()
        expect(await store.getEnclave(vault.id)).toEqual(vault)
      })

      it('rejects an account whose vault is not its own and stores nothing', async () => {
        const account = makeAccount()
        const foreignVault = vaultOf(account, { createdBy: newId() })
        await expect(store.createAccount(account, foreignVault)).rejects.toThrow(/vault/)
        expect(await store.getAccount(account.id)).toBeNull()
        expect(await store.getEnclave(foreignVault.id)).toBeNull()
      })
    })

    describe('changePassword', () => {
      const newLogin = () => ({
        loginPublicKey: newKey(),
        salt: b64(16),
        kdf: { alg: 'argon2id13' as const, opsLimit: 4, memLimit: 128 * 1024 * 1024 },
      })

      it('replaces the login key, salt and KDF and writes the next vault version', async () => {
        const { account, vault } = await createAccount()
        const login = newLogin()
        const next = { ...vault, version: 2, ownerKey: login.loginPublicKey, body: b64(48) }
        const result = await store.changePassword(account.id, login, next)
        expect(result).toEqual({ status: 'ok', value: next })
        expect(await store.getAccount(account.id)).toEqual({ ...account, ...login })
        expect(await store.getEnclave(vault.id)).toEqual(next)
      })

      it('changes neither the login nor the vault on a stale vault version', async () => {
        const { account, vault } = await createAccount()
        const login = newLogin()
        const second = { ...vault, version: 2, body: b64(48) }
        expect((await store.updateEnclave(second)).status).toBe('ok')

        const stale = { ...vault, version: 2, ownerKey: login.loginPublicKey, body: b64(48) }
        expect(await store.changePassword(account.id, login, stale)).toEqual({
          status: 'version_conflict',
          currentVersion: 2,
        })
        expect(await store.getAccount(account.id)).toEqual(account)
        expect(await store.getEnclave(vault.id)).toEqual(second)
      })

      it('answers not_found for an unknown account and changes nothing', async () => {
        const { account, vault } = await createAccount()
        const result = await store.changePassword(newId(), newLogin(), { ...vault, version: 2 })
        expect(result).toEqual({ status: 'not_found' })
        expect(await store.getAccount(account.id)).toEqual(account)
        expect(await store.getEnclave(vault.id)).toEqual(vault)
      })

      it("will not write another account's vault", async () => {
        const { vault } = await createAccount()
        const { account: intruder } = await createAccount()
        const result = await store.changePassword(intruder.id, newLogin(), {
          ...vault,
          version: 2,
        })
        expect(result).toEqual({ status: 'not_found' })
        expect(await store.getEnclave(vault.id)).toEqual(vault)
        expect(await store.getAccount(intruder.id)).toEqual(intruder)
      })
    })

    describe('deleteAccount', () => {
      it('removes the account, its sessions, challenges, vault and identities only', async () => {
        const { account, vault } = await createAccount()
        const { account: other, vault: otherVault } = await createAccount()
        const identity = makeEnclave('identity', { createdBy: account.id })
        const otherIdentity = makeEnclave('identity', { createdBy: other.id })
        const invite = makeEnclave('invite', { createdBy: account.id, expiresAt: T0 + 9e6 })
        for (const enclave of [identity, otherIdentity, invite]) {
          expect(await store.createEnclave(enclave)).toBe('ok')
        }
        const stream = await createStream()
        const shard = storedShard(await store.postShard(makeShard(stream.id), T0))
        const session = { tokenHash: b64(32), accountId: account.id, expiresAt: T0 + 9e6 }
        const otherSession = { tokenHash: b64(32), accountId: other.id, expiresAt: T0 + 9e6 }
        await store.putSession(session)
        await store.putSession(otherSession)
        const challenge = { id: newId(), handle: account.handle, nonce: b64(32), expiresAt: T0 }
        const otherChallenge = { id: newId(), handle: other.handle, nonce: b64(32), expiresAt: T0 }
        await store.putChallenge(challenge)
        await store.putChallenge(otherChallenge)

        await store.deleteAccount(account.id)

        expect(await store.getAccount(account.id)).toBeNull()
        expect(await store.getAccountByHandle(account.handle)).toBeNull()
        expect(await store.getSession(session.tokenHash)).toBeNull()
        expect(await store.takeChallenge(challenge.id)).toBeNull()
        expect(await store.getEnclave(vault.id)).toBeNull()
        expect(await store.getEnclave(identity.id)).toBeNull()
        // Invites and streams belong to whoever holds their keys.
        expect(await store.getEnclave(invite.id)).toMatchObject({
          id: invite.id,
          body: invite.body,
        })
        expect(await store.getStream(stream.id)).toEqual({ ...stream, headSeq: 1 })
        expect(await store.fetchShards(stream.id, 0, 10, T0)).toEqual([shard])
        // Nobody else loses anything.
        expect(await store.getAccount(other.id)).toEqual(other)
        expect(await store.getEnclave(otherVault.id)).toEqual(otherVault)
        expect(await store.getEnclave(otherIdentity.id)).toEqual(otherIdentity)
        expect(await store.getSession(otherSession.tokenHash)).toEqual(otherSession)
        expect(await store.takeChallenge(otherChallenge.id)).toEqual(otherChallenge)
      })

      it('frees the handle for a new registration', async () => {
        const { account } = await createAccount()
        await store.deleteAccount(account.id)
        const again = makeAccount({ handle: account.handle })
        expect(await store.createAccount(again, vaultOf(again))).toBe('ok')
      })

      it('does nothing for an unknown account', async () => {
        const { account } = await createAccount()
        await store.deleteAccount(newId())
        expect(await store.getAccount(account.id)).toEqual(account)
      })
    })

    describe('challenges', () => {
      it('hands a challenge out once', async () => {
        const challenge = { id: newId(), handle: b64(32), nonce: b64(32), expiresAt: T0 }
        await store.putChallenge(challenge)
        expect(await store.takeChallenge(challenge.id)).toEqual(challenge)
        expect(await store.takeChallenge(challenge.id)).toBeNull()
      })

      it('answers null for an unknown challenge', async () => {
        expect(await store.takeChallenge(newId())).toBeNull()
      })
    })

    describe('sessions', () => {
      it('stores, reads and deletes a session', async () => {
        const { account } = await createAccount()
        const session = { tokenHash: b64(32), accountId: account.id, expiresAt: T0 + 1000 }
        await store.putSession(session)
        expect(await store.getSession(session.tokenHash)).toEqual(session)
        await store.deleteSession(session.tokenHash)
        expect(await store.getSession(session.tokenHash)).toBeNull()
      })

      it("deletes an account's sessions, optionally all but one", async () => {
        const { account } = await createAccount()
        const { account: other } = await createAccount()
        const mine = [0, 1, 2].map(() => ({
          tokenHash: b64(32),
          accountId: account.id,
          expiresAt: T0 + 1000,
        }))
        const theirs = { tokenHash: b64(32), accountId: other.id, expiresAt: T0 + 1000 }
        for (const session of [...mine, theirs]) await store.putSession(session)

        await store.deleteSessionsOf(account.id, mine[0]?.tokenHash)
        expect(await store.getSession(mine[0]!.tokenHash)).toEqual(mine[0])
        expect(await store.getSession(mine[1]!.tokenHash)).toBeNull()
        expect(await store.getSession(mine[2]!.tokenHash)).toBeNull()

        await store.deleteSessionsOf(account.id)
        expect(await store.getSession(mine[0]!.tokenHash)).toBeNull()
        expect(await store.getSession(theirs.tokenHash)).toEqual(theirs)
      })

      it("trims an account's sessions to its newest few and names the ones it ended", async () => {
        const { account } = await createAccount()
        const { account: other } = await createAccount()
        const mine = [3, 1, 4, 2].map((n) => ({
          tokenHash: b64(32),
          accountId: account.id,
          expiresAt: T0 + n * 1000,
        }))
        const theirs = { tokenHash: b64(32), accountId: other.id, expiresAt: T0 }
        for (const session of [...mine, theirs]) await store.putSession(session)

        const ended = await store.trimSessionsOf(account.id, 2)
        expect(ended.sort()).toEqual([mine[1]!.tokenHash, mine[3]!.tokenHash].sort())
        expect(await store.getSession(mine[0]!.tokenHash)).toEqual(mine[0])
        expect(await store.getSession(mine[2]!.tokenHash)).toEqual(mine[2])
        expect(await store.getSession(theirs.tokenHash)).toEqual(theirs)
        expect(await store.trimSessionsOf(account.id, 2)).toEqual([])
      })
    })

    describe('enclaves', () => {
      it('creates once and keeps the first on a repeated id', async () => {
        const enclave = makeEnclave('identity')
        expect(await store.createEnclave(enclave)).toBe('ok')
        expect(await store.createEnclave({ ...enclave, body: b64(48) })).toBe('exists')
        expect(await store.getEnclave(enclave.id)).toEqual(enclave)
        expect(await store.getEnclave(newId())).toBeNull()
      })

      it('updates only at the stored version + 1 and reports the current version', async () => {
        const enclave = makeEnclave('invite', { expiresAt: T0 + 5000 })
        await store.createEnclave(enclave)
        const v2 = { ...enclave, version: 2, body: b64(48), ownerKey: newKey(), updatedAt: T0 + 1 }
        expect(await store.updateEnclave(v2)).toEqual({ status: 'ok', value: v2 })

        const staleV2 = { ...enclave, version: 2, body: b64(48) }
        expect(await store.updateEnclave(staleV2)).toEqual({
          status: 'version_conflict',
          currentVersion: 2,
        })
        const skipping = { ...enclave, version: 4, body: b64(48) }
        expect(await store.updateEnclave(skipping)).toEqual({
          status: 'version_conflict',
          currentVersion: 2,
        })
        expect(await store.getEnclave(enclave.id)).toEqual(v2)
        expect(await store.updateEnclave(makeEnclave('identity', { version: 2 }))).toEqual({
          status: 'not_found',
        })
      })

      it('deletes only at the stored version', async () => {
        const enclave = makeEnclave('identity')
        await store.createEnclave(enclave)
        expect(await store.deleteEnclave(enclave.id, 2)).toEqual({
          status: 'version_conflict',
          currentVersion: 1,
        })
        expect(await store.getEnclave(enclave.id)).toEqual(enclave)
        expect(await store.deleteEnclave(enclave.id, 1)).toEqual({ status: 'ok', value: null })
        expect(await store.getEnclave(enclave.id)).toBeNull()
        expect(await store.deleteEnclave(enclave.id, 1)).toEqual({ status: 'not_found' })
      })
    })

    describe('streams', () => {
      it('creates a stream at key version 1 and head 0, once', async () => {
        const policy = makePolicy({ postKey: null, permanent: true })
        const id = newId()
        const createdBy = newId()
        expect(await store.createStream({ id, policy, createdBy, createdAt: T0 })).toBe('ok')
        const expected = { id, policy, keyVersion: 1, headSeq: 0, previousKeys: [], createdBy }
        expect(await store.getStream(id)).toEqual({ ...expected, createdAt: T0 })
        const again = { id, policy: makePolicy(), createdBy: newId(), createdAt: T0 + 1 }
        expect(await store.createStream(again)).toBe('exists')
        expect(await store.getStream(id)).toEqual({ ...expected, createdAt: T0 })
        expect(await store.getStream(newId())).toBeNull()
      })

      it('rotates keys by CAS and keeps each old read key with the last seq it may read', async () => {
        const stream = await createStream()
        await store.postShard(makeShard(stream.id), T0)
        await store.postShard(makeShard(stream.id), T0)
        const keys2 = { postKey: newKey(), readKey: newKey(), adminKey: newKey() }
        const rotated = await store.rotateStreamKeys(stream.id, 2, keys2)
        expect(rotated).toEqual({
          status: 'ok',
          value: {
            ...stream,
            policy: { ...stream.policy, ...keys2 },
            keyVersion: 2,
            headSeq: 2,
            previousKeys: [{ keyVersion: 1, readKey: stream.policy.readKey, untilSeq: 2 }],
          },
        })

        await store.postShard(makeShard(stream.id), T0)
        const keys3 = { postKey: null, readKey: newKey(), adminKey: newKey() }
        expect((await store.rotateStreamKeys(stream.id, 3, keys3)).status).toBe('ok')
        const after = await store.getStream(stream.id)
        expect(after?.policy).toEqual({ ...stream.policy, ...keys3 })
        expect(after?.previousKeys).toEqual([
          { keyVersion: 1, readKey: stream.policy.readKey, untilSeq: 2 },
          { keyVersion: 2, readKey: keys2.readKey, untilSeq: 3 },
        ])
      })

      it('keeps only the newest previous read keys when asked to', async () => {
        const stream = await createStream()
        const readKeys = [stream.policy.readKey]
        for (let version = 2; version <= 5; version++) {
          const keys = { postKey: newKey(), readKey: newKey(), adminKey: newKey() }
          await store.postShard(makeShard(stream.id), T0)
          expect((await store.rotateStreamKeys(stream.id, version, keys, 2)).status).toBe('ok')
          readKeys.push(keys.readKey)
        }
        expect((await store.getStream(stream.id))?.previousKeys).toEqual([
          { keyVersion: 3, readKey: readKeys[2], untilSeq: 3 },
          { keyVersion: 4, readKey: readKeys[3], untilSeq: 4 },
        ])
      })

      it('refuses a stale or skipping rotation and changes nothing', async () => {
        const stream = await createStream()
        const keys = { postKey: newKey(), readKey: newKey(), adminKey: newKey() }
        expect(await store.rotateStreamKeys(stream.id, 1, keys)).toEqual({
          status: 'version_conflict',
          currentVersion: 1,
        })
        expect(await store.rotateStreamKeys(stream.id, 3, keys)).toEqual({
          status: 'version_conflict',
          currentVersion: 1,
        })
        expect(await store.getStream(stream.id)).toEqual(stream)
        expect(await store.rotateStreamKeys(newId(), 2, keys)).toEqual({ status: 'not_found' })
      })
    })

    describe('postShard', () => {
      it('stores shards with seq 1, 2, 3 and advances the head', async () => {
        const stream = await createStream()
        const shards = [makeShard(stream.id), makeShard(stream.id), makeShard(stream.id)]
        const results = []
        for (const [index, shard] of shards.entries()) {
          results.push(await store.postShard(shard, T0 + index))
        }
        expect(results).toEqual(
          shards.map((shard, index) => ({
            status: 'stored',
            shard: { ...shard, seq: index + 1, receivedAt: T0 + index },
          })),
        )
        expect((await store.getStream(stream.id))?.headSeq).toBe(3)
      })

      it('answers a repeated post with the first result and stores nothing new', async () => {
        const stream = await createStream()
        const shard = makeShard(stream.id, { signature: null, burnAt: null })
        const first = storedShard(await store.postShard(shard, T0))
        expect(await store.postShard(shard, T0 + 5000)).toEqual({
          status: 'duplicate',
          shard: first,
        })
        expect((await store.getStream(stream.id))?.headSeq).toBe(1)
        expect(await store.fetchShards(stream.id, 0, 10, T0)).toEqual([first])
      })

      it('refuses the same id with other content and keeps the first', async () => {
        const stream = await createStream()
        const other = await createStream()
        const shard = makeShard(stream.id)
        const first = storedShard(await store.postShard(shard, T0))
        const variants: NewShard[] = [
          { ...shard, body: b64(40) },
          { ...shard, burnAt: (shard.burnAt as number) + 1 },
          { ...shard, burnAt: null },
          { ...shard, signature: newSignature() },
          { ...shard, signature: null },
          { ...shard, stream: other.id },
        ]
        for (const variant of variants) {
          expect(await store.postShard(variant, T0)).toEqual({ status: 'id_conflict' })
        }
        expect(await store.fetchShards(stream.id, 0, 10, T0)).toEqual([first])
        expect(await store.fetchShards(other.id, 0, 10, T0)).toEqual([])
        expect((await store.getStream(other.id))?.headSeq).toBe(0)
      })

      it('answers no_stream for an unknown stream and stores nothing', async () => {
        const shard = makeShard(newId())
        expect(await store.postShard(shard, T0)).toEqual({ status: 'no_stream' })
        expect(await store.fetchShards(shard.stream, 0, 10, T0)).toEqual([])
        expect(await store.nextExpiry()).toBeNull()
      })

      it('gives 200 concurrent posts over 3 streams gapless increasing seqs', async () => {
        const streams = [await createStream(), await createStream(), await createStream()]
        const shards = Array.from({ length: 200 }, (_, index) => makeShard(streams[index % 3]!.id))
        const results = await Promise.all(shards.map((shard) => store.postShard(shard, T0)))
        for (const stream of streams) {
          const posted = shards.filter((shard) => shard.stream === stream.id)
          const seqs = results
            .map(storedShard)
            .filter((shard) => shard.stream === stream.id)
            .map((shard) => shard.seq)
          expect([...seqs].sort((a, b) => a - b)).toEqual(posted.map((_, index) => index + 1))
          expect((await store.getStream(stream.id))?.headSeq).toBe(posted.length)
          // Which call gets which seq is the store's choice; the fetch must agree with it.
          const fetched = await store.fetchShards(stream.id, 0, 500, T0)
          expect(fetched.map((shard) => shard.seq)).toEqual(posted.map((_, index) => index + 1))
          expect(fetched).toEqual(
            expect.arrayContaining(
              results
                .filter((result) => result.status === 'stored' && result.shard.stream === stream.id)
                .map((result) => (result as { shard: ShardRecord }).shard),
            ),
          )
          expect(new Set(fetched.map((shard) => shard.id))).toEqual(
            new Set(posted.map((shard) => shard.id)),
          )
        }
      })

      it('stores one copy of a shard posted several times at once', async () => {
        const stream = await createStream()
        const shard = makeShard(stream.id)
        const results = await Promise.all([1, 2, 3].map(() => store.postShard(shard, T0)))
        const stored = results.filter((result) => result.status === 'stored')
        expect(stored).toHaveLength(1)
        const first = storedShard(stored[0] as PostResult)
        const others = results.filter((result) => result.status !== 'stored')
        expect(others).toEqual([
          { status: 'duplicate', shard: first },
          { status: 'duplicate', shard: first },
        ])
        expect((await store.getStream(stream.id))?.headSeq).toBe(1)
      })

      it('lets the rest of a concurrent batch through when some posts are refused', async () => {
        const stream = await createStream()
        const taken = makeShard(stream.id)
        await store.postShard(taken, T0)
        const good = [makeShard(stream.id), makeShard(stream.id)]
        const results = await Promise.all([
          store.postShard(good[0]!, T0),
          store.postShard({ ...taken, body: b64(40) }, T0),
          store.postShard(makeShard(newId()), T0),
          store.postShard(good[1]!, T0),
        ])
        expect(results.map((result) => result.status)).toEqual([
          'stored',
          'id_conflict',
          'no_stream',
          'stored',
        ])
        const seqs = results.flatMap((result) => ('shard' in result ? [result.shard.seq] : []))
        expect(seqs.sort((a, b) => a - b)).toEqual([2, 3])
        expect((await store.getStream(stream.id))?.headSeq).toBe(3)
      })
    })

    describe('fetchShards', () => {
      it('returns shards after a seq, in order, at most limit', async () => {
        const stream = await createStream()
        const other = await createStream()
        const posted = []
        for (let i = 0; i < 6; i++) {
          posted.push(storedShard(await store.postShard(makeShard(stream.id), T0 + i)))
          await store.postShard(makeShard(other.id), T0)
        }
        expect(await store.fetchShards(stream.id, 0, 100, T0)).toEqual(posted)
        expect(await store.fetchShards(stream.id, 2, 3, T0)).toEqual(posted.slice(2, 5))
        expect(await store.fetchShards(stream.id, 6, 10, T0)).toEqual([])
        expect(await store.fetchShards(stream.id, 0, 0, T0)).toEqual([])
        expect(await store.fetchShards(newId(), 0, 10, T0)).toEqual([])
      })

      it('never returns a shard whose burn time has come', async () => {
        const stream = await createStream(makePolicy({ permanent: true }))
        const burnsAtT1 = storedShard(
          await store.postShard(makeShard(stream.id, { burnAt: T0 + 1000 }), T0),
        )
        const permanent = storedShard(
          await store.postShard(makeShard(stream.id, { burnAt: null }), T0),
        )
        const later = storedShard(
          await store.postShard(makeShard(stream.id, { burnAt: T0 + 2000 }), T0),
        )

        expect(await store.fetchShards(stream.id, 0, 10, T0 + 999)).toEqual([
          burnsAtT1,
          permanent,
          later,
        ])
        expect(await store.fetchShards(stream.id, 0, 10, T0 + 1000)).toEqual([permanent, later])
        expect(await store.fetchShards(stream.id, 0, 10, T0 + 5000)).toEqual([permanent])
      })

      it('rejects a negative or fractional limit', async () => {
        const stream = await createStream()
        await expect(store.fetchShards(stream.id, 0, -1, T0)).rejects.toThrow(/limit/)
        await expect(store.fetchShards(stream.id, 0, 1.5, T0)).rejects.toThrow(/limit/)
      })
    })

    describe('sweep and nextExpiry', () => {
      it('deletes burned shards, expired enclaves, challenges and sessions, and nothing else', async () => {
        const stream = await createStream(makePolicy({ permanent: true }))
        const burned = storedShard(
          await store.postShard(makeShard(stream.id, { burnAt: T0 + 10 }), T0),
        )
        const alive = storedShard(
          await store.postShard(makeShard(stream.id, { burnAt: T0 + 99 }), T0),
        )
        const permanent = storedShard(
          await store.postShard(makeShard(stream.id, { burnAt: null }), T0),
        )
        const expiredInvite = makeEnclave('invite', { expiresAt: T0 + 20 })
        const liveInvite = makeEnclave('invite', { expiresAt: T0 + 99 })
        const identity = makeEnclave('identity')
        for (const enclave of [expiredInvite, liveInvite, identity])
          await store.createEnclave(enclave)
        const { account } = await createAccount()
        const oldSession = { tokenHash: b64(32), accountId: account.id, expiresAt: T0 + 30 }
        const liveSession = { tokenHash: b64(32), accountId: account.id, expiresAt: T0 + 99 }
        await store.putSession(oldSession)
        await store.putSession(liveSession)
        const oldChallenge = { id: newId(), handle: b64(32), nonce: b64(32), expiresAt: T0 + 40 }
        const liveChallenge = { id: newId(), handle: b64(32), nonce: b64(32), expiresAt: T0 + 99 }
        await store.putChallenge(oldChallenge)
        await store.putChallenge(liveChallenge)

        expect(await store.nextExpiry()).toBe(T0 + 10)
        expect(await store.sweep(T0)).toEqual({ shards: 0, enclaves: 0 })
        expect(await store.sweep(T0 + 50)).toEqual({ shards: 1, enclaves: 1 })

        expect(await store.fetchShards(stream.id, 0, 10, T0)).toEqual([alive, permanent])
        expect(burned.seq).toBe(1)
        expect(await store.getEnclave(expiredInvite.id)).toBeNull()
        expect(await store.getEnclave(liveInvite.id)).toEqual(liveInvite)
        expect(await store.getEnclave(identity.id)).toEqual(identity)
        expect(await store.getSession(oldSession.tokenHash)).toBeNull()
        expect(await store.getSession(liveSession.tokenHash)).toEqual(liveSession)
        expect(await store.takeChallenge(oldChallenge.id)).toBeNull()
        expect(await store.takeChallenge(liveChallenge.id)).toEqual(liveChallenge)
        expect(await store.nextExpiry()).toBe(T0 + 99)
      })

      it('deletes a shard whose burn time equals now', async () => {
        const stream = await createStream()
        await store.postShard(makeShard(stream.id, { burnAt: T0 + 10 }), T0)
        expect(await store.sweep(T0 + 10)).toEqual({ shards: 1, enclaves: 0 })
      })

      it('never reuses the seq of a swept shard', async () => {
        const stream = await createStream()
        await store.postShard(makeShard(stream.id, { burnAt: T0 + 10 }), T0)
        await store.sweep(T0 + 10)
        const next = storedShard(await store.postShard(makeShard(stream.id), T0 + 20))
        expect(next.seq).toBe(2)
        expect((await store.getStream(stream.id))?.headSeq).toBe(2)
      })

      it('reports the soonest expiry of any kind, or null when nothing expires', async () => {
        expect(await store.nextExpiry()).toBeNull()
        const stream = await createStream(makePolicy({ permanent: true }))
        await store.postShard(makeShard(stream.id, { burnAt: null }), T0)
        await store.createEnclave(makeEnclave('identity'))
        expect(await store.nextExpiry()).toBeNull()

        await store.postShard(makeShard(stream.id, { burnAt: T0 + 500 }), T0)
        expect(await store.nextExpiry()).toBe(T0 + 500)
        await store.createEnclave(makeEnclave('invite', { expiresAt: T0 + 400 }))
        expect(await store.nextExpiry()).toBe(T0 + 400)
        await store.putChallenge({
          id: newId(),
          handle: b64(32),
          nonce: b64(32),
          expiresAt: T0 + 300,
        })
        expect(await store.nextExpiry()).toBe(T0 + 300)
        const { account } = await createAccount()
        await store.putSession({ tokenHash: b64(32), accountId: account.id, expiresAt: T0 + 200 })
        expect(await store.nextExpiry()).toBe(T0 + 200)
      })
    })

    describe('secrets', () => {
      it('creates a secret once and returns the same value afterwards', async () => {
        let calls = 0
        const create = () => {
          calls += 1
          return b64(32)
        }
        const first = await store.ensureSecret('cookie', create)
        expect(await store.ensureSecret('cookie', create)).toBe(first)
        expect(calls).toBe(1)
        const other = await store.ensureSecret('turn', create)
        expect(other).not.toBe(first)
        expect(await store.ensureSecret('cookie', () => 'never used')).toBe(first)
      })
    })
  })
}

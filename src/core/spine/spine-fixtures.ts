// Test fixtures: deterministic people and a small builder that writes entries on the current
// head the way a client would. Shared by the spine's tests and by anyone who needs a real spine.
import { isDeepStrictEqual } from 'node:util'
import sodium from 'libsodium-wrappers-sumo'
import { toBase64Url } from '../../shared/encoding'
import { createEntry, entryHash, entrySigningBytes } from './entry'
import { foldSpine } from './fold'
import { EMPTY_SPINE_STATE } from './state'
import {
  SPINE_VERSION,
  type SpineAuthor,
  type SpineBody,
  type SpineEntry,
  type SpineState,
} from './types'

export interface TestPerson extends SpineAuthor {
  readonly displayName: string
  readonly boxKey: string
}

/** A person with keys derived from `seed` (0-255); call after `await spineReady()`. */
export function testPerson(seed: number, displayName: string): TestPerson {
  const signKey = sodium.crypto_sign_seed_keypair(new Uint8Array(32).fill(seed))
  const boxKey = sodium.crypto_box_seed_keypair(new Uint8Array(32).fill(seed)).publicKey
  return {
    userId: testId(seed, 'user'),
    signKey: { publicKey: signKey.publicKey, privateKey: signKey.privateKey },
    displayName,
    boxKey: toBase64Url(boxKey),
  }
}

/** A well-formed random-looking id, stable for a seed and purpose. */
export function testId(seed: number, purpose: string): string {
  return toBase64Url(sodium.crypto_generichash(16, `${purpose}:${seed}`, null))
}

/** A key-rotation body sealing (fake, opaque) keys to exactly the current members. */
export function rotationFor(state: SpineState): SpineBody {
  const envelopes: Record<string, string> = {}
  for (const userId of state.members.keys()) envelopes[userId] = toBase64Url(sealedKeysFor(userId))
  return { type: 'key_rotated', epoch: state.epoch + 1, envelopes }
}

function sealedKeysFor(userId: string): Uint8Array {
  return sodium.crypto_generichash(32, `sealed:${userId}`, null)
}

export interface Attempt {
  /** Why the entry was rejected; null when it was accepted. */
  readonly reason: string | null
  /** Whether the folded state came back equal to the state before. */
  readonly unchanged: boolean
}

export class TestSpine {
  state: SpineState = EMPTY_SPINE_STATE
  head: SpineEntry | null = null
  clock = 1_700_000_000_000

  /** An entry by `author` on the current head, not yet folded. */
  sign(author: SpineAuthor, body: SpineBody, at = this.tick()): SpineEntry {
    return createEntry(this.head, body, author, at)
  }

  /** Like sign, but without the shape check: a correctly signed malformed entry. */
  signRaw(author: SpineAuthor, body: unknown, at = this.tick()): SpineEntry {
    const unsigned: Omit<SpineEntry, 'sig'> = {
      v: SPINE_VERSION,
      prev: this.head === null ? null : entryHash(this.head),
      at,
      author: author.userId,
      authorKey: toBase64Url(author.signKey.publicKey),
      body: body as SpineBody,
    }
    const sig = sodium.crypto_sign_detached(entrySigningBytes(unsigned), author.signKey.privateKey)
    return { ...unsigned, sig: toBase64Url(sig) }
  }

  /** Signs and folds `body`, keeping it when accepted; returns the rejection reason. */
  write(author: SpineAuthor, body: SpineBody, at = this.tick()): string | null {
    return this.append(this.sign(author, body, at))
  }

  /** Folds `entry`, keeping it when accepted; returns the rejection reason. */
  append(entry: SpineEntry): string | null {
    const { state, rejected } = foldSpine([entry], this.state)
    if (rejected.length > 0) return rejected[0]!.reason
    this.state = state
    this.head = entry
    return null
  }

  /** Folds `entry` onto the current state without keeping it. */
  attempt(entry: SpineEntry): Attempt {
    const { state, rejected } = foldSpine([entry], this.state)
    return { reason: rejected[0]?.reason ?? null, unchanged: isDeepStrictEqual(state, this.state) }
  }

  /** Signs `body` and attempts it. */
  try(author: SpineAuthor, body: SpineBody, at = this.tick()): Attempt {
    return this.attempt(this.sign(author, body, at))
  }

  tick(ms = 1000): number {
    this.clock += ms
    return this.clock
  }
}

/** A founded server: `owner` wrote genesis; returns the spine. */
export function foundServer(owner: TestPerson, serverSeed = 1): TestSpine {
  const spine = new TestSpine()
  const reason = spine.write(owner, {
    type: 'genesis',
    serverId: testId(serverSeed, 'server'),
    name: 'Rope Club',
    epoch: 1,
    displayName: owner.displayName,
    boxKey: owner.boxKey,
  })
  if (reason) throw new Error(`genesis rejected: ${reason}`)
  return spine
}

export interface TestClub {
  readonly spine: TestSpine
  readonly owner: TestPerson
  readonly admin: TestPerson
  readonly alice: TestPerson
  readonly bob: TestPerson
  /** Never joined. */
  readonly outsider: TestPerson
  /** An unlimited, unexpiring invite everyone joined through. */
  readonly inviteId: string
  readonly channelId: string
}

/** A server with an owner, one admin, two members and a text channel. */
export function foundClub(): TestClub {
  const owner = testPerson(1, 'Olga')
  const admin = testPerson(2, 'Ada')
  const alice = testPerson(3, 'Alice')
  const bob = testPerson(4, 'Bob')
  const outsider = testPerson(5, 'Mallory')
  const inviteId = testId(1, 'invite')
  const channelId = testId(1, 'channel')
  const spine = foundServer(owner)
  const steps: [TestPerson, SpineBody][] = [
    [owner, { type: 'invite_created', inviteId, maxUses: null, expiresAt: null }],
    ...[admin, alice, bob].map((p): [TestPerson, SpineBody] => [p, joinBody(p, inviteId)]),
    [owner, { type: 'role_changed', userId: admin.userId, role: 'admin' }],
    [
      owner,
      { type: 'channel_created', channelId, name: 'general', kind: 'text', burnSeconds: 3600 },
    ],
  ]
  for (const [author, body] of steps) {
    const reason = spine.write(author, body)
    if (reason) throw new Error(`club set-up rejected ${body.type}: ${reason}`)
  }
  return { spine, owner, admin, alice, bob, outsider, inviteId, channelId }
}

export function joinBody(person: TestPerson, inviteId: string): SpineBody {
  return { type: 'member_joined', inviteId, displayName: person.displayName, boxKey: person.boxKey }
}

import { describe, expect, it } from 'vitest'
import {
  SpineEntryError,
  canonicalJson,
  createEntry,
  entryHash,
  nextEntryTime,
  spineReady,
} from './entry'
import { foldSpine } from './fold'
import { testId, testPerson } from './spine-fixtures'
import type { SpineBody } from './types'

await spineReady()
const owner = testPerson(1, 'Olga')
const genesisBody: SpineBody = {
  type: 'genesis',
  serverId: testId(1, 'server'),
  name: 'Rope Club',
  epoch: 1,
  displayName: 'Olga',
  boxKey: owner.boxKey,
}

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: 'x', c: null }, e: undefined })).toBe(
      '{"a":{"c":null,"d":"x"},"b":1}',
    )
  })
})

describe('createEntry', () => {
  it('makes a genesis with no prev that a fold accepts', () => {
    const entry = createEntry(null, genesisBody, owner, 1000)
    expect(entry).toMatchObject({ v: 1, prev: null, at: 1000, author: owner.userId })
    expect(foldSpine([entry]).rejected).toEqual([])
  })

  it('chains the next entry to the hash of the previous one', () => {
    const genesis = createEntry(null, genesisBody, owner, 1000)
    const next = createEntry(genesis, { type: 'server_renamed', name: 'Knots' }, owner, 2000)
    expect(next.prev).toBe(entryHash(genesis))
  })

  it('signs the same bytes whatever the key order, and survives JSON transport', () => {
    const body = { name: 'Knots', type: 'server_renamed' } as const
    const genesis = createEntry(null, genesisBody, owner, 1000)
    const entry = createEntry(genesis, body, owner, 2000)
    const travelled = JSON.parse(JSON.stringify(entry)) as typeof entry
    expect(foldSpine([genesis, travelled]).rejected).toEqual([])
    expect(entryHash(travelled)).toBe(entryHash(entry))
  })

  it('leaves out optional fields given as undefined, so peers verify the same bytes', () => {
    const genesis = createEntry(null, genesisBody, owner, 1000)
    const entry = createEntry(
      genesis,
      { type: 'profile_changed', displayName: undefined, status: 'afk' },
      owner,
      2000,
    )
    expect(Object.keys(entry.body)).toEqual(['status', 'type'])
    expect(foldSpine([genesis, JSON.parse(JSON.stringify(entry))]).rejected).toEqual([])
  })

  it('refuses to sign a malformed body, with the reason', () => {
    const bad = {
      type: 'channel_created',
      channelId: 'x',
      name: 'a',
      kind: 'text',
      burnSeconds: 60,
    }
    expect(() => createEntry(null, bad as SpineBody, owner, 1000)).toThrow(SpineEntryError)
    expect(() => createEntry(null, bad as SpineBody, owner, 1000)).toThrow(/channelId/)
  })

  it('refuses a time that is not a whole number of ms', () => {
    expect(() => createEntry(null, genesisBody, owner, 1.5)).toThrow(/at must be a time/)
  })
})

describe('entryHash', () => {
  it('differs when anything signed differs', () => {
    const a = createEntry(null, genesisBody, owner, 1000)
    const b = createEntry(null, genesisBody, owner, 1001)
    expect(entryHash(a)).not.toBe(entryHash(b))
    expect(entryHash(a)).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })
})

describe('nextEntryTime', () => {
  it('is now, but never earlier than the head', () => {
    const head = createEntry(null, genesisBody, owner, 5000)
    expect(nextEntryTime(null, 100)).toBe(100)
    expect(nextEntryTime(head, 100)).toBe(5000)
    expect(nextEntryTime(head, 9000)).toBe(9000)
  })
})

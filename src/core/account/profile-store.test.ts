import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_KDF } from '../../shared/protocol'
import { ProfileFormatError, ProfileStore, type StoredProfile } from './profile-store'
import { cleanUp, tempFolder } from './test-kit'

afterEach(() => cleanUp())

const b64 = (length: number, fill = 'A') => fill.repeat(length)
const profile = (name: string, fill: string): StoredProfile => ({
  v: 1,
  name,
  handle: b64(43, fill),
  accountId: b64(22, fill),
  userId: b64(22, fill),
  serverUrl: 'http://127.0.0.1:1',
  salt: b64(22, fill),
  kdf: { ...DEFAULT_KDF },
  vault: {
    id: b64(43, fill),
    kind: 'vault',
    version: 1,
    ownerKey: b64(43, fill),
    body: b64(100, fill),
    signature: b64(86, fill),
    expiresAt: null,
    updatedAt: 1,
  },
})

describe('ProfileStore', () => {
  it('writes profile.json owner-only in a folder named by the handle prefix, and reads it back', () => {
    const store = new ProfileStore(tempFolder('profiles'))
    const alice = profile('alice', 'a')
    store.write(alice)
    const folder = store.folderOf(alice.handle)
    expect(folder.endsWith(join('profiles', 'a'.repeat(16)))).toBe(true)
    expect(statSync(join(folder, 'profile.json')).mode & 0o777).toBe(0o600)
    expect(readdirSync(folder)).toEqual(['profile.json'])
    expect(store.read(alice.handle)).toEqual(alice)
    expect(store.cachePathOf(alice.handle)).toBe(join(folder, 'cache.db'))
  })

  it('replaces a profile whole on rewrite, leaving no temporary file', () => {
    const store = new ProfileStore(tempFolder('profiles'))
    const alice = profile('alice', 'a')
    store.write(alice)
    const newer = { ...alice, vault: { ...alice.vault, version: 2 } }
    store.write(newer)
    expect(store.read(alice.handle)?.vault.version).toBe(2)
    expect(readdirSync(store.folderOf(alice.handle))).toEqual(['profile.json'])
  })

  it('refuses to write a malformed profile and writes nothing', () => {
    const store = new ProfileStore(tempFolder('profiles'))
    const bad = { ...profile('alice', 'a'), salt: 'short' }
    expect(() => store.write(bad)).toThrow(ProfileFormatError)
    expect(existsSync(store.folderOf(bad.handle))).toBe(false)
  })

  it('lists, finds by name and removes profiles; remembers the last account', () => {
    const store = new ProfileStore(tempFolder('profiles'))
    const bob = profile('bob', 'b')
    const alice = profile('alice', 'a')
    store.write(bob)
    store.write(alice)
    expect(store.list().map((p) => p.name)).toEqual(['alice', 'bob'])
    expect(store.findByName('bob')).toEqual(bob)
    expect(store.findByName('carol')).toBeNull()

    expect(store.lastAccount()).toBeNull()
    store.setLastAccount(bob.handle)
    expect(store.lastAccount()).toEqual(bob)

    store.remove(bob.handle)
    expect(existsSync(store.folderOf(bob.handle))).toBe(false)
    expect(store.lastAccount()).toBeNull()
    expect(store.list().map((p) => p.name)).toEqual(['alice'])
  })

  it('skips a damaged profile in the list and says what is wrong when reading it', () => {
    const dir = tempFolder('profiles')
    const store = new ProfileStore(dir)
    store.write(profile('alice', 'a'))
    const broken = join(dir, 'profiles', 'c'.repeat(16))
    mkdirSync(broken)
    writeFileSync(join(broken, 'profile.json'), '{"v":1,"name":')
    expect(store.list().map((p) => p.name)).toEqual(['alice'])
    expect(() => store.read('c'.repeat(43))).toThrow(/not JSON/)
    writeFileSync(join(broken, 'profile.json'), JSON.stringify({ ...profile('c', 'c'), v: 2 }))
    expect(() => store.read('c'.repeat(43))).toThrow(ProfileFormatError)
  })

  it('keeps the server a profile lives on, and refuses one that names no server', () => {
    const dir = tempFolder('profiles')
    const store = new ProfileStore(dir)
    const { serverUrl: _legacy, ...alice } = profile('alice', 'a')
    const onThisComputer: StoredProfile = { ...alice, server: { kind: 'this_computer' } }
    store.write(onThisComputer)
    expect(store.read(alice.handle)).toEqual(onThisComputer)

    expect(() => store.write(alice)).toThrow('refusing to write a profile that names no server')
    writeFileSync(join(store.folderOf(alice.handle), 'profile.json'), JSON.stringify(alice))
    expect(() => store.read(alice.handle)).toThrow(/names no server/)
  })

  it('remembers the server used last, and reads a damaged note as none', () => {
    const dir = tempFolder('profiles')
    const store = new ProfileStore(dir)
    expect(store.lastBackend()).toBeNull()
    store.setLastBackend({ kind: 'address', url: 'https://chat.example.org' })
    expect(store.lastBackend()).toEqual({ kind: 'address', url: 'https://chat.example.org' })
    writeFileSync(join(dir, 'last-server.json'), '{"backend":{"kind":"elsewhere"}}')
    expect(store.lastBackend()).toBeNull()
  })

  it('treats a damaged last-account file as no last account', () => {
    const dir = tempFolder('profiles')
    const store = new ProfileStore(dir)
    writeFileSync(join(dir, 'last-account.json'), 'garbage')
    expect(store.lastAccountHandle()).toBeNull()
    expect(store.lastAccount()).toBeNull()
  })

  it('answers nothing for a different handle sharing the folder prefix', () => {
    const store = new ProfileStore(tempFolder('profiles'))
    const alice = profile('alice', 'a')
    store.write(alice)
    expect(store.read('a'.repeat(16) + 'B'.repeat(27))).toBeNull()
  })
})

// AccountService against the real backend: registration, login on a second device, offline
// unlock, locking, password change, concurrent vault writes, deletion, logout and auto-lock.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ParacordError } from '../../shared/api'
import { toBase64Url } from '../../shared/encoding'
import { enclaveWritePayload } from '../../shared/protocol'
import {
  deriveLoginSecrets,
  exportIdentity,
  generateIdentity,
  loadSodium,
  loginHandle,
  newSalt,
  randomKey,
  signPayloadB64,
} from '../crypto'
import { TEST_KDF } from '../crypto/test-kdf'
import { StoreClient } from '../net/http-client'
import type { UnlockedSession } from '../session'
import { DEFAULT_SETTINGS, type VaultData } from '../vault-model'
import {
  cleanUp,
  deadUrl,
  failure,
  newDevice,
  startBackend,
  uniqueName,
  type Device,
} from './test-kit'
import { startHostileBackend, type HostileBackend } from './test-hostile-backend'
import { NEW_TEST_PASSWORD, TEST_PASSWORD } from './test-passwords'
import { sealVaultData, signVaultWrite } from './vault-io'

const devices: Device[] = []
const device = (url: string, dataDir?: string, options?: Parameters<typeof newDevice>[2]) => {
  const made = newDevice(url, dataDir, options)
  devices.push(made)
  return made
}

const hostiles: HostileBackend[] = []

afterEach(async () => {
  vi.useRealTimers()
  await cleanUp(devices.splice(0))
  await Promise.all(hostiles.splice(0).map((hostile) => hostile.close()))
})

const codeOf = async (promise: Promise<unknown>) => {
  const error = await failure(promise)
  expect(error).toBeInstanceOf(ParacordError)
  return (error as ParacordError).code
}

const withServer = (serverId: string) => (vault: VaultData) => ({
  ...vault,
  servers: {
    ...vault.servers,
    [serverId]: { joinedAt: Date.now() },
  },
})

const serverId = () => toBase64Url(randomKey().subarray(0, 16))

describe('register, lock and unlock', () => {
  it('registers, then unlocks offline with the backend stopped and reads the cache', async () => {
    const backend = await startBackend()
    const phone = device(backend.url)
    const name = uniqueName('Alice')
    const session = await phone.account.register(name, TEST_PASSWORD)

    expect(phone.account.authState()).toEqual({
      status: 'unlocked',
      name: name.toLowerCase(),
      userId: session.userId,
    })
    expect(session.vault().profile.displayName).toBe(name.toLowerCase())
    expect(session.vault().settings.autoLockMinutes).toBe(15)
    session.cache.setValue('draft', { text: 'hello while online' })

    // The profile on disk: readable by its owner only, the vault sealed, no password.
    const folder = phone.account.profiles.folderOf(session.handle)
    expect(folder).toBe(join(phone.dataDir, 'profiles', session.handle.slice(0, 16)))
    const profileFile = join(folder, 'profile.json')
    expect(statSync(profileFile).mode & 0o777).toBe(0o600)
    const text = readFileSync(profileFile, 'utf8')
    expect(text).not.toContain(TEST_PASSWORD)
    expect(text).not.toContain(session.vault().cacheKey)
    expect(existsSync(join(folder, 'cache.db'))).toBe(true)

    expect(await phone.account.lock()).toEqual({
      status: 'locked',
      name: name.toLowerCase(),
      userId: session.userId,
    })
    await backend.stop()

    const again = await phone.account.unlock(TEST_PASSWORD)
    expect(again.userId).toBe(session.userId)
    expect(again.cache.getValue('draft')).toEqual({ text: 'hello while online' })
    await phone.account.settled()
    expect(phone.account.authState().status).toBe('unlocked')
  })

  it('starts locked on the last account when the app restarts', async () => {
    const backend = await startBackend()
    const first = device(backend.url)
    const name = uniqueName()
    await first.account.register(name, TEST_PASSWORD)
    await first.account.lock()

    const restarted = device(backend.url, first.dataDir)
    expect(restarted.account.authState()).toMatchObject({ status: 'locked', name })
    expect(restarted.account.profiles.list().map((p) => p.name)).toEqual([name])
    expect(restarted.account.profiles.findByName(name)?.server).toEqual({
      kind: 'address',
      url: backend.url,
    })
    await restarted.account.unlock(TEST_PASSWORD)
    expect(restarted.account.authState().status).toBe('unlocked')
  })

  it('logs in on a second device with the same user id and vault', async () => {
    const backend = await startBackend()
    const laptop = device(backend.url)
    const name = uniqueName()
    const first = await laptop.account.register(name, TEST_PASSWORD)
    const id = serverId()
    await first.updateVault((vault) => ({
      ...withServer(id)(vault),
      profile: { displayName: 'Alice A.', status: 'busy' },
    }))

    const phone = device(backend.url)
    const second = await phone.account.login(name.toUpperCase(), TEST_PASSWORD)
    expect(second.userId).toBe(first.userId)
    expect(second.accountId).toBe(first.accountId)
    expect(second.vault()).toEqual(first.vault())
    expect(second.identity.signing.publicKey).toEqual(first.identity.signing.publicKey)
    expect(phone.account.authState()).toMatchObject({ status: 'unlocked', name })
  })
})

describe('refusals', () => {
  it('says wrong_password for a wrong password, online and offline, and keeps the profile', async () => {
    const backend = await startBackend()
    const laptop = device(backend.url)
    const name = uniqueName()
    await laptop.account.register(name, TEST_PASSWORD)
    await laptop.account.lock()

    const phone = device(backend.url)
    const online = await failure(phone.account.login(name, 'wrong'))
    expect(online).toMatchObject({ code: 'wrong_password', message: 'Wrong name or password' })
    expect(phone.account.authState().status).toBe('signed_out')

    expect(await codeOf(laptop.account.unlock('wrong'))).toBe('wrong_password')
    expect(laptop.account.authState().status).toBe('locked')
    await laptop.account.unlock(TEST_PASSWORD)
  })

  it('cannot tell an unknown name from a wrong password online; offline it knows no account', async () => {
    const backend = await startBackend()
    const phone = device(backend.url)
    const unknown = await failure(phone.account.login(uniqueName('nobody'), TEST_PASSWORD))
    // Deliberately the same answer as a wrong password: names cannot be enumerated.
    expect(unknown).toMatchObject({ code: 'wrong_password', message: 'Wrong name or password' })

    const offline = await failure(phone.account.unlock(TEST_PASSWORD))
    expect(offline).toMatchObject({ code: 'unknown_account', message: 'No account on this device' })
  })

  it('says server_unreachable when the backend is down during login or register', async () => {
    const phone = device(await deadUrl())
    expect(await codeOf(phone.account.login(uniqueName(), TEST_PASSWORD))).toBe(
      'server_unreachable',
    )
    expect(await codeOf(phone.account.register(uniqueName(), TEST_PASSWORD))).toBe(
      'server_unreachable',
    )
    expect(phone.account.authState().status).toBe('signed_out')
    expect(phone.account.profiles.list()).toEqual([])
  })

  it('says name_taken for a name in use, and writes nothing', async () => {
    const backend = await startBackend()
    const name = uniqueName()
    await device(backend.url).account.register(name, TEST_PASSWORD)
    const other = device(backend.url)
    const error = await failure(other.account.register(name.toUpperCase(), NEW_TEST_PASSWORD))
    expect(error).toMatchObject({ code: 'name_taken' })
    expect(other.account.authState().status).toBe('signed_out')
    expect(other.account.profiles.list()).toEqual([])
  })

  it('says invalid_input with the reason for a bad name', async () => {
    const backend = await startBackend()
    const phone = device(backend.url)
    const short = await failure(phone.account.register('ab', TEST_PASSWORD))
    expect(short).toMatchObject({ code: 'invalid_input' })
    expect((short as Error).message).toContain('at least 3')
    const spaced = await failure(phone.account.register('no spaces', TEST_PASSWORD))
    expect(spaced).toMatchObject({ code: 'invalid_input' })
    expect((spaced as Error).message).toContain('letters, digits')
    expect(await codeOf(phone.account.login('x'.repeat(40), TEST_PASSWORD))).toBe('invalid_input')
    expect(phone.account.profiles.list()).toEqual([])
  })
})

/**
 * An account made the way register() did before weak passwords were refused: the backend
 * cannot tell, so existing accounts with a weak password must still log in and unlock.
 */
async function registerWithoutTheRule(url: string, name: string, password: string) {
  await loadSodium()
  const handle = loginHandle(name)
  const salt = await newSalt()
  const secrets = await deriveLoginSecrets(password, salt, TEST_KDF)
  const identity = generateIdentity()
  const vault: VaultData = {
    v: 2,
    userId: identity.userId,
    identity: exportIdentity(identity),
    cacheKey: toBase64Url(randomKey()),
    profile: { displayName: name, status: '' },
    settings: { ...DEFAULT_SETTINGS },
    servers: {},
  }
  const ownerKey = toBase64Url(secrets.loginKeys.publicKey)
  const body = sealVaultData(vault, secrets.vaultKey, handle, 1)
  const signature = signVaultWrite(
    { handle, version: 1, ownerKey, body },
    secrets.loginKeys.privateKey,
  )
  await new StoreClient({ baseUrl: url }).register({
    handle,
    loginPublicKey: ownerKey,
    salt: toBase64Url(salt),
    kdf: TEST_KDF,
    vault: { body, signature },
  })
}

describe('weak passwords', () => {
  it('refuses one at registration with weak_password and the reason, and sends nothing', async () => {
    const backend = await startBackend()
    const phone = device(backend.url)
    const name = uniqueName('carol')
    for (const weak of ['p', 'password1', '12345678', `${name}2024`]) {
      const error = await failure(phone.account.register(name, weak))
      expect(error, weak).toMatchObject({ code: 'weak_password' })
      expect((error as Error).message).toMatch(/^The password is too (short|easy to guess)/)
    }
    expect(phone.account.authState().status).toBe('signed_out')
    expect(phone.account.profiles.list()).toEqual([])
    expect(phone.states).toEqual([])
    // The backend never heard of the name: it is still free.
    await phone.account.register(name, TEST_PASSWORD)
  })

  it('refuses one as the new password, and the old password goes on working', async () => {
    const backend = await startBackend()
    const laptop = device(backend.url)
    const name = uniqueName()
    const session = await laptop.account.register(name, TEST_PASSWORD)
    const before = laptop.account.profiles.read(session.handle)!

    const error = await failure(laptop.account.changePassword(TEST_PASSWORD, 'password1'))
    expect(error).toMatchObject({
      code: 'weak_password',
      message:
        'The password is too easy to guess. This is a commonly used password. Add more words that are less common.',
    })
    expect(laptop.account.profiles.read(session.handle)).toEqual(before)
    await session.updateVault((vault) => vault)

    await laptop.account.lock()
    await laptop.account.unlock(TEST_PASSWORD)
    const phone = device(backend.url)
    expect(await codeOf(phone.account.login(name, 'password1'))).toBe('wrong_password')
    await phone.account.login(name, TEST_PASSWORD)
  })

  it('still logs in and unlocks an account whose password predates the rule', async () => {
    const backend = await startBackend()
    const name = uniqueName()
    await registerWithoutTheRule(backend.url, name, 'pw')
    const phone = device(backend.url)
    const session = await phone.account.login(name, 'pw')
    expect(session.vault().profile.displayName).toBe(name)
    await phone.account.lock()
    await phone.account.unlock('pw')
    expect(phone.account.authState().status).toBe('unlocked')
    // A password change moves it onto a strong password.
    await phone.account.changePassword('pw', NEW_TEST_PASSWORD)
    await device(backend.url).account.login(name, NEW_TEST_PASSWORD)
  })
})

describe('damaged data', () => {
  it('says the vault is damaged when the right password cannot open it', async () => {
    await loadSodium()
    const backend = await startBackend()
    const name = uniqueName()
    const handle = loginHandle(name)
    const salt = await newSalt()
    const secrets = await deriveLoginSecrets(TEST_PASSWORD, salt, TEST_KDF)
    const ownerKey = toBase64Url(secrets.loginKeys.publicKey)
    const body = toBase64Url(randomKey()) // not a vault sealed under the vault key
    const signature = signPayloadB64(
      enclaveWritePayload({
        id: handle,
        kind: 'vault',
        version: 1,
        ownerKey,
        expiresAt: null,
        body,
      }),
      secrets.loginKeys.privateKey,
    )
    await new StoreClient({ baseUrl: backend.url }).register({
      handle,
      loginPublicKey: ownerKey,
      salt: toBase64Url(salt),
      kdf: TEST_KDF,
      vault: { body, signature },
    })
    const phone = device(backend.url)
    const damaged = await failure(phone.account.login(name, TEST_PASSWORD))
    expect(damaged).toMatchObject({ code: 'internal' })
    expect((damaged as Error).message).toContain('vault is damaged')
    expect(phone.account.authState().status).toBe('signed_out')
    expect(phone.account.profiles.list()).toEqual([])
  })

  it('rebuilds a cache that does not open with the vault key instead of locking the user out', async () => {
    const backend = await startBackend()
    const phone = device(backend.url)
    const session = await phone.account.register(uniqueName(), TEST_PASSWORD)
    await phone.account.lock()
    writeFileSync(phone.account.profiles.cachePathOf(session.handle), 'not a database')
    const again = await phone.account.unlock(TEST_PASSWORD)
    again.cache.setValue('k', 1)
    expect(again.cache.getValue('k')).toBe(1)
    expect(phone.errors).toHaveLength(1)
    phone.errors.length = 0
  })
})

describe('lock', () => {
  it('wipes every secret and refuses calls while locked', async () => {
    await loadSodium()
    const backend = await startBackend()
    const phone = device(backend.url)
    const session = await phone.account.register(uniqueName(), TEST_PASSWORD)
    const signSecret = session.identity.signing.privateKey
    const boxSecret = session.identity.box.privateKey
    const vault = session.vault()
    const cache = session.cache
    expect(signSecret.some((byte) => byte !== 0)).toBe(true)

    await phone.account.lock()

    expect(signSecret.every((byte) => byte === 0)).toBe(true)
    expect(boxSecret.every((byte) => byte === 0)).toBe(true)
    expect(vault.identity.signSecretKey).toBe('')
    expect(vault.cacheKey).toBe('')
    expect(() => cache.getValue('x')).toThrow(/closed/)
    for (const call of [
      () => session.vault(),
      () => session.identity,
      () => session.cache,
      () => phone.account.current(),
    ])
      expect(call).toThrow(expect.objectContaining({ code: 'locked' }))
    expect(await codeOf(session.updateVault((v) => v))).toBe('locked')
    expect(await codeOf(session.ensureOnline())).toBe('locked')
    expect(await codeOf(phone.account.changePassword(TEST_PASSWORD, 'new'))).toBe('locked')
    expect(await codeOf(phone.account.deleteAccount(TEST_PASSWORD))).toBe('locked')
  })

  it('locks the unlocked account when another one registers on the device', async () => {
    const backend = await startBackend()
    const phone = device(backend.url)
    const first = await phone.account.register(uniqueName(), TEST_PASSWORD)
    const secret = first.identity.signing.privateKey
    const second = await phone.account.register(uniqueName(), NEW_TEST_PASSWORD)
    expect(secret.every((byte) => byte === 0)).toBe(true)
    expect(phone.account.authState()).toMatchObject({ status: 'unlocked', userId: second.userId })
    expect(phone.account.profiles.list()).toHaveLength(2)
    await phone.account.lock()
    await phone.account.unlock(NEW_TEST_PASSWORD)
    expect(phone.account.current().userId).toBe(second.userId)
  })

  it('refuses calls with signed_out when there is no account at all', async () => {
    const phone = device(await deadUrl())
    expect(() => phone.account.current()).toThrow(expect.objectContaining({ code: 'signed_out' }))
  })
})

describe('change password', () => {
  it('makes the old password fail online and offline, the new one work, the session go on', async () => {
    const backend = await startBackend()
    const laptop = device(backend.url)
    const name = uniqueName()
    const session = await laptop.account.register(name, TEST_PASSWORD)
    const oldProfile = laptop.account.profiles.read(session.handle)!

    expect(await codeOf(laptop.account.changePassword('not it', NEW_TEST_PASSWORD))).toBe(
      'wrong_password',
    )
    await laptop.account.changePassword(TEST_PASSWORD, NEW_TEST_PASSWORD)

    const newProfile = laptop.account.profiles.read(session.handle)!
    expect(newProfile.salt).not.toBe(oldProfile.salt)
    expect(newProfile.vault.version).toBe(oldProfile.vault.version + 1)
    // The session keeps working with its token: a vault write goes through.
    const id = serverId()
    const written = await session.updateVault(withServer(id))
    expect(Object.keys(written.servers)).toEqual([id])

    // Online: the old password fails on another device, the new one works.
    const phone = device(backend.url)
    expect(await codeOf(phone.account.login(name, TEST_PASSWORD))).toBe('wrong_password')
    const other = await phone.account.login(name, NEW_TEST_PASSWORD)
    expect(Object.keys(other.vault().servers)).toEqual([id])

    // Offline on this device: the old password fails, the new one unlocks.
    await laptop.account.lock()
    await backend.stop()
    expect(await codeOf(laptop.account.unlock(TEST_PASSWORD))).toBe('wrong_password')
    const unlocked = await laptop.account.unlock(NEW_TEST_PASSWORD)
    expect(Object.keys(unlocked.vault().servers)).toEqual([id])
  })

  it('re-seals on top of a vault another device wrote meanwhile', async () => {
    const backend = await startBackend()
    const name = uniqueName()
    const laptop = device(backend.url)
    const a = await laptop.account.register(name, TEST_PASSWORD)
    const phone = device(backend.url)
    const b = await phone.account.login(name, TEST_PASSWORD)

    const fromPhone = serverId()
    await b.updateVault(withServer(fromPhone)) // the laptop's copy is now one version behind
    await laptop.account.changePassword(TEST_PASSWORD, NEW_TEST_PASSWORD)
    expect(Object.keys(a.vault().servers)).toEqual([fromPhone])

    const tablet = device(backend.url)
    const c = await tablet.account.login(name, NEW_TEST_PASSWORD)
    expect(Object.keys(c.vault().servers)).toEqual([fromPhone])
  })

  it('sends the other device back to sign-in; its next unlock signs in with the new password', async () => {
    const backend = await startBackend()
    const name = uniqueName()
    const laptop = device(backend.url)
    await laptop.account.register(name, TEST_PASSWORD)
    await laptop.account.lock()
    const phone = device(backend.url)
    await phone.account.login(name, TEST_PASSWORD)
    await phone.account.changePassword(TEST_PASSWORD, NEW_TEST_PASSWORD)

    // The laptop still unlocks offline with what it knows, then the server refuses its key.
    await laptop.account.unlock(TEST_PASSWORD)
    await laptop.account.settled()
    expect(laptop.account.authState().status).toBe('locked')
    expect(laptop.account.profiles.lastAccount()?.signInRequired).toBe(true)
    expect(await codeOf(laptop.account.unlock(TEST_PASSWORD))).toBe('wrong_password')
    await laptop.account.unlock(NEW_TEST_PASSWORD)
    expect(laptop.account.authState().status).toBe('unlocked')
    expect(laptop.account.profiles.lastAccount()?.signInRequired).toBeUndefined()
  })
})

describe('vault writes from two devices', () => {
  const twoDevices = async () => {
    const backend = await startBackend()
    const name = uniqueName()
    const a = await device(backend.url).account.register(name, TEST_PASSWORD)
    const phone = device(backend.url)
    const b = await phone.account.login(name, TEST_PASSWORD)
    return { a, b, phone, backend }
  }
  const serverIds = (session: UnlockedSession) => Object.keys(session.vault().servers).sort()

  it('keeps both changes when one device writes on a stale version', async () => {
    const { a, b, phone } = await twoDevices()
    const x = serverId()
    const y = serverId()
    await a.updateVault(withServer(x))
    await b.updateVault(withServer(y)) // b still holds the version before a's write
    expect(serverIds(b)).toEqual([x, y].sort())
    expect(phone.account.profiles.read(b.handle)!.vault.version).toBe(3)
  })

  it('keeps both changes when two devices write at once', async () => {
    const { a, b, backend } = await twoDevices()
    const x = serverId()
    const y = serverId()
    await Promise.all([a.updateVault(withServer(x)), b.updateVault(withServer(y))])
    const reader = await device(backend.url).account.login(a.name, TEST_PASSWORD)
    expect(serverIds(reader)).toEqual([x, y].sort())
  })

  it('keeps every change of many concurrent writes on one device', async () => {
    const { a } = await twoDevices()
    const ids = Array.from({ length: 4 }, serverId)
    await Promise.all(ids.map((id) => a.updateVault(withServer(id))))
    expect(serverIds(a)).toEqual([...ids].sort())
  })

  it('refuses a change that would replace the identity, writing nothing', async () => {
    const { a } = await twoDevices()
    const before = a.vault()
    const error = await failure(a.updateVault((vault) => ({ ...vault, userId: serverId() })))
    expect(error).toMatchObject({ code: 'invalid_input' })
    expect(a.vault()).toEqual(before)
  })

  it('takes a newer vault from the server when reconnecting after an offline unlock', async () => {
    const { a, b, phone } = await twoDevices()
    await phone.account.lock()
    const x = serverId()
    await a.updateVault(withServer(x))
    const unlocked = await phone.account.unlock(TEST_PASSWORD)
    expect(serverIds(unlocked)).toEqual([])
    await phone.account.settled()
    expect(serverIds(unlocked)).toEqual([x])
    expect(phone.account.profiles.read(b.handle)!.vault.version).toBe(2)
  })
})

describe('a backend that rolls the vault back', () => {
  const relay = (on: boolean) => (vault: VaultData) => ({
    ...vault,
    settings: { ...vault.settings, alwaysRelayCalls: on },
  })

  /**
   * A device registered through a hostile backend, which keeps version 2 of the vault (calls
   * not relayed) while the device goes on to version 3 (calls always relayed), then locks.
   */
  async function deviceWithAnOldVault() {
    const backend = await startBackend()
    const hostile = await startHostileBackend(backend.url)
    hostiles.push(hostile)
    const laptop = device(hostile.url)
    const name = uniqueName()
    const session = await laptop.account.register(name, TEST_PASSWORD)
    await session.updateVault(relay(false))
    const old = laptop.account.profiles.read(session.handle)!.vault
    expect(old.version).toBe(2)
    await session.updateVault(relay(true))
    const current = laptop.account.profiles.read(session.handle)!
    expect(current.vault.version).toBe(3)
    await laptop.account.lock()
    return { laptop, hostile, name, handle: session.handle, old, current }
  }

  /** The one failure the device reported in the background, which must be the refusal. */
  const reportedRollback = (laptop: Device) => {
    expect(laptop.errors).toHaveLength(1)
    const [error] = laptop.errors.splice(0)
    expect(error).toBeInstanceOf(ParacordError)
    expect(error).toMatchObject({ code: 'vault_rollback' })
    return (error as ParacordError).message
  }

  it('refuses an older version and reports it, keeping the newer vault and writing nothing', async () => {
    const { laptop, hostile, handle, old, current } = await deviceWithAnOldVault()
    hostile.serveVault(old)

    const session = await laptop.account.unlock(TEST_PASSWORD)
    await laptop.account.settled()

    expect(hostile.forgeries).toBeGreaterThan(0)
    expect(reportedRollback(laptop)).toBe(
      'The server offered version 2 of this account’s vault, older than version 3 which this device has seen: refused, so no older settings or memberships come back.',
    )
    expect(session.vault().settings.alwaysRelayCalls).toBe(true)
    expect(laptop.account.profiles.read(handle)).toEqual(current)
    // Nothing is written on top of the refused vault either.
    const write = await failure(session.updateVault(relay(false)))
    expect(write).toMatchObject({ code: 'vault_rollback' })
    expect(laptop.account.profiles.read(handle)).toEqual(current)
    expect(session.vault().settings.alwaysRelayCalls).toBe(true)

    // The honest backend again: the device goes on from version 3.
    hostile.serveVault(null)
    await session.updateVault(relay(false))
    expect(laptop.account.profiles.read(handle)!.vault.version).toBe(4)
  })

  it('refuses an older vault relabelled with a newer or the same version', async () => {
    const { laptop, hostile, handle, old, current } = await deviceWithAnOldVault()
    for (const version of [4, 3]) {
      hostile.serveVault({ ...old, version })
      const session = await laptop.account.unlock(TEST_PASSWORD)
      await laptop.account.settled()
      expect(session.vault().settings.alwaysRelayCalls).toBe(true)
      expect(reportedRollback(laptop)).toContain(`version ${version}`)
      expect(laptop.account.profiles.read(handle)).toEqual(current)
      await laptop.account.lock()
    }
  })

  it('refuses an older vault at login on a device that has seen a newer one', async () => {
    const { laptop, hostile, name, handle, old, current } = await deviceWithAnOldVault()
    hostile.serveVault(old)

    const refused = await failure(laptop.account.login(name, TEST_PASSWORD))
    expect(refused).toMatchObject({ code: 'vault_rollback' })
    expect(laptop.account.authState().status).toBe('locked')
    expect(laptop.account.profiles.read(handle)).toEqual(current)

    hostile.serveVault({ ...old, version: 5 })
    expect(await codeOf(laptop.account.login(name, TEST_PASSWORD))).toBe('vault_rollback')
    expect(laptop.account.profiles.read(handle)).toEqual(current)
  })

  it('refuses an older vault under another account id, keeping the profile and its cache', async () => {
    const { laptop, hostile, name, handle, old, current } = await deviceWithAnOldVault()
    const cache = laptop.account.profiles.cachePathOf(handle)
    expect(existsSync(cache)).toBe(true)
    hostile.serveVault(old)
    hostile.serveAccountId(toBase64Url(new Uint8Array(16).fill(7)))

    // At a login, and at the unlock after the backend sent the device back to sign-in.
    expect(await codeOf(laptop.account.login(name, TEST_PASSWORD))).toBe('vault_rollback')
    expect(laptop.account.profiles.read(handle)).toEqual(current)
    laptop.account.profiles.write({ ...current, signInRequired: true })
    for (const version of [2, 3, 4]) {
      hostile.serveVault({ ...old, version })
      expect(await codeOf(laptop.account.unlock(TEST_PASSWORD))).toBe('vault_rollback')
      expect(laptop.account.profiles.read(handle)).toEqual({ ...current, signInRequired: true })
      expect(existsSync(cache)).toBe(true)
    }
    expect(laptop.account.authState().status).toBe('locked')

    // The honest backend again: the device signs in and keeps version 3.
    hostile.serveVault(null)
    hostile.serveAccountId(null)
    const session = await laptop.account.unlock(TEST_PASSWORD)
    expect(session.vault().settings.alwaysRelayCalls).toBe(true)
    expect(laptop.account.profiles.read(handle)!.vault).toEqual(current.vault)
  })
})

describe('delete account and logout', () => {
  it('deletes the account: login fails afterwards and the local profile is gone', async () => {
    const backend = await startBackend()
    const phone = device(backend.url)
    const name = uniqueName()
    const session = await phone.account.register(name, TEST_PASSWORD)
    const folder = phone.account.profiles.folderOf(session.handle)

    expect(await codeOf(phone.account.deleteAccount('wrong'))).toBe('wrong_password')
    expect(existsSync(folder)).toBe(true)

    expect(await phone.account.deleteAccount(TEST_PASSWORD)).toEqual({
      status: 'signed_out',
      name: null,
      userId: null,
    })
    expect(existsSync(folder)).toBe(false)
    expect(phone.account.profiles.list()).toEqual([])
    expect(await codeOf(device(backend.url).account.login(name, TEST_PASSWORD))).toBe(
      'wrong_password',
    )
    // The name is free again.
    await device(backend.url).account.register(name, TEST_PASSWORD)
  })

  it('logout removes the account folder from this device, even with the server down', async () => {
    const backend = await startBackend()
    const phone = device(backend.url)
    const name = uniqueName()
    const session = await phone.account.register(name, TEST_PASSWORD)
    const folder = phone.account.profiles.folderOf(session.handle)
    await backend.stop()

    expect(await phone.account.logout()).toEqual({ status: 'signed_out', name: null, userId: null })
    expect(existsSync(folder)).toBe(false)
    expect(phone.states.at(-1)?.status).toBe('signed_out')
    expect(await codeOf(phone.account.unlock(TEST_PASSWORD))).toBe('unknown_account')
  })

  it('logout while locked also removes the account folder', async () => {
    const backend = await startBackend()
    const phone = device(backend.url)
    const session = await phone.account.register(uniqueName(), TEST_PASSWORD)
    await phone.account.lock()
    await phone.account.logout()
    expect(existsSync(phone.account.profiles.folderOf(session.handle))).toBe(false)
    expect(phone.account.authState().status).toBe('signed_out')
  })

  it('logout ends the session token on the server', async () => {
    const backend = await startBackend()
    const phone = device(backend.url)
    const session = await phone.account.register(uniqueName(), TEST_PASSWORD)
    const client = session.client
    const token = client.token
    await phone.account.logout()
    client.setToken(token)
    expect(await failure(client.getEnclave(session.handle))).toMatchObject({ code: 'unauthorized' })
  })
})

describe('auto-lock', () => {
  it('locks after the idle time, postponed by touch, and reports it', async () => {
    const backend = await startBackend()
    const phone = device(backend.url)
    const session = await phone.account.register(uniqueName(), TEST_PASSWORD)
    await session.updateVault((vault) => ({
      ...vault,
      settings: { ...vault.settings, autoLockMinutes: 2 },
    }))
    await phone.account.lock()
    await backend.stop()

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    await phone.account.unlock(TEST_PASSWORD)
    await phone.account.settled()
    vi.advanceTimersByTime(90_000)
    phone.account.touch()
    vi.advanceTimersByTime(90_000)
    expect(phone.account.authState().status).toBe('unlocked')
    vi.advanceTimersByTime(30_000)
    expect(phone.account.authState().status).toBe('locked')
    await vi.waitFor(() => expect(phone.states.at(-1)?.status).toBe('locked'))
  })
})

describe('locking lets the services go first', () => {
  it('wipes the session only once onBeforeLock is done, while no new call reaches it', async () => {
    const backend = await startBackend()
    let stillOpen: boolean | null = null
    const phone = device(backend.url, undefined, {
      onBeforeLock: async (session) => {
        await new Promise((resolve) => setTimeout(resolve, 50))
        stillOpen = session.cache.getValue('draft') === null
      },
    })
    const session = await phone.account.register(uniqueName(), TEST_PASSWORD)
    const locking = phone.account.lock()
    expect(phone.account.authState().status).toBe('locked')
    expect(await codeOf(phone.account.changePassword(TEST_PASSWORD, 'new'))).toBe('locked')
    expect(session.vault().userId).toBe(session.userId)
    expect((await locking).status).toBe('locked')
    expect(stillOpen).toBe(true)
    expect(() => session.vault()).toThrow(expect.objectContaining({ code: 'locked' }))
    expect(phone.states.at(-1)?.status).toBe('locked')
  })

  it('wipes it anyway when onBeforeLock overruns its time, and aborts its signal', async () => {
    const backend = await startBackend()
    let signal: AbortSignal | null = null
    const phone = device(backend.url, undefined, {
      beforeLockTimeoutMs: 100,
      onBeforeLock: (_session, given) => {
        signal = given
        return new Promise(() => {})
      },
    })
    const session = await phone.account.register(uniqueName(), TEST_PASSWORD)
    const started = performance.now()
    await phone.account.lock()
    expect(performance.now() - started).toBeLessThan(1000)
    expect(signal!.aborted).toBe(true)
    expect(() => session.identity).toThrow(expect.objectContaining({ code: 'locked' }))
  })

  it('reports a failing onBeforeLock and locks all the same', async () => {
    const backend = await startBackend()
    const broken = new Error('the services could not stop')
    const phone = device(backend.url, undefined, {
      onBeforeLock: () => Promise.reject(broken),
    })
    await phone.account.register(uniqueName(), TEST_PASSWORD)
    expect((await phone.account.lock()).status).toBe('locked')
    expect(phone.errors.splice(0)).toEqual([broken])
  })

  it('logs out on the server only after the services let go, so they can still post', async () => {
    const backend = await startBackend()
    let servedDuringLogout: string | null = null
    const phone = device(backend.url, undefined, {
      onBeforeLock: async (session) => {
        servedDuringLogout = (await session.client.getEnclave(session.handle)).id
      },
    })
    const session = await phone.account.register(uniqueName(), TEST_PASSWORD)
    await phone.account.logout()
    expect(servedDuringLogout).toBe(session.handle)
    expect(phone.states.at(-1)?.status).toBe('signed_out')
  })
})

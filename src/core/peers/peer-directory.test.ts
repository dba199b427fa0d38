// Key pinning and safety numbers between two real accounts on the real backend.
import { afterEach, describe, expect, it } from 'vitest'
import { ParacordError } from '../../shared/api'
import { toBase64Url } from '../../shared/encoding'
import { generateIdentity } from '../crypto'
import {
  cleanUp,
  failure,
  newDevice,
  startBackend,
  uniqueName,
  type Device,
} from '../account/test-kit'
import { TEST_PASSWORD } from '../account/test-passwords'
import type { UnlockedSession } from '../session'
import { PeerDirectory, type KeyChange } from './peer-directory'

const devices: Device[] = []
afterEach(() => cleanUp(devices.splice(0)))

async function twoAccounts() {
  const backend = await startBackend()
  const open = async () => {
    const device = newDevice(backend.url)
    devices.push(device)
    const session = await device.account.register(uniqueName(), TEST_PASSWORD)
    const changes: KeyChange[] = []
    const peers = new PeerDirectory({ session, onKeyChanged: (change) => changes.push(change) })
    return { device, session, peers, changes }
  }
  return { alice: await open(), bob: await open(), backend }
}

const signKeyOf = (session: UnlockedSession) => toBase64Url(session.identity.signing.publicKey)
const otherKey = () => toBase64Url(generateIdentity().signing.publicKey)

describe('PeerDirectory', () => {
  it('pins a key on first sight and answers same for it afterwards', async () => {
    const { alice, bob } = await twoAccounts()
    expect(alice.peers.pinnedKey(bob.session.userId)).toBeNull()
    const fetched = await alice.peers.fetchIdentity(bob.session.userId)
    expect(fetched.observation).toBe('new')
    expect(fetched.identity.boxKey).toBe(toBase64Url(bob.session.identity.box.publicKey))
    expect(alice.peers.pinnedKey(bob.session.userId)).toBe(signKeyOf(bob.session))
    expect(alice.peers.knownIdentity(bob.session.userId)).toEqual(fetched.identity)

    expect(alice.peers.observe(bob.session.userId, signKeyOf(bob.session), 'group:x')).toBe('same')
    expect((await alice.peers.fetchIdentity(bob.session.userId)).observation).toBe('same')
    expect(alice.peers.isChanged(bob.session.userId)).toBe(false)
    expect(alice.changes).toEqual([])
  })

  it('flags a different key without re-pinning it, reports it once, and pins it on acceptance', async () => {
    const { alice, bob } = await twoAccounts()
    const bobId = bob.session.userId
    const original = signKeyOf(bob.session)
    alice.peers.observe(bobId, original, 'identity')
    const before = await alice.peers.safetyNumber(bobId, 'Bob')

    const forged = otherKey()
    expect(alice.peers.observe(bobId, forged, 'group:s1')).toBe('changed')
    expect(alice.peers.observe(bobId, forged, 'group:s1')).toBe('changed')
    expect(alice.changes).toEqual([
      { userId: bobId, pinnedKey: original, newKey: forged, source: 'group:s1' },
    ])
    expect(alice.peers.pinnedKey(bobId)).toBe(original)
    expect(alice.peers.isChanged(bobId)).toBe(true)
    expect(alice.peers.observe(bobId, original, 'identity')).toBe('same')

    // The safety number shown is over the new key, flagged as changed.
    const shown = await alice.peers.safetyNumber(bobId, 'Bob')
    expect(shown.keyChanged).toBe(true)
    expect(shown.digits).not.toBe(before.digits)

    alice.peers.acceptKeyChange(bobId)
    expect(alice.peers.pinnedKey(bobId)).toBe(forged)
    expect(alice.peers.isChanged(bobId)).toBe(false)
    expect(alice.peers.observe(bobId, forged, 'group:s1')).toBe('same')
    expect((await alice.peers.safetyNumber(bobId, 'Bob')).digits).toBe(shown.digits)
  })

  it('keeps pins in the sealed cache across lock and unlock', async () => {
    const { alice, bob } = await twoAccounts()
    await alice.peers.fetchIdentity(bob.session.userId)
    await alice.device.account.lock()
    const session = await alice.device.account.unlock(TEST_PASSWORD)
    const peers = new PeerDirectory({ session })
    expect(peers.pinnedKey(bob.session.userId)).toBe(signKeyOf(bob.session))
  })

  it('gives both sides the same safety number of 60 digits in 12 groups', async () => {
    const { alice, bob } = await twoAccounts()
    const seenByAlice = await alice.peers.safetyNumber(bob.session.userId, 'Bob')
    const seenByBob = await bob.peers.safetyNumber(alice.session.userId, 'Alice')
    expect(seenByAlice).toMatchObject({
      userId: bob.session.userId,
      displayName: 'Bob',
      keyChanged: false,
    })
    expect(seenByAlice.digits).toMatch(/^\d{5}( \d{5}){11}$/)
    expect(seenByAlice.digits).toBe(seenByBob.digits)
  })

  it('refuses bad input and unknown users with clear errors, pinning nothing', async () => {
    const { alice, bob } = await twoAccounts()
    const unknownUser = toBase64Url(new Uint8Array(16).fill(7))
    expect(await failure(alice.peers.fetchIdentity(unknownUser))).toMatchObject({
      code: 'not_found',
    })
    expect(await failure(alice.peers.safetyNumber(unknownUser, 'x'))).toMatchObject({
      code: 'not_found',
    })
    expect(() => alice.peers.observe('not an id!', otherKey(), 'x')).toThrow(ParacordError)
    expect(() => alice.peers.observe(bob.session.userId, 'AAAA', 'x')).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    )
    expect(() => alice.peers.acceptKeyChange(bob.session.userId)).toThrow(
      expect.objectContaining({ code: 'not_found' }),
    )
    expect(alice.peers.pinnedKey(bob.session.userId)).toBeNull()
    expect(alice.peers.pinnedKey(unknownUser)).toBeNull()
  })

  it('refuses calls once the session is locked', async () => {
    const { alice, bob } = await twoAccounts()
    await alice.device.account.lock()
    expect(() => alice.peers.pinnedKey(bob.session.userId)).toThrow(
      expect.objectContaining({ code: 'locked' }),
    )
    expect(await failure(alice.peers.fetchIdentity(bob.session.userId))).toMatchObject({
      code: 'locked',
    })
  })
})

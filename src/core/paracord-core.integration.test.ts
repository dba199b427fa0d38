// The client core as its hosts drive it, against the real backend: every way out of an unlocked
// session (lock, auto-lock, logout, quitting) leaves a voice call first, so the others see the
// leave at once instead of after the presence timeout; and a backend that does not answer
// holds a lock up only briefly.
import { mkdtempSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { BEFORE_LOCK_TIMEOUT_MS } from './account/account-service'
import { TEST_PASSWORD } from './account/test-passwords'
import { TEST_KDF } from './crypto/test-kdf'
import { createParacordCore, type ParacordCore } from './paracord-core'
import { startBackend, type Backend } from './sync/test-world'

/** Far below the presence timeout: the leave itself arrived, nobody waited for silence. */
const LEAVE_SEEN_WITHIN_MS = 1_000
/** How long to watch for the leave before calling it missing. */
const WATCH_MS = 3_000

interface Member {
  readonly name: string
  readonly password: string
  readonly dataDir: string
  core: ParacordCore
  userId: string
  readonly errors: unknown[]
  /** Added to the member's clock (Date.now()). */
  clockShift: number
}

let backend: Backend
let alice: Member
let bob: Member
let serverId: string
let lounge: string

function open(member: Pick<Member, 'dataDir' | 'errors' | 'clockShift'>): Promise<ParacordCore> {
  return createParacordCore({
    dataDir: member.dataDir,
    serverUrl: backend.url,
    kdf: TEST_KDF,
    now: () => Date.now() + member.clockShift,
    onError: (error) => member.errors.push(error),
  })
}

async function register(name: string): Promise<Member> {
  const dataDir = mkdtempSync(join(backend.dir, `${name}-`))
  const member = { name, password: TEST_PASSWORD, dataDir, errors: [], clockShift: 0 }
  const core = await open(member)
  const state = await core.register({ name, password: member.password })
  return Object.assign(member, { core, userId: state.userId! })
}

const inLounge = async (member: Member) =>
  (await member.core.getVoiceState({})).channels
    .find((channel) => channel.channelId === lounge)
    ?.participants.map((p) => p.userId) ?? []

async function aliceJoins(): Promise<void> {
  await alice.core.whenSynced()
  await alice.core.joinVoice({ serverId, channelId: lounge })
  await vi.waitFor(async () => expect(await inLounge(bob)).toContain(alice.userId))
}

/**
 * Runs `end` (which takes alice out of her session) while she is in the call; answers how long
 * after `end` started bob saw her leave (Infinity: not within WATCH_MS).
 */
async function timeUntilBobSeesAliceLeave(end: () => Promise<unknown>): Promise<number> {
  let off = () => {}
  const left = new Promise<number>((resolve) => {
    off = bob.core.on('voiceParticipants', (state) => {
      if (state.channelId !== lounge) return
      if (!state.participants.some((p) => p.userId === alice.userId)) resolve(performance.now())
    })
  })
  const started = performance.now()
  await end()
  const missing = new Promise<number>((resolve) => setTimeout(() => resolve(Infinity), WATCH_MS))
  const seenAt = await Promise.race([left, missing])
  off()
  return seenAt - started
}

beforeAll(async () => {
  backend = await startBackend('paracord-core-')
  ;[alice, bob] = await Promise.all([register('alice'), register('bob')])
  serverId = (await alice.core.createServer({ name: 'Late Night' })).id
  lounge = (
    await alice.core.createChannel({ serverId, name: 'lounge', kind: 'voice', burnSeconds: 60 })
  ).id
  const invite = await alice.core.createInvite({ serverId, maxUses: null, expiresInSeconds: null })
  await bob.core.joinByInvite({ invite: invite.code })
  await bob.core.whenSynced()
  await bob.core.joinVoice({ serverId, channelId: lounge })
})

afterAll(async () => {
  await Promise.all([alice, bob].map((member) => member?.core.close()))
  await backend?.dispose()
})

describe('leaving the call on the way out of a session', () => {
  it('locking posts the leave before the keys are wiped', async () => {
    await aliceJoins()
    const ms = await timeUntilBobSeesAliceLeave(() => alice.core.lock({}))
    expect(ms).toBeLessThan(LEAVE_SEEN_WITHIN_MS)
    expect((await alice.core.getAuthState({})).status).toBe('locked')
    console.info(`lock: bob saw alice leave after ${ms.toFixed(0)} ms`)
    await alice.core.unlock({ password: alice.password })
  })

  it('auto-lock posts the leave too', async () => {
    await aliceJoins()
    const locked = new Promise<void>((resolve) => {
      const off = alice.core.on('authChanged', (state) => {
        if (state.status !== 'locked') return
        off()
        resolve()
      })
    })
    const ms = await timeUntilBobSeesAliceLeave(async () => {
      // Alice's clock runs a minute behind for the one call below, so the activity it counts
      // lies a minute back; the vault write re-arms the idle timer, which finds the minute gone.
      alice.clockShift = -60_000
      const saved = alice.core.updateSettings({ autoLockMinutes: 1 })
      alice.clockShift = 0
      await saved
      await locked
    })
    expect(ms).toBeLessThan(LEAVE_SEEN_WITHIN_MS)
    console.info(`auto-lock: bob saw alice leave after ${ms.toFixed(0)} ms`)
    await alice.core.unlock({ password: alice.password })
    await alice.core.updateSettings({ autoLockMinutes: 15 })
  })

  it('logging out posts the leave before the server session ends', async () => {
    await aliceJoins()
    const ms = await timeUntilBobSeesAliceLeave(() => alice.core.logout({}))
    expect(ms).toBeLessThan(LEAVE_SEEN_WITHIN_MS)
    expect((await alice.core.getAuthState({})).status).toBe('signed_out')
    console.info(`logout: bob saw alice leave after ${ms.toFixed(0)} ms`)
    await alice.core.login({ name: alice.name, password: alice.password })
  })

  it('quitting (closing the core) posts the leave', async () => {
    await aliceJoins()
    const ms = await timeUntilBobSeesAliceLeave(() => alice.core.close())
    expect(ms).toBeLessThan(LEAVE_SEEN_WITHIN_MS)
    console.info(`close: bob saw alice leave after ${ms.toFixed(0)} ms`)
    alice.core = await open(alice)
    await alice.core.unlock({ password: alice.password })
  })

  it('reports no background failure along the way', () => {
    expect(alice.errors).toEqual([])
    expect(bob.errors).toEqual([])
  })
})

describe('a backend that does not answer', () => {
  let blackHole: Server | null = null
  const held = new Set<Socket>()

  afterAll(async () => {
    for (const socket of held) socket.destroy()
    if (blackHole) await new Promise((resolve) => blackHole!.close(resolve))
    blackHole = null
    await backend.restart()
  })

  it('holds a lock up no longer than the leave is given, then wipes all the same', async () => {
    await aliceJoins()
    // The backend stops, and on its port something accepts connections and never answers.
    await backend.stop()
    const port = Number(new URL(backend.url).port)
    blackHole = createServer((socket) => held.add(socket))
    await new Promise<void>((resolve) => blackHole!.listen(port, '127.0.0.1', resolve))

    const started = performance.now()
    const state = await alice.core.lock({})
    const ms = performance.now() - started
    expect(state.status).toBe('locked')
    expect(ms).toBeGreaterThanOrEqual(BEFORE_LOCK_TIMEOUT_MS - 50)
    expect(ms).toBeLessThan(BEFORE_LOCK_TIMEOUT_MS + 1_000)
    console.info(`lock with a silent backend took ${ms.toFixed(0)} ms`)
    expect(alice.errors).toEqual([])
  })
})

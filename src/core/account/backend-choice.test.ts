// Choosing the server, against the real backend on free ports: the check before first use
// (unreachable, another protocol version, plain http to another machine, not paracord, a good
// one), the choice kept per account, and "This computer" meaning this run's own server, so a
// program holding an earlier run's port never sees a sign-in.
import { readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ParacordError } from '../../shared/api'
import { PROTOCOL_VERSION } from '../../shared/protocol'
import { TEST_KDF } from '../crypto/test-kdf'
import type { EmbeddedBackendAccess } from '../net/embedded-access'
import { createParacordCore } from '../paracord-core'
import { checkBackend, THIS_COMPUTER } from './backend-choice'
import { startHostileBackend, type HostileBackend } from './test-hostile-backend'
import { TEST_PASSWORD } from './test-passwords'
import {
  cleanUp,
  deadUrl,
  failure,
  newDevice,
  startBackend,
  tempFolder,
  uniqueName,
  type Device,
} from './test-kit'

const devices: Device[] = []
const device = (...args: Parameters<typeof newDevice>) => {
  const made = newDevice(...args)
  devices.push(made)
  return made
}
const hostiles: HostileBackend[] = []
const listeners: Server[] = []

afterEach(async () => {
  await cleanUp(devices.splice(0))
  await Promise.all(hostiles.splice(0).map((hostile) => hostile.close()))
  await Promise.all(listeners.splice(0).map(closeListener))
})

/** This run's own server as a host hands it to the core (the test backends ignore the secret). */
const ownServer = (url: string): EmbeddedBackendAccess => ({ url, secret: 'a'.repeat(43) })

/** Any HTTP server on 127.0.0.1 that is not paracord; counts what reaches it. */
async function listen(port = 0): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = []
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`)
    response.writeHead(404, { 'content-type': 'text/html' })
    response.end('<h1>Not Found</h1>')
  })
  listeners.push(server)
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests }
}

function closeListener(server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}

const address = (url: string) => ({ kind: 'address', url }) as const
const refusal = async (promise: Promise<unknown>) => {
  const error = await failure(promise)
  expect(error).toBeInstanceOf(ParacordError)
  return { code: (error as ParacordError).code, message: (error as ParacordError).message }
}

describe('checking a server before it is used', () => {
  it('accepts a paracord server of this version, remembering its address without a trailing slash', async () => {
    const backend = await startBackend()
    expect(await checkBackend(address(`${backend.url}/`), { thisComputer: null })).toEqual({
      ok: true,
      backend: address(backend.url),
      url: backend.url,
    })
  })

  it('says nothing answers at an address where no server runs', async () => {
    const url = await deadUrl()
    expect(await checkBackend(address(url), { thisComputer: null })).toEqual({
      ok: false,
      problem: 'unreachable',
      message: `Nothing answers at ${url}. Check the address, and that the server is running.`,
    })
  })

  it('refuses a server that speaks a newer protocol version, and says to update paracord', async () => {
    const hostile = await startHostileBackend((await startBackend()).url)
    hostiles.push(hostile)
    hostile.serveProtocolVersion(PROTOCOL_VERSION + 1)
    expect(await checkBackend(address(hostile.url), { thisComputer: null })).toEqual({
      ok: false,
      problem: 'wrong_version',
      message: `${hostile.url} speaks a newer version of paracord’s protocol (${PROTOCOL_VERSION + 1}; this app speaks ${PROTOCOL_VERSION}). Update paracord to use this server.`,
    })
  })

  it('refuses a server older than the app, and says to ask for an update', async () => {
    const backend = await startBackend()
    const verdict = await checkBackend(address(backend.url), {
      thisComputer: null,
      protocolVersion: PROTOCOL_VERSION + 1,
    })
    expect(verdict).toEqual({
      ok: false,
      problem: 'wrong_version',
      message: `${backend.url} runs an older paracord (protocol version ${PROTOCOL_VERSION}; this app speaks ${PROTOCOL_VERSION + 1}). Ask whoever runs it to update it.`,
    })
  })

  it('refuses plain http:// to another machine without sending it anything', async () => {
    for (const url of ['http://chat.example.org', 'http://192.168.1.20:8443']) {
      const verdict = await checkBackend(address(url), { thisComputer: null })
      expect(verdict).toMatchObject({ ok: false, problem: 'insecure' })
      expect(!verdict.ok && verdict.message).toMatch(
        /is another computer, so its address must start with https:\/\/\. Plain http:\/\/ would send your sign-in unprotected/,
      )
    }
  })

  it('says when an address answers but is not a paracord server', async () => {
    const other = await listen()
    expect(await checkBackend(address(other.url), { thisComputer: null })).toEqual({
      ok: false,
      problem: 'not_paracord',
      message: `${other.url} answered, but not as a paracord server (or as one too old to say which version it speaks). Check the address.`,
    })
    expect(other.requests).toEqual(['GET /info'])
  })

  it('says what is wrong with something that is not an address', async () => {
    expect(await checkBackend(address('chat example org'), { thisComputer: null })).toEqual({
      ok: false,
      problem: 'invalid_address',
      message:
        '“chat example org” is not a server address. An address looks like https://chat.example.org.',
    })
    expect(await checkBackend(address('ftp://chat.example.org'), { thisComputer: null })).toEqual({
      ok: false,
      problem: 'invalid_address',
      message:
        'A server address starts with https:// (or http:// on this computer); “ftp://chat.example.org” does not.',
    })
  })

  it('takes an address typed without https:// as https', async () => {
    const other = await listen()
    const port = new URL(other.url).port
    const verdict = await checkBackend(address(`127.0.0.1:${port}`), { thisComputer: null })
    // The plain-http listener cannot speak TLS: the check tried https, as a person would expect.
    expect(verdict).toMatchObject({ ok: false, problem: 'unreachable' })
    expect(!verdict.ok && verdict.message).toContain(`https://127.0.0.1:${port}`)
  })

  it('offers This computer only when this app runs its own server, and knows its address typed out', async () => {
    expect(await checkBackend(THIS_COMPUTER, { thisComputer: null })).toMatchObject({
      ok: false,
      problem: 'unavailable',
    })
    const backend = await startBackend()
    const own = ownServer(backend.url)
    expect(await checkBackend(THIS_COMPUTER, { thisComputer: own })).toEqual({
      ok: true,
      backend: THIS_COMPUTER,
      url: backend.url,
    })
    expect(await checkBackend(address(backend.url), { thisComputer: own })).toMatchObject({
      ok: true,
      backend: THIS_COMPUTER,
    })
  })
})

describe('the server an account uses', () => {
  it('registers on nothing, and writes nothing, when the chosen server is unfit', async () => {
    const backend = await startBackend()
    const hostile = await startHostileBackend(backend.url)
    hostiles.push(hostile)
    hostile.serveProtocolVersion(PROTOCOL_VERSION + 1)
    const phone = device(backend.url)

    expect(
      await refusal(phone.account.register(uniqueName(), TEST_PASSWORD, address(hostile.url))),
    ).toEqual({
      code: 'server_unsuitable',
      message: expect.stringContaining('speaks a newer version') as unknown,
    })
    const dead = await deadUrl()
    expect(await refusal(phone.account.login(uniqueName(), TEST_PASSWORD, address(dead)))).toEqual({
      code: 'server_unreachable',
      message: `Nothing answers at ${dead}. Check the address, and that the server is running.`,
    })
    expect(phone.account.profiles.list()).toEqual([])
    expect(phone.account.authState().status).toBe('signed_out')
  })

  it('keeps the chosen server per account, and offers the last one used on the next sign-in', async () => {
    const own = await startBackend()
    const elsewhere = await startBackend()
    const phone = device(own.url, undefined, { embeddedBackend: ownServer(own.url) })
    expect(phone.account.backendOptions()).toEqual({
      thisComputer: true,
      suggested: THIS_COMPUTER,
      accounts: [],
    })

    const here = uniqueName('here')
    const there = uniqueName('there')
    await phone.account.register(here, TEST_PASSWORD, THIS_COMPUTER)
    const session = await phone.account.register(there, TEST_PASSWORD, address(elsewhere.url))
    expect(session.serverUrl).toBe(elsewhere.url)
    expect(phone.account.backendOptions()).toEqual({
      thisComputer: true,
      suggested: address(elsewhere.url),
      accounts: [
        { name: here, backend: THIS_COMPUTER, current: false },
        { name: there, backend: address(elsewhere.url), current: true },
      ],
    })

    // The same name on another server would replace this device's copy: refused, with the way out.
    expect(await refusal(phone.account.login(here, TEST_PASSWORD, address(elsewhere.url)))).toEqual(
      {
        code: 'server_unsuitable',
        message: `This device keeps the account ${here} on this computer. To use ${here} on ${elsewhere.url}, first log out of it here.`,
      },
    )
  })

  it('a host started for a server suggests it, and has no This computer to offer', async () => {
    const backend = await startBackend()
    const phone = device(backend.url)
    expect(phone.account.backendOptions()).toEqual({
      thisComputer: false,
      suggested: address(backend.url),
      accounts: [],
    })
    expect(
      await refusal(phone.account.register(uniqueName(), TEST_PASSWORD, THIS_COMPUTER)),
    ).toMatchObject({ code: 'server_unsuitable' })
  })
})

describe('This computer is this run’s server, never an earlier run’s port', () => {
  /**
   * An account on this computer's server, locked; then that server stops, the next run's server
   * serves the same data on another port, and some other program takes the old port.
   */
  async function restartedElsewhere(profileOf: (url: string) => Record<string, unknown>) {
    const first = await startBackend()
    const own = ownServer(first.url)
    const before = device(first.url, undefined, { embeddedBackend: own })
    const name = uniqueName()
    await before.account.register(name, TEST_PASSWORD, THIS_COMPUTER)
    await before.account.lock()
    await first.stop()

    const next = await startBackend({ store: first.store })
    const squatter = await listen(Number(new URL(first.url).port))
    const profilePath = join(
      before.account.profiles.folderOf(loginHandleOf(before)),
      'profile.json',
    )
    const stored = JSON.parse(readFileSync(profilePath, 'utf8')) as Record<string, unknown>
    writeFileSync(profilePath, JSON.stringify({ ...stored, ...profileOf(first.url) }))
    const after = device(next.url, before.dataDir, { embeddedBackend: ownServer(next.url) })
    return { after, next, squatter, profilePath, name }
  }

  const loginHandleOf = (device: Device) => device.account.profiles.lastAccountHandle() as string

  it('unlocks an account on This computer against the server running now', async () => {
    const { after, next, squatter } = await restartedElsewhere(() => ({}))

    const session = await after.account.unlock(TEST_PASSWORD)
    await after.account.settled()
    await session.ensureOnline()

    expect(session.serverUrl).toBe(next.url)
    expect(squatter.requests).toEqual([])
  })

  it('reads a profile from before the picker, which kept the old port, as This computer', async () => {
    const { after, next, squatter, profilePath } = await restartedElsewhere((oldUrl) => ({
      server: undefined,
      serverUrl: oldUrl,
    }))

    const session = await after.account.unlock(TEST_PASSWORD)
    await after.account.settled()
    await session.ensureOnline()

    expect(session.serverUrl).toBe(next.url)
    expect(squatter.requests).toEqual([])
    const rewritten = JSON.parse(readFileSync(profilePath, 'utf8')) as Record<string, unknown>
    expect(rewritten.server).toEqual(THIS_COMPUTER)
    expect(rewritten).not.toHaveProperty('serverUrl')
  })
})

describe('through the API', () => {
  it('checks a server while signed out, and refuses a choice that is not one', async () => {
    const core = await createParacordCore({
      dataDir: tempFolder('core'),
      serverUrl: await deadUrl(),
      kdf: TEST_KDF,
    })
    try {
      expect(
        await core.checkBackend({ backend: address('http://chat.example.org') }),
      ).toMatchObject({ ok: false, problem: 'insecure' })
      await expect(
        core.checkBackend({ backend: { kind: 'address' } } as never),
      ).rejects.toMatchObject({ code: 'invalid_input' })
      await expect(
        core.register({ name: uniqueName(), password: TEST_PASSWORD, backend: THIS_COMPUTER }),
      ).rejects.toMatchObject({ code: 'server_unsuitable' })
    } finally {
      await core.close()
    }
  })

  it('connects live to the server the account chose, not the one the host was started with', async () => {
    const chosen = await startBackend()
    const core = await createParacordCore({
      dataDir: tempFolder('core'),
      serverUrl: await deadUrl(),
      kdf: TEST_KDF,
    })
    try {
      await core.register({
        name: uniqueName(),
        password: TEST_PASSWORD,
        backend: address(chosen.url),
      })
      await core.whenSynced(10_000)
      expect((await core.getConnectionState({})).status).toBe('online')
    } finally {
      await core.close()
    }
  })
})

// The relay paracord-server runs itself, with the real turnserver on 127.0.0.1: the credentials
// GET /v1/turn hands out open an allocation that forwards data, another secret's do not, a
// relay that dies comes back on the same port and secret, and it stops with the server.
import { spawn } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { createSocket, type Socket } from 'node:dgram'
import { once } from 'node:events'
import { chmod, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TurnCredentials } from '../../shared/protocol'
import { StoreTestClient } from '../testing/api'
import {
  findTurnserver,
  requireTurnserver,
  startManagedCoturn,
  TurnserverMissingError,
  type RelayLog,
  type RelayState,
} from './managed-coturn'
import { RelayAddressError } from './relay-address'
import {
  startServerWithManagedTurn,
  startServerWithTurnIfInstalled,
  type ServerWithRelay,
} from './server-with-turn'
import { answersBinding } from './stun'
import { allocate, turnUrlAddress, type TurnLogin } from './test-turn-client'

const TURNSERVER = requireTurnserver(process.env)
const launcher = fileURLToPath(new URL('../../../bin/paracord-server.js', import.meta.url))

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paracord-turn-test-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

let databases = 0
const options = () => ({
  host: '127.0.0.1',
  port: 0,
  logLevel: 'silent' as const,
  db: `sqlite:${join(dir, `store-${++databases}.db`)}`,
})

/** Fresh credentials from GET /v1/turn, as a signed-in client gets them. */
async function credentialsFrom(server: ServerWithRelay): Promise<TurnCredentials> {
  const api = new StoreTestClient(server.url)
  const account = await api.signUp()
  const reply = await api.request<TurnCredentials>('GET', '/v1/turn', { token: account.token })
  expect(reply.status).toBe(200)
  return reply.body
}

/** A UDP peer on 127.0.0.1 that someone calls through the relay. */
async function udpPeer(): Promise<{ socket: Socket; address: { address: string; port: number } }> {
  const socket = createSocket('udp4')
  socket.bind(0, '127.0.0.1')
  await once(socket, 'listening')
  return { socket, address: { address: '127.0.0.1', port: socket.address().port } }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Resolves once the process is gone (a killed process may take a moment to be reaped). */
async function gone(pid: number): Promise<void> {
  await expect.poll(() => isRunning(pid), { timeout: 10_000 }).toBe(false)
}

function recordingLog(): RelayLog & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    info: (_details, message) => lines.push(`info: ${message}`),
    warn: (_details, message) => lines.push(`warn: ${message}`),
    error: (_details, message) => lines.push(`error: ${message}`),
  }
}

describe('paracord-server with its own relay', () => {
  let server: ServerWithRelay
  let credentials: TurnCredentials
  beforeAll(async () => {
    server = await startServerWithManagedTurn(options(), TURNSERVER)
    credentials = await credentialsFrom(server)
  })
  afterAll(() => server?.close())

  it('hands out credentials that allocate a relay on 127.0.0.1 which forwards data', async () => {
    const relay = server.relay!
    expect(credentials.urls).toEqual([
      `turn:127.0.0.1:${relay.port}?transport=udp`,
      `turn:127.0.0.1:${relay.port}?transport=tcp`,
    ])
    const result = await allocate(turnUrlAddress(credentials.urls[0]!), credentials)
    if (!result.ok) throw new Error(`allocation refused (${String(result.code)})`)
    expect(result.relayed.address).toBe('127.0.0.1')
    expect(result.relayed.port).toBeGreaterThanOrEqual(relay.relayPorts.min)
    expect(result.relayed.port).toBeLessThanOrEqual(relay.relayPorts.max)

    const peer = await udpPeer()
    try {
      await result.allocation.permit(peer.address)
      const received = once(peer.socket, 'message') as Promise<[Buffer, { port: number }]>
      await result.allocation.send(peer.address, Buffer.from('hello through the relay'))
      const [data, from] = await received
      expect(data.toString()).toBe('hello through the relay')
      expect(from.port).toBe(result.relayed.port)
    } finally {
      peer.socket.close()
      await result.allocation.release()
    }
  })

  it('refuses credentials signed with another secret', async () => {
    const forged: TurnLogin = {
      username: credentials.username,
      credential: createHmac('sha1', 'not-the-secret')
        .update(credentials.username)
        .digest('base64'),
    }
    expect(await allocate(turnUrlAddress(credentials.urls[0]!), forged)).toEqual({
      ok: false,
      code: 401,
    })
  })

  it('starts turnserver again on the same port and secret when it dies', async () => {
    const relay = server.relay!
    const before = relay.pid()!
    const states: RelayState[] = []
    const back = new Promise<void>((resolve) =>
      relay.onState((state) => {
        states.push(state)
        if (state === 'running') resolve()
      }),
    )
    process.kill(before, 'SIGKILL')
    await back
    expect(states).toEqual(['restarting', 'running'])
    expect(relay.pid()).not.toBe(before)
    // Credentials handed out before the restart still allocate.
    const result = await allocate(turnUrlAddress(credentials.urls[0]!), credentials)
    expect(result.ok).toBe(true)
    if (result.ok) await result.allocation.release()
  })
})

describe('the relay stops', () => {
  it('with the server, and its port is free again', async () => {
    const server = await startServerWithManagedTurn(options(), TURNSERVER)
    const relay = server.relay!
    const pid = relay.pid()!
    const address = { address: relay.address, port: relay.port }
    expect(await answersBinding(address, 2000)).toBe(true)
    await server.close()
    expect(isRunning(pid)).toBe(false)
    expect(relay.state()).toBe('stopped')
    expect(await answersBinding(address, 300)).toBe(false)
  })

  /** `paracord-server --turn managed`, once it listens, and its turnserver's process id. */
  async function managedServer() {
    const child = spawn(
      process.execPath,
      [launcher, '--turn', 'managed', '--port', '0', '--db', options().db],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    await expect
      .poll(() => (child.exitCode === null ? stdout : stderr), { timeout: 25_000 })
      .toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/)
    const turnserverPid = Number(/"turnserverPid":(\d+)/.exec(stdout)?.[1])
    expect(isRunning(turnserverPid)).toBe(true)
    return { child, exited, turnserverPid, stdout: () => stdout }
  }

  it('with paracord-server on SIGTERM', async () => {
    const server = await managedServer()
    expect(server.stdout()).toMatch(/"urls":\["turn:127\.0\.0\.1:\d+\?transport=udp"/)
    // The secret is handed to turnserver in a file, never printed.
    expect(server.stdout()).not.toMatch(/secret/i)
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
    await gone(server.turnserverPid)
  })

  it('with paracord-server even when it is killed outright', async () => {
    const server = await managedServer()
    server.child.kill('SIGKILL')
    await server.exited
    await gone(server.turnserverPid)
  })

  it('and the folder of one whose server was killed outright is removed at the next start', async () => {
    const folder = async (pid: number) => {
      const path = await mkdtemp(join(tmpdir(), 'paracord-turn-'))
      await writeFile(join(path, 'turnserver.pid'), `${pid}\n`)
      const longAgo = new Date(Date.now() - 5 * 60_000)
      await utimes(path, longAgo, longAgo)
      return path
    }
    // A process id that is surely gone: a child that has exited.
    const ended = spawn(process.execPath, ['-e', ''])
    await once(ended, 'exit')
    const stale = await folder(ended.pid!)
    const live = await folder(process.pid)
    try {
      const relay = await startManagedCoturn({
        turnserver: TURNSERVER,
        host: '127.0.0.1',
        log: recordingLog(),
      })
      await relay.close()
      await expect(stat(stale)).rejects.toThrow(/ENOENT/)
      expect((await stat(live)).isDirectory()).toBe(true)
    } finally {
      await rm(stale, { recursive: true, force: true })
      await rm(live, { recursive: true, force: true })
    }
  })

  it('when it keeps dying: reported, not restarted forever', async () => {
    const log = recordingLog()
    const relay = await startManagedCoturn({
      turnserver: TURNSERVER,
      host: '127.0.0.1',
      log,
      restartDelaysMs: [10],
    })
    try {
      const failed = new Promise<void>((resolve) =>
        relay.onState((state) => state === 'failed' && resolve()),
      )
      const first = relay.pid()!
      const restarted = new Promise<void>((resolve) =>
        relay.onState((state) => state === 'running' && resolve()),
      )
      process.kill(first, 'SIGKILL')
      await restarted
      process.kill(relay.pid()!, 'SIGKILL')
      await failed
      expect(relay.pid()).toBeNull()
      expect(log.lines.at(-1)).toMatch(/^error: voice relay \(coturn\) keeps stopping/)
    } finally {
      await relay.close()
    }
  })
})

describe('without a usable turnserver', () => {
  it('--turn managed says how to install coturn', () => {
    const env = { PATH: dir }
    expect(findTurnserver(env)).toBeNull()
    expect(() => requireTurnserver(env)).toThrow(TurnserverMissingError)
    expect(() => requireTurnserver(env)).toThrow(/"turnserver" on PATH.*apt-get install coturn/)
  })

  it('names a PARACORD_TURNSERVER that is not a program', () => {
    const env = { PATH: '/usr/bin', PARACORD_TURNSERVER: join(dir, 'nothing-here') }
    expect(() => requireTurnserver(env)).toThrow(/PARACORD_TURNSERVER names ".*nothing-here"/)
  })

  it('paracord-server --turn managed exits with that error', async () => {
    const child = spawn(
      process.execPath,
      [launcher, '--turn', 'managed', '--port', '0', '--db', options().db],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PARACORD_TURNSERVER: dir } },
    )
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const [code] = (await once(child, 'exit')) as [number | null]
    expect(code).toBe(1)
    expect(stderr.trim()).toMatch(/^paracord-server: --turn managed: PARACORD_TURNSERVER names/)
  })

  it('a turnserver that exits at once is an error with its output', async () => {
    const broken = join(dir, 'broken-turnserver')
    await writeFile(broken, '#!/bin/sh\necho "cannot bind anything" >&2\nexit 1\n')
    await chmod(broken, 0o755)
    await expect(
      startManagedCoturn({ turnserver: broken, host: '127.0.0.1', log: recordingLog() }),
    ).rejects.toThrow(/turnserver exited while starting on 127\.0\.0\.1:\d+:\ncannot bind anything/)
  })

  it('an address that names no single interface is refused', async () => {
    for (const host of ['0.0.0.0', '::', 'example.org'])
      await expect(
        startManagedCoturn({ turnserver: TURNSERVER, host, log: recordingLog() }),
      ).rejects.toThrow(RelayAddressError)
  })

  it('the embedded backend opens without a relay when coturn is missing', async () => {
    const server = await startServerWithTurnIfInstalled(options(), { PATH: dir })
    try {
      expect(server.relay).toBeNull()
      const api = new StoreTestClient(server.url)
      const account = await api.signUp()
      const reply = await api.request('GET', '/v1/turn', { token: account.token })
      expect(reply.status).toBe(503)
    } finally {
      await server.close()
    }
  })

  it('and with one when it is installed', async () => {
    const server = await startServerWithTurnIfInstalled(options(), process.env)
    try {
      expect(server.relay?.state()).toBe('running')
      const result = await allocate(
        turnUrlAddress((await credentialsFrom(server)).urls[0]!),
        await credentialsFrom(server),
      )
      expect(result.ok).toBe(true)
      if (result.ok) await result.allocation.release()
    } finally {
      await server.close()
    }
  })
})

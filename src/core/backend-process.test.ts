// The embedded backend as the hosts run it: a real child process (src/server/embedded.ts through
// tsx) that answers only its host's secret, checked, crashed with SIGKILL, restarted once on
// the same port with the core still working, then left down after a second crash; and never
// outliving its parent.
import { fork } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { MessageInfo } from '../shared/api'
import { EMBEDDED_BACKEND_ENV, EMBEDDED_SECRET_HEADER } from '../shared/embedded-backend'
import { TEST_KDF } from './crypto/test-kdf'
import {
  backendEnvironment,
  EmbeddedBackendError,
  forkBackend,
  nodeBackendEntry,
  PORT_FILE,
  startEmbeddedBackend,
  type EmbeddedBackend,
  type LaunchBackend,
} from './backend-process'
import { createParacordCore, type ParacordCore } from './paracord-core'

const folders: string[] = []
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'paracord-backend-process-'))
  folders.push(dir)
  return dir
}

/** GET /healthz with the secret, as the host's own clients send it. */
async function healthy({ url, secret }: { url: string; secret: string }): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, {
      headers: { [EMBEDDED_SECRET_HEADER]: secret },
    })
    return response.status === 200
  } catch {
    return false
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function started(dataDir: string, errors: unknown[] = []): Promise<EmbeddedBackend> {
  const backend = await startEmbeddedBackend({ dataDir, onError: (_, error) => errors.push(error) })
  cleanups.push(() => backend.close())
  return backend
}

/** Sends a message and resolves once the backend has acknowledged it. */
async function sendAndWait(core: ParacordCore, serverId: string, channelId: string, text: string) {
  const delivered = new Promise<MessageInfo>((resolve) => {
    const stop = core.on('messagesChanged', (event) => {
      const sent = event.messages.find((m) => m.text === text && m.delivery === 'sent')
      if (!sent) return
      stop()
      resolve(sent)
    })
  })
  const message = await core.sendMessage({ serverId, channelId, text })
  return message.delivery === 'sent' ? message : delivered
}

describe('startEmbeddedBackend', () => {
  it('serves server.db from the data folder in another process, stopped on close', async () => {
    const dataDir = await folder()
    const backend = await started(dataDir)
    expect(backend.url).toBe(`http://127.0.0.1:${backend.port}`)
    expect(backend.state).toBe('running')
    const pid = backend.pid as number
    expect(pid).not.toBe(process.pid)
    expect(alive(pid)).toBe(true)
    expect(await healthy(backend.access)).toBe(true)
    expect((await stat(join(dataDir, 'server.db'))).isFile()).toBe(true)

    await backend.close()
    await backend.close()
    expect(backend.state).toBe('stopped')
    expect(backend.pid).toBeUndefined()
    expect(alive(pid)).toBe(false)
    expect(await healthy(backend.access)).toBe(false)
  })

  it('restarts once on the same port, the core keeps working; then gives up', async () => {
    const errors: unknown[] = []
    const backend = await started(await folder(), errors)
    const core = await createParacordCore({
      dataDir: await folder(),
      serverUrl: backend.url,
      embeddedBackend: backend.access,
      kdf: TEST_KDF,
      onError: () => {},
    })
    cleanups.push(() => core.close())
    await core.register({ name: 'alice', password: 'correct horse battery' })
    const server = await core.createServer({ name: 'Home' })
    const channelId = server.channels[0]!.id
    await sendAndWait(core, server.id, channelId, 'before the crash')

    // 1. SIGKILL: no shutdown of any kind. It is reported, and the backend comes back, still
    //    requiring the launch's secret (the core holds it).
    const first = backend.pid as number
    const { secret } = backend.access
    process.kill(first, 'SIGKILL')
    await vi.waitFor(() => expect(errors).toHaveLength(1), { timeout: 10_000 })
    expect(errors[0]).toBeInstanceOf(EmbeddedBackendError)
    expect((errors[0] as EmbeddedBackendError).restarting).toBe(true)
    expect((errors[0] as Error).message).toMatch(/stopped unexpectedly \(signal SIGKILL\)/)
    await vi.waitFor(() => expect(backend.state).toBe('running'), { timeout: 30_000 })
    expect(backend.pid).not.toBe(first)
    expect(await healthy(backend.access)).toBe(true)
    expect(backend.access.secret).toBe(secret)
    expect(await healthy({ url: backend.url, secret: 'x'.repeat(43) })).toBe(false)

    // 2. The core, holding the same URL and secret, sends and reads as before.
    await sendAndWait(core, server.id, channelId, 'after the restart')
    await core.whenSynced(20_000)
    const page = await core.listMessages({ serverId: server.id, channelId, limit: 10 })
    expect(page.messages.map((m) => m.text).sort()).toEqual([
      'after the restart',
      'before the crash',
    ])

    // 3. A second crash is not restarted: a clear, final error.
    process.kill(backend.pid as number, 'SIGKILL')
    await vi.waitFor(() => expect(errors).toHaveLength(2), { timeout: 10_000 })
    expect(backend.state).toBe('failed')
    expect((errors[1] as EmbeddedBackendError).restarting).toBe(false)
    expect((errors[1] as Error).message).toMatch(/not restarted again/)
    expect(await healthy(backend.access)).toBe(false)
  }, 90_000)

  it('asks for the last run’s port again (profiles keep their URL), another if taken', async () => {
    const dataDir = await folder()
    const first = await started(dataDir)
    const port = first.port
    await first.close()
    expect(await readFile(join(dataDir, PORT_FILE), 'utf8')).toBe(`${port}\n`)

    const second = await started(dataDir)
    expect(second.url).toBe(first.url)
    await second.close()

    const squatter = createServer()
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve))
    cleanups.push(() => new Promise((resolve) => squatter.close(() => resolve())))
    const third = await started(dataDir)
    expect(third.port).not.toBe(port)
    expect(await healthy(third.access)).toBe(true)
    expect(await readFile(join(dataDir, PORT_FILE), 'utf8')).toBe(`${third.port}\n`)
  }, 90_000)

  it('says why it could not start', async () => {
    const dataDir = await folder()
    // The data folder is a file: the store cannot be opened.
    await rm(dataDir, { recursive: true })
    await writeFile(dataDir, 'not a folder')
    const error = await startEmbeddedBackend({ dataDir }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toMatch(
      /^the local backend could not start: .*(EEXIST|ENOTDIR)/,
    )
  })

  it('answers only requests carrying the secret of its launch, which is in no environment or argument', async () => {
    const launched: Record<string, string>[] = []
    const pids: number[] = []
    const forkChild = forkBackend()
    const launch: LaunchBackend = (env) => {
      launched.push({ ...env })
      const child = forkChild(env)
      pids.push(child.pid as number)
      return child
    }
    const backend = await startEmbeddedBackend({ dataDir: await folder(), launch })
    cleanups.push(() => backend.close())
    const { url, secret } = backend.access
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/)

    expect(await refusal(url, {})).toEqual({ status: 401, error: 'embedded_access_denied' })
    const wrong = { [EMBEDDED_SECRET_HEADER]: secret.slice(1) + 'A' }
    expect(await refusal(url, wrong)).toEqual({ status: 401, error: 'embedded_access_denied' })
    expect(await healthy(backend.access)).toBe(true)

    // Another process of this user can read a child's environment and command line.
    expect(JSON.stringify(launched)).not.toContain(secret)
    for (const file of ['environ', 'cmdline']) {
      const text = await readFile(`/proc/${pids[0]}/${file}`, 'utf8').catch(() => '')
      expect(text).not.toContain(secret)
    }

    // Each launch has its own.
    const other = await started(await folder())
    expect(other.access.secret).not.toBe(secret)
    expect(await healthy({ url: other.url, secret })).toBe(false)
  })

  it('exits by itself when its parent goes away', async () => {
    const { child, exited, listening } = forkByHand(await folder())
    const secret = 's'.repeat(43)
    child.send({ type: 'start', secret })
    const url = await listening
    expect(await healthy({ url, secret })).toBe(true)
    // The IPC channel closes exactly so when the parent dies.
    child.disconnect()
    expect(await exited).toBe(0)
    expect(await healthy({ url, secret })).toBe(false)
  })

  it('refuses to start on a start message without a proper secret, and says so', async () => {
    const { child, exited, reports } = forkByHand(await folder())
    child.send({ type: 'start', secret: 'too short' })
    expect(await exited).toBe(1)
    expect(reports).toEqual([
      { type: 'failed', message: 'the host sent a message that is not a command' },
    ])
  })
})

/** The backend's process started by hand, as no host would: to see what it does on its own. */
function forkByHand(dataDir: string) {
  const { script, execArgv } = nodeBackendEntry()
  const child = fork(script, [], {
    execArgv: [...execArgv],
    env: {
      ...process.env,
      [EMBEDDED_BACKEND_ENV.dataDir]: dataDir,
      [EMBEDDED_BACKEND_ENV.port]: '0',
    },
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  })
  cleanups.push(() => {
    child.kill('SIGKILL')
    return Promise.resolve()
  })
  const reports: unknown[] = []
  child.on('message', (message) => reports.push(message))
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  const listening = new Promise<string>((resolve, reject) => {
    child.once('message', (message: { url: string }) => resolve(message.url))
    void exited.then((code) => reject(new Error(`the backend exited (${code}) before listening`)))
  })
  listening.catch(() => {})
  return { child, exited, listening, reports }
}

/** The status and error code of GET /healthz with these headers. */
async function refusal(url: string, headers: Record<string, string>) {
  const response = await fetch(`${url}/healthz`, { headers })
  const body = (await response.json()) as { error?: string }
  return { status: response.status, error: body.error }
}

describe('backendEnvironment', () => {
  it('passes the backend its own variables and the basics, never the rest (the password)', () => {
    const env = backendEnvironment(
      { [EMBEDDED_BACKEND_ENV.dataDir]: '/data', [EMBEDDED_BACKEND_ENV.port]: '0' },
      {
        PATH: '/bin',
        HOME: '/home/me',
        SystemRoot: 'C:\\Windows',
        TMPDIR: '/tmp',
        PARACORD_PASSWORD: 'secret',
        PARACORD_SERVER: 'http://example.test',
        NODE_OPTIONS: '--require evil.js',
        AWS_SECRET_ACCESS_KEY: 'key',
      },
    )
    expect(env).toEqual({
      [EMBEDDED_BACKEND_ENV.dataDir]: '/data',
      [EMBEDDED_BACKEND_ENV.port]: '0',
      PATH: '/bin',
      HOME: '/home/me',
      SystemRoot: 'C:\\Windows',
      TMPDIR: '/tmp',
    })
  })
})

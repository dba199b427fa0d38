// For the account and peer tests: the real backend on 127.0.0.1 with a temporary SQLite file,
// and "devices" (an AccountService over its own temporary data folder).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AuthState } from '../../shared/api'
import { startServer, type RunningServer } from '../../server'
import { TEST_KDF } from '../crypto/test-kdf'
import { AccountService, type AccountServiceOptions } from './account-service'

export interface Backend {
  readonly url: string
  stop(): Promise<void>
}

export interface Device {
  readonly dataDir: string
  readonly account: AccountService
  /** Every state the service reported, in order. */
  readonly states: AuthState[]
  readonly errors: unknown[]
}

const folders: string[] = []
const backends: RunningServer[] = []

export function tempFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), `paracord-${prefix}-`))
  folders.push(folder)
  return folder
}

/** `store`: a database file to serve (another backend's, once it stopped); `port`: 0 for any. */
export async function startBackend(
  options: { readonly store?: string; readonly port?: number } = {},
): Promise<Backend & { readonly store: string }> {
  const store = options.store ?? join(tempFolder('store'), 'store.db')
  const server = await startServer({
    db: `sqlite:${store}`,
    port: options.port ?? 0,
    logLevel: 'silent',
    rateLimitPerMinute: 100_000,
  })
  backends.push(server)
  return { url: server.url, store, stop: () => server.close() }
}

/** A URL where nothing listens: a backend started and stopped again. */
export async function deadUrl(): Promise<string> {
  const backend = await startBackend()
  await backend.stop()
  return backend.url
}

export function newDevice(
  serverUrl: string,
  dataDir = tempFolder('device'),
  options: Pick<
    AccountServiceOptions,
    'onBeforeLock' | 'beforeLockTimeoutMs' | 'embeddedBackend'
  > = {},
): Device {
  const states: AuthState[] = []
  const errors: unknown[] = []
  const account = new AccountService({
    ...options,
    dataDir,
    serverUrl,
    kdf: TEST_KDF,
    onAuthChanged: (state) => states.push(state),
    onError: (error) => errors.push(error),
  })
  return { dataDir, account, states, errors }
}

let counter = 0
/** A login name no other test uses. */
export const uniqueName = (base = 'user'): string => `${base}-${process.pid}-${++counter}`

/** Locks every device, stops every backend and deletes every temporary folder. */
export async function cleanUp(devices: readonly Device[] = []): Promise<void> {
  for (const device of devices) await device.account.lock()
  for (const device of devices) await device.account.settled()
  await Promise.all(backends.splice(0).map((server) => server.close()))
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
  // Background work (reconnects, profile writes) must not have failed unnoticed.
  const unexpected = devices.flatMap((device) => device.errors)
  if (unexpected.length > 0)
    throw new Error(`background failures: ${unexpected.map(String).join('; ')}`)
}

/** The error a promise rejects with (null if it resolves). */
export const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => null,
    (error: unknown) => error,
  )

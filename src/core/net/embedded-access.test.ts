// The core's clients against an embedded backend (a real server requiring a secret): with the
// host's access they work, HTTP and live; without it they are refused, and a person reads why.
// The secret goes to that backend's own address only.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../server'
import { EMBEDDED_SECRET_HEADER } from '../../shared/embedded-backend'
import { ParacordError } from '../../shared/api'
import { toParacordError as toAccountError } from '../account/errors'
import { toParacordError as toServiceError } from '../servers/errors'
import {
  EMBEDDED_ACCESS_DENIED_MESSAGE,
  embeddedAccessHeaders,
  type EmbeddedBackendAccess,
} from './embedded-access'
import { ApiError } from './errors'
import { StoreClient } from './http-client'
import { LiveConnection, type LiveState } from './live-connection'
import { signUp } from './test-fixtures'
import { waitFor } from './test-waiting'

const SECRET = 'a'.repeat(43)

let dir: string
let server: RunningServer
let access: EmbeddedBackendAccess
const connections: LiveConnection[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paracord-embedded-access-'))
  server = await startServer({
    db: `sqlite:${join(dir, 'server.db')}`,
    port: 0,
    logLevel: 'silent',
    embeddedSecret: SECRET,
  })
  access = { url: server.url, secret: SECRET }
})
afterEach(async () => {
  await Promise.all(connections.splice(0).map((connection) => connection.close()))
})
afterAll(async () => {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('embeddedAccessHeaders', () => {
  it('gives the secret to the embedded backend’s own address only, over http and ws', () => {
    const backend = { url: 'http://127.0.0.1:4100', secret: SECRET }
    const carried = { [EMBEDDED_SECRET_HEADER]: SECRET }
    expect(embeddedAccessHeaders(backend, 'http://127.0.0.1:4100/v1/accounts')).toEqual(carried)
    expect(embeddedAccessHeaders(backend, 'ws://127.0.0.1:4100/v1/ws')).toEqual(carried)
    for (const elsewhere of [
      'http://127.0.0.1:4101/healthz',
      'http://127.0.0.2:4100/healthz',
      'https://127.0.0.1:4100/healthz',
      'wss://127.0.0.1:4100/v1/ws',
      'https://chat.example.org/healthz',
    ]) {
      expect(embeddedAccessHeaders(backend, elsewhere)).toEqual({})
    }
    expect(embeddedAccessHeaders(null, 'http://127.0.0.1:4100/healthz')).toEqual({})
  })
})

describe('the store client', () => {
  it('is answered with the host’s access', async () => {
    const client = new StoreClient({ baseUrl: server.url, embeddedBackend: access })
    await expect(client.health()).resolves.toBeUndefined()
  })

  it('is refused with a code of its own without it, or with another backend’s', async () => {
    const other = { url: 'http://127.0.0.1:1', secret: SECRET }
    for (const embeddedBackend of [null, other]) {
      const client = new StoreClient({ baseUrl: server.url, embeddedBackend })
      const refusal = await client.health().catch((error: unknown) => error)
      expect(refusal).toBeInstanceOf(ApiError)
      expect(refusal).toMatchObject({ code: 'embedded_access_denied', status: 401 })
    }
  })
})

describe('the live connection', () => {
  async function connect(embeddedBackend: EmbeddedBackendAccess | null) {
    const account = await signUp(new StoreClient({ baseUrl: server.url, embeddedBackend: access }))
    const connection = new LiveConnection({ embeddedBackend, random: () => 0 })
    connections.push(connection)
    const states: LiveState[] = []
    connection.on('state', (state) => states.push(state))
    connection.connect(server.url, account.token)
    return { states, account }
  }

  it('goes online with the host’s access', async () => {
    const { states, account } = await connect(access)
    await waitFor(() => states.some((s) => s.status === 'online'), 'online')
    expect(states.at(-1)).toEqual({ status: 'online', accountId: account.accountId })
  })

  it('has its upgrade refused without it, and says so', async () => {
    const { states } = await connect(null)
    await waitFor(() => states.some((s) => s.status === 'offline'), 'offline')
    const offline = states.find((s) => s.status === 'offline')
    expect(offline?.status === 'offline' && offline.reason).toMatch(/401/)
    expect(states.some((s) => s.status === 'online')).toBe(false)
  })
})

describe('the refusal, as a person reads it', () => {
  it('says the local server belongs to another paracord, and is not for this app to use', async () => {
    const refusal = await new StoreClient({ baseUrl: server.url })
      .health()
      .catch((error: unknown) => error)
    for (const error of [toAccountError(refusal, 'Unlocking'), toServiceError(refusal)]) {
      expect(error).toBeInstanceOf(ParacordError)
      expect(error).toMatchObject({
        code: 'server_unreachable',
        message: EMBEDDED_ACCESS_DENIED_MESSAGE,
      })
    }
  })
})

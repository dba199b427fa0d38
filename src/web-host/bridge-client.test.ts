// The renderer's bridge client (src/renderer/src/bridge) against a real web host: the socket is
// `ws` with the page's Origin, exactly what a browser tab sends.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { ParacordError, type ApiEvents } from '../shared/api'
import { BRIDGE_PATH } from '../shared/bridge-protocol'
import {
  createBridgeClient,
  HOST_GONE_MESSAGE,
  STALE_LINK_MESSAGE,
  type BridgeClient,
  type BridgeStatus,
  type OpenSocket,
} from '../renderer/src/bridge/bridge-client'
import { waitFor } from '../core/net/test-waiting'
import { createFakeParacordApi, type FakeParacordApi } from './test-api'
import { makeRendererDir, startTestHost } from './test-host'
import { startWebHost, type RunningWebHost } from './web-host'

let renderer: Awaited<ReturnType<typeof makeRendererDir>>
let api: FakeParacordApi
let host: RunningWebHost
const clients: BridgeClient[] = []
const hosts: RunningWebHost[] = []
let sockets: WebSocket[] = []

/** Like a browser tab on the host's page: its Origin, and the sockets kept for the test to cut. */
const tab =
  (origin: string): OpenSocket =>
  (url, protocols, handlers) => {
    const ws = new WebSocket(url, [...protocols], { origin })
    sockets.push(ws)
    ws.on('open', () => handlers.onOpen())
    // ws hands a message over as one Buffer (binaryType nodebuffer, the default).
    ws.on('message', (data) => handlers.onMessage((data as Buffer).toString()))
    ws.on('close', (code, reason) => handlers.onClose(code, String(reason)))
    ws.on('error', () => {})
    return ws
  }

const connect = async (target: RunningWebHost, token = target.token) => {
  const client = await createBridgeClient({
    url: `ws://127.0.0.1:${target.port}${BRIDGE_PATH}`,
    token,
    openSocket: tab(target.origin),
    retryDelayMs: () => 20,
  })
  clients.push(client)
  return client
}

beforeAll(async () => {
  renderer = await makeRendererDir()
})
afterAll(() => renderer.dispose())

describe('the renderer bridge client', () => {
  beforeAll(async () => {
    api = createFakeParacordApi()
    host = await startTestHost(api, renderer.root)
    hosts.push(host)
  })
  afterEach(() => {
    for (const client of clients.splice(0)) client.close()
    sockets = []
  })
  afterAll(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.close()))
  })

  it('offers every method of the contract and returns the core’s results', async () => {
    const { api: remote, status } = await connect(host)
    expect(status).toBe('open')
    expect(await remote.getAuthState({})).toEqual({
      status: 'signed_out',
      name: null,
      userId: null,
    })
    expect(await remote.register({ name: 'grace', password: 'hopper' })).toMatchObject({
      status: 'unlocked',
      name: 'grace',
    })
    const server = await remote.createServer({ name: 'Compilers' })
    const channel = await remote.createChannel({
      serverId: server.id,
      name: 'general',
      kind: 'text',
      burnSeconds: 60,
    })
    const sent = await remote.sendMessage({
      serverId: server.id,
      channelId: channel.id,
      text: 'hi',
    })
    const page = await remote.listMessages({
      serverId: server.id,
      channelId: channel.id,
      limit: 10,
    })
    expect(page.messages).toEqual([sent])
  })

  it('rejects with ParacordError carrying the code, also for invalid input', async () => {
    const { api: remote } = await connect(host)
    await remote.logout({})
    const wrong = await remote.login({ name: 'grace', password: 'nope' }).catch((e: unknown) => e)
    expect(wrong).toBeInstanceOf(ParacordError)
    expect(wrong).toMatchObject({ code: 'wrong_password', message: 'Wrong password.' })
    await expect(remote.register({ name: 'x', password: 'y' })).rejects.toMatchObject({
      code: 'invalid_input',
    })
    await expect(remote.getServer({ serverId: 'n'.repeat(22) })).rejects.toMatchObject({
      code: 'signed_out',
    })
  })

  it('delivers events to on() listeners until they unsubscribe, on every tab', async () => {
    const first = await connect(host)
    const second = await connect(host)
    const seen: ApiEvents['authChanged'][] = []
    const seenElsewhere: ApiEvents['authChanged'][] = []
    const stop = first.api.on('authChanged', (state) => seen.push(state))
    second.api.on('authChanged', (state) => seenElsewhere.push(state))
    await first.api.login({ name: 'grace', password: 'hopper' })
    await waitFor(() => seen.length === 1 && seenElsewhere.length === 1, 'authChanged on both tabs')
    expect(seen[0]).toMatchObject({ status: 'unlocked', name: 'grace' })
    stop()
    await second.api.lock({})
    await waitFor(() => seenElsewhere.length === 2, 'the second authChanged')
    expect(seen).toHaveLength(1)
    expect(() => first.api.on('nonsense' as 'authChanged', () => {})).toThrow(ParacordError)
  })

  it('fails calls in flight when the socket drops, says so, and reconnects and resynchronises', async () => {
    const client = await connect(host)
    const statuses: BridgeStatus[] = []
    const connection: ApiEvents['connectionChanged'][] = []
    const auth: ApiEvents['authChanged'][] = []
    client.onStatus((s) => statuses.push(s))
    client.api.on('connectionChanged', (state) => connection.push(state))
    client.api.on('authChanged', (state) => auth.push(state))

    const inFlight = client.api.getAuthState({})
    sockets.at(-1)?.terminate()
    await expect(inFlight).rejects.toMatchObject({
      code: 'server_unreachable',
      message: HOST_GONE_MESSAGE,
    })
    expect(connection[0]).toEqual({
      status: 'offline',
      outbox: 0,
      reason: HOST_GONE_MESSAGE,
      sendingPausedUntil: null,
    })

    await waitFor(() => client.status === 'open', 'the reconnect')
    expect(statuses).toEqual(['reconnecting', 'open'])
    await waitFor(() => auth.length > 0 && connection.length > 1, 'the resync events')
    expect(auth.at(-1)).toMatchObject({ status: 'locked', name: 'grace' })
    expect(connection.at(-1)).toEqual({
      status: 'online',
      outbox: 0,
      reason: null,
      sendingPausedUntil: null,
    })
    expect(await client.api.getAuthState({})).toMatchObject({ status: 'locked' })
  })

  it('refuses to start with a wrong token, and when no host is listening', async () => {
    await expect(connect(host, 'B'.repeat(43))).rejects.toMatchObject({
      code: 'forbidden',
      message: STALE_LINK_MESSAGE,
    })
    const gone = await startTestHost(createFakeParacordApi(), renderer.root)
    await gone.close()
    await expect(connect(gone)).rejects.toMatchObject({ code: 'server_unreachable' })
  })

  it('tells the page when the host was restarted with a new token, and stops retrying', async () => {
    const first = await startTestHost(createFakeParacordApi(), renderer.root)
    const client = await connect(first)
    const connection: ApiEvents['connectionChanged'][] = []
    client.api.on('connectionChanged', (state) => connection.push(state))
    await first.close()
    await waitFor(() => client.status === 'reconnecting', 'the drop')
    await expect(client.api.getAuthState({})).rejects.toMatchObject({ code: 'server_unreachable' })

    const restarted = await startWebHostOnPort(first.port)
    await waitFor(() => client.status === 'refused', 'the refusal of the old token')
    await expect(client.api.getAuthState({})).rejects.toMatchObject({
      code: 'forbidden',
      message: STALE_LINK_MESSAGE,
    })
    expect(connection.at(-1)).toEqual({
      status: 'offline',
      outbox: 0,
      reason: STALE_LINK_MESSAGE,
      sendingPausedUntil: null,
    })
    expect(restarted.servedSockets).toBe(0)
  })
})

async function startWebHostOnPort(port: number): Promise<RunningWebHost> {
  const restarted = await startWebHost({
    api: createFakeParacordApi(),
    rendererDir: renderer.root,
    port,
    onInternalError: () => {},
  })
  hosts.push(restarted)
  return restarted
}

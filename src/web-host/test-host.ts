// Test-only helpers: a renderer folder on disk, a host serving a test API, raw HTTP requests
// (paths sent exactly as written) and bridge sockets as a browser tab would open them.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import type { ParacordApi } from '../shared/api'
import {
  BRIDGE_PATH,
  BRIDGE_SUBPROTOCOL,
  BRIDGE_TOKEN_PREFIX,
  type BridgeServerMessage,
} from '../shared/bridge-protocol'
import { startWebHost, type RunningWebHost } from './web-host'

export const RENDERER_META_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'"
export const INDEX_HTML = `<!doctype html><meta http-equiv="Content-Security-Policy" content="${RENDERER_META_POLICY}" /><title>paracord</title><div id="root"></div>\n`

/** A built-renderer folder, with a secret beside it and a symlink that points at the secret. */
export async function makeRendererDir(): Promise<{
  dir: string
  root: string
  dispose(): Promise<void>
}> {
  const dir = await mkdtemp(join(tmpdir(), 'paracord-web-'))
  const root = join(dir, 'renderer')
  await mkdir(join(root, 'assets'), { recursive: true })
  await writeFile(join(root, 'index.html'), INDEX_HTML)
  await writeFile(join(root, 'assets', 'app.js'), 'console.log("paracord")\n')
  await writeFile(join(root, 'assets', 'app.css'), 'body{margin:0}\n')
  await writeFile(join(root, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n')
  await writeFile(join(root, 'assets', 'blob.bin'), 'bytes')
  await writeFile(join(root, '.env'), 'HIDDEN=1\n')
  await writeFile(join(dir, 'secret.txt'), 'outside the root\n')
  await symlink(join(dir, 'secret.txt'), join(root, 'assets', 'leak.txt'))
  return { dir, root, dispose: () => rm(dir, { recursive: true, force: true }) }
}

export async function startTestHost(
  api: ParacordApi,
  rendererDir: string,
): Promise<RunningWebHost> {
  return startWebHost({ api, rendererDir, port: 0, onInternalError: () => {} })
}

export interface RawResponse {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** A request with `path` sent byte for byte (no URL normalisation on the way). */
export function rawRequest(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
      },
    )
    req.on('error', reject)
    req.end()
  })
}

export interface SocketOptions {
  readonly token?: string | null
  readonly origin?: string | null
  readonly protocols?: readonly string[]
  readonly host?: string
  readonly path?: string
}

/** The outcome of opening a bridge socket: refused at the handshake, or a socket. */
export type Opened =
  | { readonly kind: 'refused'; readonly status: number }
  | { readonly kind: 'socket'; readonly socket: TestSocket }

export interface TestSocket {
  readonly ws: WebSocket
  readonly messages: BridgeServerMessage[]
  readonly closed: Promise<{ code: number; reason: string }>
  send(frame: unknown): void
  /** The next message matching `match`, waiting for it if it has not come yet. */
  next(match: (message: BridgeServerMessage) => boolean): Promise<BridgeServerMessage>
  call(method: string, input: unknown): Promise<BridgeServerMessage & { type: 'result' }>
}

let callIds = 1

export function openBridge(host: RunningWebHost, options: SocketOptions = {}): Promise<Opened> {
  const token = options.token === undefined ? host.token : options.token
  const protocols = options.protocols ?? [
    BRIDGE_SUBPROTOCOL,
    ...(token === null ? [] : [BRIDGE_TOKEN_PREFIX + token]),
  ]
  const origin = options.origin === undefined ? host.origin : options.origin
  const ws = new WebSocket(
    `ws://127.0.0.1:${host.port}${options.path ?? BRIDGE_PATH}`,
    [...protocols],
    {
      ...(origin === null ? {} : { origin }),
      ...(options.host ? { headers: { host: options.host } } : {}),
    },
  )
  const messages: BridgeServerMessage[] = []
  const waiters: (() => void)[] = []
  // ws hands a message over as one Buffer (binaryType nodebuffer, the default).
  ws.on('message', (data) => {
    messages.push(JSON.parse((data as Buffer).toString()) as BridgeServerMessage)
    for (const wake of waiters.splice(0)) wake()
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  )
  const next: TestSocket['next'] = async (match) => {
    for (;;) {
      const found = messages.find(match)
      if (found) {
        messages.splice(messages.indexOf(found), 1)
        return found
      }
      await new Promise<void>((resolve) => waiters.push(resolve))
    }
  }
  const socket: TestSocket = {
    ws,
    messages,
    closed,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    next,
    call: async (method, input) => {
      const id = callIds++
      ws.send(JSON.stringify({ type: 'call', id, method, input }))
      return (await next((m) => m.type === 'result' && m.id === id)) as BridgeServerMessage & {
        type: 'result'
      }
    },
  }
  return new Promise((resolve) => {
    ws.on('unexpected-response', (_req, res) => {
      resolve({ kind: 'refused', status: res.statusCode ?? 0 })
      ws.terminate()
    })
    ws.on('error', () => {})
    ws.on('open', () => resolve({ kind: 'socket', socket }))
  })
}

/** Opens a socket that must be accepted and served (it received `ready`). */
export async function openServed(host: RunningWebHost): Promise<TestSocket> {
  const opened = await openBridge(host)
  if (opened.kind !== 'socket') throw new Error(`bridge refused: ${opened.status}`)
  await opened.socket.next((m) => m.type === 'ready')
  return opened.socket
}

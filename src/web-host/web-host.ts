// The web host: the built renderer and the bridge on 127.0.0.1 behind a per-run token. It
// serves whatever ParacordApi it is given; web-app.ts gives it the real client core.
// Whoever holds the link drives the core, unlocked if it is: so once no page has been open for
// a while the host locks it, and the next page to open asks for the password.
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { ParacordApi } from '../shared/api'
import { BRIDGE_PATH } from '../shared/bridge-protocol'
import { createBridge } from './bridge'
import { rendererPolicy } from '../shared/renderer-csp'
import { FALLBACK_RENDERER_CSP, securityHeaders } from './security-headers'
import { createStaticHandler, plain } from './static-files'
import { createToken } from './token'

export interface WebHostConfig {
  readonly api: ParacordApi
  /** The built renderer (`out/renderer`), holding index.html. */
  readonly rendererDir: string
  /** 0 picks a free port. */
  readonly port?: number
  readonly onInternalError?: (method: string, error: unknown) => void
  /** How long the account stays unlocked with no page open (default 30 s: a reload fits). */
  readonly lockAfterLastPageMs?: number
}

export const DEFAULT_LOCK_AFTER_LAST_PAGE_MS = 30_000

export interface RunningWebHost {
  /** http://127.0.0.1:PORT — the only origin the bridge accepts. */
  readonly origin: string
  readonly port: number
  /** The link to open: the origin with `#token=…` (a fragment, so it never reaches a server log). */
  readonly openUrl: string
  readonly token: string
  /** Pages connected to the bridge with the right token. */
  readonly servedSockets: number
  /** Closes the bridge sockets (1001), then the HTTP server. */
  close(): Promise<void>
}

const LOOPBACK = '127.0.0.1'

export async function startWebHost(config: WebHostConfig): Promise<RunningWebHost> {
  const serveStatic = await createStaticHandler(config.rendererDir)
  const indexHtml = await readFile(join(config.rendererDir, 'index.html'), 'utf8')
  const policy = rendererPolicy(indexHtml) ?? [...FALLBACK_RENDERER_CSP]
  const token = createToken()
  let origin = ''
  let headers: Record<string, string> = {}

  const onInternalError =
    config.onInternalError ?? ((method, error) => console.error(`api ${method} failed:`, error))
  let lockTimer: ReturnType<typeof setTimeout> | null = null
  let stopped = false
  const stopLockTimer = () => {
    if (lockTimer) clearTimeout(lockTimer)
    lockTimer = null
  }
  const pagesChanged = (served: number) => {
    stopLockTimer()
    if (served > 0 || stopped) return
    lockTimer = setTimeout(() => {
      lockTimer = null
      config.api.lock({}).catch((error: unknown) => onInternalError('lock', error))
    }, config.lockAfterLastPageMs ?? DEFAULT_LOCK_AFTER_LAST_PAGE_MS)
    lockTimer.unref()
  }

  const bridge = createBridge({
    api: config.api,
    token,
    origin: () => origin,
    onInternalError,
    onServedChanged: pagesChanged,
  })

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    // A page reached through another name (DNS rebinding) gets nothing.
    if (request.headers.host !== new URL(origin).host)
      return plain(response, 403, 'unknown host', headers)
    if ((request.url ?? '').split('?', 1)[0] === BRIDGE_PATH)
      return plain(response, 426, 'the bridge speaks WebSocket', {
        ...headers,
        Upgrade: 'websocket',
      })
    await serveStatic(request, response, headers)
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      config.onInternalError?.('static file', error)
      if (!response.headersSent) plain(response, 500, 'internal error', headers)
      else response.destroy()
    })
  })
  server.on('upgrade', (request, socket, head) => bridge.handleUpgrade(request, socket, head))
  server.on('clientError', (_error, socket) => socket.destroy())

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port ?? 0, LOOPBACK, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  origin = `http://${LOOPBACK}:${port}`
  headers = securityHeaders(origin, policy)

  let closing: Promise<void> | null = null
  return {
    origin,
    port,
    openUrl: `${origin}/#token=${token}`,
    token,
    get servedSockets() {
      return bridge.servedSockets
    },
    close: () =>
      (closing ??= (async () => {
        stopped = true
        await bridge.close()
        stopLockTimer()
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
      })()),
  }
}

// Calling the client core from inside a page the way the renderer does: a WebSocket to the web
// host's bridge, with the run's token as a subprotocol. Tests use it to ask what the UI does
// not show (ids) and to try what the UI no longer offers (posting after removal).
import type { Page } from '@playwright/test'
import {
  BRIDGE_PATH,
  BRIDGE_SUBPROTOCOL,
  BRIDGE_TOKEN_PREFIX,
} from '../../src/shared/bridge-protocol'
import type { WebHostProcess } from './web-host-process'

/** One call; resolves with the bridge's result, or `{ closed: code }` if it refused the socket. */
export async function callFromPage(
  page: Page,
  host: WebHostProcess,
  method: string,
  input: unknown = {},
  token = host.token,
): Promise<unknown> {
  return page.evaluate(
    ({ url, protocols, method, input }) =>
      new Promise((resolve) => {
        const socket = new WebSocket(url, protocols)
        socket.onmessage = (event) => {
          const message = JSON.parse(String(event.data)) as { type: string; result?: unknown }
          if (message.type === 'ready')
            socket.send(JSON.stringify({ type: 'call', id: 1, method, input }))
          if (message.type === 'result') {
            resolve(message.result)
            socket.close()
          }
        }
        socket.onclose = (event) => resolve({ closed: event.code })
      }),
    {
      url: `${host.origin.replace('http:', 'ws:')}${BRIDGE_PATH}`,
      protocols: [BRIDGE_SUBPROTOCOL, BRIDGE_TOKEN_PREFIX + token],
      method,
      input,
    },
  )
}

/** A call that must succeed; returns its value. */
export async function callOk<T>(
  page: Page,
  host: WebHostProcess,
  method: string,
  input: unknown = {},
): Promise<T> {
  const result = (await callFromPage(page, host, method, input)) as {
    ok?: boolean
    value?: T
  }
  if (result.ok !== true) throw new Error(`${method} failed: ${JSON.stringify(result)}`)
  return result.value as T
}

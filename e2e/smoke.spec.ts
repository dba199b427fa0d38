// The web host end to end: the printed link opens the app in Chromium, the page reaches the
// client core through the bridge, and only with this run's token.
import { BRIDGE_PATH, BRIDGE_SUBPROTOCOL, BRIDGE_TOKEN_PREFIX } from '../src/shared/bridge-protocol'
import type { Page } from '@playwright/test'
import { expect, test, type User } from './fixtures'

/** Opens the bridge from inside the page, as the renderer does, and makes one call. */
async function callFromPage(user: User, token: string, method: string): Promise<unknown> {
  const page: Page = user.page
  return page.evaluate(
    ({ url, protocols, method }) =>
      new Promise((resolve) => {
        const socket = new WebSocket(url, protocols)
        socket.onmessage = (event) => {
          const message = JSON.parse(String(event.data)) as { type: string; result?: unknown }
          if (message.type === 'ready')
            socket.send(JSON.stringify({ type: 'call', id: 1, method, input: {} }))
          if (message.type === 'result') {
            resolve(message.result)
            socket.close()
          }
        }
        socket.onclose = (event) => resolve({ closed: event.code })
      }),
    {
      url: `${user.host.origin.replace('http:', 'ws:')}${BRIDGE_PATH}`,
      protocols: [BRIDGE_SUBPROTOCOL, BRIDGE_TOKEN_PREFIX + token],
      method,
    },
  )
}

test('the printed link opens paracord and the page reaches the core through the bridge', async ({
  user,
}) => {
  await expect(user.page).toHaveTitle('paracord')
  expect(await callFromPage(user, user.host.token, 'getAuthState')).toEqual({
    ok: true,
    value: { status: 'signed_out', name: null, userId: null },
  })
})

test('the bridge refuses a page without this run’s token', async ({ user }) => {
  expect(await callFromPage(user, 'A'.repeat(43), 'getAuthState')).toEqual({ closed: 4401 })
})

test('two hosts on one server are two separate users', async ({ openUsers }) => {
  const [alice, bob] = await openUsers(2)
  if (!alice || !bob) throw new Error('expected two users')
  expect(alice.host.origin).not.toBe(bob.host.origin)
  expect(alice.host.dataDir).not.toBe(bob.host.dataDir)
  // Each page speaks only to its own host: Bob's token does not open Alice's bridge.
  expect(await callFromPage(alice, bob.host.token, 'getAuthState')).toEqual({ closed: 4401 })
  expect(await callFromPage(bob, bob.host.token, 'getAuthState')).toMatchObject({ ok: true })
})

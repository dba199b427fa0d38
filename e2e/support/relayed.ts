// Fixtures for tests that call: a real coturn on 127.0.0.1 and a backend that hands out its
// credentials (or, to test a misconfiguration, credentials the relay refuses).
import { test as base } from '../fixtures'
import { startBackend } from './backend'
import { startCoturn, type Coturn } from './coturn'

export const test = base.extend<{ turn: Coturn; wrongTurnSecret: boolean }>({
  wrongTurnSecret: [false, { option: true }],
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's needs from this pattern
  turn: async ({}, use, testInfo) => {
    const turn = await startCoturn()
    try {
      await use(turn)
    } finally {
      if (testInfo.status !== testInfo.expectedStatus)
        await testInfo.attach('turnserver.log', { body: turn.output() })
      await turn.stop()
    }
  },
  server: async ({ turn, wrongTurnSecret }, use) => {
    const backend = await startBackend({
      turnSecret: wrongTurnSecret ? `${turn.secret}-not` : turn.secret,
      turnUrls: [turn.url],
    })
    try {
      await use(backend)
    } finally {
      await backend.dispose()
    }
  },
})

export { expect, type User } from '../fixtures'

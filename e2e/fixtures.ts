// Playwright fixtures: each test gets its own real paracord-server (SQLite in a temporary
// folder, a free port on 127.0.0.1) and as many real web hosts as it asks for, each with its
// own data folder and its own browser context — separate users on one machine.
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer, type RunningServer } from '../src/server'
import { startWebHostProcess, type WebHostProcess } from './support/web-host-process'

export interface User {
  readonly host: WebHostProcess
  readonly context: BrowserContext
  /** A tab opened on the host's printed link. */
  readonly page: Page
}

interface Fixtures {
  /** The paracord-server every host of this test talks to. */
  readonly server: RunningServer
  /** Starts `count` web hosts against `server` and opens a page on each. */
  readonly openUsers: (count: number) => Promise<User[]>
  /** One user: one web host and one page. */
  readonly user: User
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's needs from this pattern
  server: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'paracord-e2e-server-'))
    const server = await startServer({
      db: `sqlite:${join(dir, 'store.db')}`,
      host: '127.0.0.1',
      port: 0,
      logLevel: 'warn',
    })
    try {
      await use(server)
    } finally {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    }
  },

  openUsers: async ({ server, browser }, use, testInfo) => {
    const started: { host: WebHostProcess; context: BrowserContext; dir: string }[] = []
    await use(async (count) => {
      const users: User[] = []
      for (let i = 0; i < count; i++) {
        const dir = await mkdtemp(join(tmpdir(), 'paracord-e2e-host-'))
        const host = await startWebHostProcess({ dataDir: dir, serverUrl: server.url })
        const context = await browser.newContext()
        started.push({ host, context, dir })
        const page = await context.newPage()
        await page.goto(host.openUrl)
        users.push({ host, context, page })
      }
      return users
    })
    const failures: unknown[] = []
    for (const [index, { host, context, dir }] of started.entries()) {
      await context.close()
      await host.stop().catch((error: unknown) => failures.push(error))
      if (testInfo.status !== testInfo.expectedStatus)
        await testInfo.attach(`web-host-${index + 1}.log`, { body: host.output() })
      await rm(dir, { recursive: true, force: true })
    }
    if (failures.length > 0) throw failures[0]
  },

  user: async ({ openUsers }, use) => {
    const [user] = await openUsers(1)
    await use(user as User)
  },
})

export { expect }

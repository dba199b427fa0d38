// Playwright fixtures: each test gets its own real paracord-server (SQLite in a temporary
// folder, a free port on 127.0.0.1) and as many real web hosts as it asks for, each with its
// own data folder and its own browser context — separate users on one machine.
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startBackend, type Backend } from './support/backend'
import { startWebHostProcess, type WebHostProcess } from './support/web-host-process'

/** A desktop window's size, so screenshots look like the app on a laptop. */
const VIEWPORT = { width: 1280, height: 800 }

export interface User {
  readonly host: WebHostProcess
  readonly context: BrowserContext
  /** A tab opened on the host's printed link. */
  readonly page: Page
}

export interface Fixtures {
  /** The paracord-server every host of this test talks to; it can be stopped and restarted. */
  readonly server: Backend
  /**
   * Starts `count` web hosts against `server` and opens a page on each; with `ownServer`, hosts
   * as a fresh `npm run web` starts them, each with a server of its own ("This computer").
   */
  readonly openUsers: (count: number, options?: { readonly ownServer?: boolean }) => Promise<User[]>
  /** One user: one web host and one page. */
  readonly user: User
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's needs from this pattern
  server: async ({}, use) => {
    const backend = await startBackend()
    try {
      await use(backend)
    } finally {
      await backend.dispose()
    }
  },

  openUsers: async ({ server, browser }, use, testInfo) => {
    const started: { host: WebHostProcess; dir: string; context?: BrowserContext }[] = []
    await use(async (count, options = {}) => {
      // The hosts start side by side: each spends most of its start-up loading tsx.
      const outcomes = await Promise.allSettled(
        Array.from({ length: count }, async () => {
          const dir = await mkdtemp(join(tmpdir(), 'paracord-e2e-host-'))
          try {
            const host = await startWebHostProcess(
              options.ownServer ? { dataDir: dir } : { dataDir: dir, serverUrl: server.url },
            )
            const entry = { host, dir }
            started.push(entry)
            return entry
          } catch (error) {
            await rm(dir, { recursive: true, force: true })
            throw error
          }
        }),
      )
      const users: User[] = []
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') throw outcome.reason
        const entry = outcome.value as (typeof started)[number]
        entry.context = await browser.newContext({ viewport: VIEWPORT })
        const page = await entry.context.newPage()
        await page.goto(entry.host.openUrl)
        users.push({ host: entry.host, context: entry.context, page })
      }
      return users
    })
    const failures: unknown[] = []
    for (const [index, { host, context, dir }] of started.entries()) {
      await context?.close().catch((error: unknown) => failures.push(error))
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

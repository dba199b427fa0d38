// The desktop app end to end: the real Electron binary opens the app from app://, a person
// registers, creates a server and sends a message, and the hardening holds as seen from
// inside the page and from the main process. Needs the Electron binary, so it runs only through
// `npm run test:electron` (build/electron-e2e.mjs), which says plainly when it cannot run;
// the browser suite's config leaves it out by name.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { _electron as electron, expect, test } from '@playwright/test'
import { createServer, messagesWith, register, send } from './support/app'

const REPO = fileURLToPath(new URL('../', import.meta.url))

if (process.env.PARACORD_ELECTRON_E2E !== '1') {
  // Fail loudly rather than skip: a skipped spec must never read as a passed one.
  throw new Error('the Electron spec needs the Electron binary: run `npm run test:electron`')
}

test('the desktop app opens hardened, registers and sends a message', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'paracord-electron-'))
  // Chromium refuses to run its sandbox as root (CI containers); everywhere else it stays on.
  const args = process.getuid?.() === 0 ? ['--no-sandbox', REPO] : [REPO]
  const app = await electron.launch({
    args,
    cwd: REPO,
    env: { ...process.env, PARACORD_DATA: dataDir, ELECTRON_RENDERER_URL: '' },
  })
  try {
    const page = await app.firstWindow()
    await expect(page).toHaveTitle('paracord')
    expect(page.url()).toBe('app://paracord/index.html')

    // The page has no Node, and the preload exposed the API and nothing else.
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
      'undefined',
    )
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe(
      'undefined',
    )
    expect(await page.evaluate(() => typeof (globalThis as { paracord?: unknown }).paracord)).toBe(
      'object',
    )

    // No second window can open.
    await page.evaluate(() =>
      (globalThis as unknown as { open(url: string): unknown }).open('file:///etc/passwd'),
    )
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1)

    // What a person does.
    await register(page, 'alice')
    await createServer(page, 'desk')
    await send(page, 'hello from the desktop app')
    await expect(messagesWith(page, 'hello from the desktop app')).toHaveCount(1)
  } finally {
    await app.close()
    await rm(dataDir, { recursive: true, force: true })
  }
})

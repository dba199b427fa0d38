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
import { createServer, messagesWith, register, registerForm, send } from './support/app'

const REPO = fileURLToPath(new URL('../', import.meta.url))
const INVITE = 'paracord://invite/0123456789abcdefghjkmnpqrs'

interface RecordedDialog {
  readonly message?: string
  readonly detail?: string
  readonly buttons?: string[]
  readonly defaultId?: number
  readonly cancelId?: number
}

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
    // The window was registered before its page loaded: the page's first call (getAuthState)
    // was answered, so it opens on the screen the auth state calls for.
    await expect(registerForm(page).submit).toBeVisible()
    await expect(page.getByText('paracord could not start')).toHaveCount(0)

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

    // A failure reaches the page with its code: contextBridge keeps a plain { code, message }.
    expect(
      await page.evaluate(async () => {
        const api = (
          globalThis as unknown as { paracord: { getServer(input: object): Promise<unknown> } }
        ).paracord
        try {
          await api.getServer({ serverId: 'not an id' })
          return null
        } catch (error) {
          return (error as { code?: unknown }).code ?? 'no code'
        }
      }),
    ).toBe('invalid_input')

    // The desktop contract is there; a copy run from source never updates.
    expect(
      await page.evaluate(async () => {
        const desktop = (
          globalThis as unknown as {
            paracordDesktop: {
              getUpdateStatus(): Promise<unknown>
              restartToUpdate(): Promise<unknown>
            }
          }
        ).paracordDesktop
        return [await desktop.getUpdateStatus(), await desktop.restartToUpdate()]
      }),
    ).toEqual([{ state: 'none' }, 'nothing_to_install'])

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

    // The shell's questions, recorded instead of shown: each is answered with its Cancel.
    await app.evaluate(({ dialog }) => {
      const asked: unknown[] = []
      ;(globalThis as { askedDialogs?: unknown[] }).askedDialogs = asked
      dialog.showMessageBox = (...args: unknown[]) => {
        const options = args.at(-1) as { cancelId?: number }
        asked.push(options)
        return Promise.resolve({ response: options.cancelId ?? 0, checkboxChecked: false })
      }
    })
    const asked = () =>
      app.evaluate(() => (globalThis as { askedDialogs?: RecordedDialog[] }).askedDialogs ?? [])

    // A mail link goes out with its address, subject and body only.
    await page.evaluate(() =>
      (globalThis as unknown as { open(url: string): unknown }).open(
        'mailto:a@example.com?subject=hi&attach=/etc/passwd&body=x',
      ),
    )
    await expect.poll(async () => (await asked()).length).toBe(1)
    const [mail] = await asked()
    expect(mail?.detail).toContain('mailto:a@example.com?subject=hi&body=x')
    expect(mail?.detail).not.toContain('attach')
    expect(mail?.defaultId).toBe(mail?.cancelId)

    // An invite link from outside (macOS's open-url; listened to before ready) asks first,
    // Cancel by default, and says what the link holds and where it would be joined.
    await app.evaluate(({ app: electronApp }, link) => {
      electronApp.emit('open-url', { preventDefault() {} }, link)
    }, INVITE)
    await expect.poll(async () => (await asked()).length).toBe(2)
    const invite = (await asked())[1]
    expect(invite?.buttons?.[invite.defaultId ?? -1]).toBe('Cancel')
    expect(invite?.detail).toContain('local server on this computer')
  } finally {
    await app.close()
    await rm(dataDir, { recursive: true, force: true })
  }
})

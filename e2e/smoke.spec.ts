// The web host end to end: the printed link opens the app in Chromium on its first screen, the
// page reaches the client core through the bridge, and only with this run's token.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from './fixtures'
import { createServer, messagesWith, register, registerForm, send } from './support/app'
import { callFromPage } from './support/bridge'
import { startWebHostProcess } from './support/web-host-process'

test('the printed link opens paracord on the register screen, wired to the core', async ({
  user: { page, host },
}) => {
  await expect(page).toHaveTitle('paracord')
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible()
  const form = registerForm(page)
  await expect(form.name).toBeFocused()
  await expect(form.password).toBeVisible()
  await expect(form.confirm).toBeVisible()
  await expect(form.submit).toBeEnabled()
  expect(await callFromPage(page, host, 'getAuthState')).toEqual({
    ok: true,
    value: { status: 'signed_out', name: null, userId: null },
  })
})

test('the bridge refuses a page without this run’s token', async ({ user: { page, host } }) => {
  expect(await callFromPage(page, host, 'getAuthState', {}, 'A'.repeat(43))).toEqual({
    closed: 4401,
  })
})

test('two hosts on one server are two separate users', async ({ openUsers }) => {
  const [alice, bob] = await openUsers(2)
  if (!alice || !bob) throw new Error('expected two users')
  expect(alice.host.origin).not.toBe(bob.host.origin)
  expect(alice.host.dataDir).not.toBe(bob.host.dataDir)
  // Each page speaks only to its own host: Bob's token does not open Alice's bridge.
  expect(await callFromPage(alice.page, alice.host, 'getAuthState', {}, bob.host.token)).toEqual({
    closed: 4401,
  })
  expect(await callFromPage(bob.page, bob.host, 'getAuthState')).toMatchObject({ ok: true })
})

test('on its own, as `npm run web` starts it, the host brings its own backend', async ({
  browser,
}) => {
  const dir = await mkdtemp(join(tmpdir(), 'paracord-e2e-alone-'))
  const host = await startWebHostProcess({ dataDir: dir })
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    await page.goto(host.openUrl)
    await register(page, 'solo')
    await createServer(page, 'Notebook')
    await send(page, 'kept by the backend the host started')
    await expect(messagesWith(page, 'kept by the backend the host started')).toHaveAttribute(
      'data-delivery',
      'sent',
    )
  } finally {
    await context.close().catch(() => undefined) // the host must stop even if this fails
    await host.stop()
    await rm(dir, { recursive: true, force: true })
  }
})

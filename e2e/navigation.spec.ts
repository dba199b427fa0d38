// Finding one's way: the add-server dialog, a voice channel, editing a channel, the Ctrl+K
// quick switcher, Alt+Up/Down between channels, Esc closing dialogs, and the light theme.
import { expect, test } from './fixtures'
import {
  addServerButton,
  createServer,
  fillChannelDialog,
  messagesWith,
  register,
  send,
  submitChannelDialog,
} from './support/app'
import { checkScreen } from './support/screens'

test('the quick switcher, channel shortcuts and Esc take a person anywhere', async ({
  user: { page },
}) => {
  await register(page, 'mira')
  await addServerButton(page).click()
  const addServer = page.getByRole('dialog', { name: 'Add a server' })
  await expect(addServer.getByLabel('Server name')).toBeFocused()
  await checkScreen(page, 'add-server-dialog')
  await page.keyboard.press('Escape')
  await expect(addServer).toBeHidden()
  await expect(addServerButton(page)).toBeFocused()

  await createServer(page, 'Garden')
  await createServer(page, 'Observatory')
  await fillChannelDialog(page, 'stars', { preset: '1 hour' })
  await submitChannelDialog(page, 'stars')
  await page.getByRole('button', { name: 'Create a voice channel' }).click()
  const voiceDialog = page.getByRole('dialog', { name: 'Create a channel' })
  await voiceDialog.getByRole('radio', { name: /Voice/ }).check()
  await expect(voiceDialog.getByText('Messages burn after')).toHaveCount(0)
  await voiceDialog.getByLabel('Channel name').fill('dome')
  await voiceDialog.getByRole('button', { name: 'Create channel' }).click()
  await expect(page.getByTestId('channel-title')).toHaveText('dome')
  await checkScreen(page, 'voice-channel')

  await page.getByRole('button', { name: 'Edit channel stars' }).click()
  const edit = page.getByRole('dialog', { name: 'Edit #stars' })
  await expect(edit.getByRole('radio', { name: '1 hour', exact: true })).toBeChecked()
  await checkScreen(page, 'edit-channel-dialog')
  await edit.getByRole('radio', { name: '5 minutes', exact: true }).check()
  await edit.getByRole('button', { name: 'Save' }).click()
  await expect(edit).toBeHidden()
  await expect(
    page.locator('[data-testid="channel-link"][data-channel-name="stars"]'),
  ).toHaveAccessibleName('stars, text channel, messages burn after 5 minutes')

  // Ctrl+K, a few letters, Enter: to a channel of another server.
  await page.keyboard.press('Control+k')
  const switcher = page.getByRole('dialog', { name: 'Quick switcher' })
  const search = switcher.getByRole('combobox', { name: 'Find a server or channel' })
  await expect(search).toBeFocused()
  await expect(switcher.getByRole('option', { name: /Garden/ }).first()).toBeVisible()
  await checkScreen(page, 'quick-switcher')
  // Both servers have a #general: arrow down to Garden's.
  await search.fill('general')
  const options = switcher.getByRole('option')
  await expect(options).toHaveCount(2)
  await expect(options.first()).toHaveAttribute('aria-selected', 'true')
  const texts = await options.allTextContents()
  const garden = texts.findIndex((text) => text.includes('Garden'))
  expect(texts.every((text) => text.includes('general'))).toBe(true)
  for (let step = 0; step < garden; step++) await search.press('ArrowDown')
  await expect(options.nth(garden)).toHaveAttribute('aria-selected', 'true')
  await checkScreen(page, 'quick-switcher-filtered')
  await search.press('Enter')
  await expect(switcher).toBeHidden()
  await expect(page.getByTestId('server-name')).toHaveText('Garden')
  await expect(page.getByTestId('channel-title')).toHaveText('general')

  await page.keyboard.press('Control+k')
  await search.fill('zzzz')
  await expect(switcher).toContainText('Nothing matches “zzzz”.')
  await page.keyboard.press('Escape')
  await expect(switcher).toBeHidden()

  // Alt+Down and Alt+Up walk the open server's channels.
  await page.keyboard.press('Control+k')
  await search.fill('Observatory')
  await search.press('Enter')
  await expect(page.getByTestId('server-name')).toHaveText('Observatory')
  await page.getByRole('main').click()
  const order = ['general', 'stars', 'dome']
  const start = order.indexOf((await page.getByTestId('channel-title').textContent()) ?? '')
  expect(start).toBeGreaterThanOrEqual(0)
  for (let index = start + 1; index < order.length; index++) {
    await page.keyboard.press('Alt+ArrowDown')
    await expect(page.getByTestId('channel-title')).toHaveText(order[index] as string)
  }
  await page.keyboard.press('Alt+ArrowUp')
  await expect(page.getByTestId('channel-title')).toHaveText('stars')

  // A draft stays with its channel.
  await page.getByTestId('composer').fill('half a thought')
  await page.keyboard.press('Alt+ArrowUp')
  await expect(page.getByTestId('channel-title')).toHaveText('general')
  await expect(page.getByTestId('composer')).toHaveValue('')
  await page.keyboard.press('Alt+ArrowDown')
  await expect(page.getByTestId('composer')).toHaveValue('half a thought')

  // The light theme, on a channel with something in it.
  await send(page, 'half a thought, finished in the light')
  await page.getByRole('button', { name: 'Settings' }).click()
  const settings = page.getByRole('dialog', { name: 'Settings' })
  await settings.getByRole('radio', { name: 'Light' }).check()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
  await page.keyboard.press('Escape')
  await expect(settings).toBeHidden()
  await checkScreen(page, 'main-view-light')
})

test('a window made smaller keeps the newest messages in view above the composer', async ({
  user: { page },
}) => {
  await register(page, 'nadia')
  await createServer(page, 'Harbour')
  for (let i = 1; i <= 6; i++)
    await send(page, `note ${i}: ${'a few words to make a line '.repeat(3)}`)
  const newest = messagesWith(page, `note 6: ${'a few words to make a line '.repeat(3)}`.trim())
  await expect(newest).toBeInViewport()

  // Everything fits at 1280×800; at 800×600 it no longer does, and the view stays at the end.
  await page.setViewportSize({ width: 800, height: 600 })
  await expect(newest).toBeInViewport({ ratio: 1 })
  const composer = page.getByTestId('composer')
  const [row, box] = [await newest.boundingBox(), await composer.boundingBox()]
  expect(row && box && row.y + row.height <= box.y).toBe(true)
  await page.setViewportSize({ width: 640, height: 480 })
  await expect(newest).toBeInViewport({ ratio: 1 })
})

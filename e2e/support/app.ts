// What a person does in paracord, step by step, through the roles and names the UI exposes —
// so the specs read as stories and a renamed button breaks them loudly.
import { expect, type Locator, type Page } from '@playwright/test'

export const PASSWORD = 'violet-harbour-lantern-42'

/** The signed-in layout's landmarks are all present. */
export async function expectMainView(page: Page): Promise<void> {
  await expect(page.getByRole('navigation', { name: 'Servers' })).toBeVisible()
  await expect(page.getByRole('navigation', { name: 'Channels' })).toBeVisible()
  await expect(page.getByRole('main')).toBeVisible()
}

export function registerForm(page: Page) {
  return {
    name: page.getByLabel('Account name'),
    password: page.getByLabel('Password', { exact: true }),
    confirm: page.getByLabel('Confirm password'),
    submit: page.getByRole('button', { name: 'Create account' }),
  }
}

export async function register(page: Page, name: string, password = PASSWORD): Promise<void> {
  const form = registerForm(page)
  await form.name.fill(name)
  await form.password.fill(password)
  await form.confirm.fill(password)
  await form.submit.click()
  await expectMainView(page)
  await expect(page.getByTestId('user-panel')).toContainText(name)
}

export async function logIn(page: Page, name: string, password = PASSWORD): Promise<void> {
  await page.getByLabel('Account name').fill(name)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Log in' }).click()
}

export function addServerButton(page: Page): Locator {
  return page
    .getByRole('navigation', { name: 'Servers' })
    .getByRole('button', { name: 'Create or join a server' })
}

export async function createServer(page: Page, name: string): Promise<void> {
  await addServerButton(page).click()
  const dialog = page.getByRole('dialog', { name: 'Add a server' })
  await dialog.getByLabel('Server name').fill(name)
  await dialog.getByRole('button', { name: 'Create server' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('server-name')).toHaveText(name)
  // Every server starts with a text channel, opened at once.
  await expect(page.getByTestId('channel-title')).toHaveText('general')
}

/** Opens the create-channel dialog and fills it in; `burnSeconds` not a preset goes in "Custom". */
export async function fillChannelDialog(
  page: Page,
  name: string,
  burn: { readonly preset: string } | { readonly customSeconds: number },
): Promise<Locator> {
  await page.getByRole('button', { name: 'Create a text channel' }).click()
  const dialog = page.getByRole('dialog', { name: 'Create a channel' })
  await expect(dialog.getByRole('radio', { name: /Text/ })).toBeChecked()
  await dialog.getByLabel('Channel name').fill(name)
  if ('preset' in burn) {
    await dialog.getByRole('radio', { name: burn.preset, exact: true }).check()
  } else {
    await dialog.getByRole('radio', { name: 'Custom' }).check()
    await dialog.getByLabel('Amount').fill(String(burn.customSeconds))
    await dialog.getByLabel('Unit').selectOption('seconds')
  }
  return dialog
}

export async function submitChannelDialog(page: Page, name: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Create a channel' })
  await dialog.getByRole('button', { name: 'Create channel' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('channel-title')).toHaveText(name)
}

/** Creates a voice channel from the "+" beside VOICE CHANNELS and opens it. */
export async function createVoiceChannel(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Create a voice channel' }).click()
  const dialog = page.getByRole('dialog', { name: 'Create a channel' })
  await expect(dialog.getByRole('radio', { name: /Voice/ })).toBeChecked()
  await dialog.getByLabel('Channel name').fill(name)
  await dialog.getByRole('button', { name: 'Create channel' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('channel-title')).toHaveText(name)
}

/** Opens the invite dialog, which has a link ready, and returns it (https://HOST/invite#CODE). */
export async function createInvite(page: Page, serverName: string): Promise<string> {
  await page.getByRole('button', { name: 'Invite people' }).click()
  const dialog = page.getByRole('dialog', { name: `Invite people to ${serverName}` })
  const link = dialog.getByTestId('invite-link')
  await expect(link).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+\/invite#[0-9a-z]{26}$/)
  await expect(dialog.getByTestId('invite-row')).toHaveCount(1)
  return link.inputValue()
}

export async function joinByInvite(page: Page, invite: string, serverName: string): Promise<void> {
  await addServerButton(page).click()
  const dialog = page.getByRole('dialog', { name: 'Add a server' })
  await dialog.getByLabel('Invite link or code').fill(invite)
  await dialog.getByRole('button', { name: 'Join server' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('server-name')).toHaveText(serverName)
}

export function channelLink(page: Page, name: string): Locator {
  return page.locator(`[data-testid="channel-link"][data-channel-name="${name}"]`)
}

export async function openChannel(page: Page, name: string): Promise<void> {
  await channelLink(page, name).click()
  await expect(page.getByTestId('channel-title')).toHaveText(name)
}

export async function send(page: Page, text: string): Promise<void> {
  const composer = page.getByTestId('composer')
  await composer.fill(text)
  await composer.press('Enter')
  await expect(composer).toHaveValue('')
}

/** The rows in the open channel showing exactly this text (edited marks aside). */
export function messagesWith(page: Page, text: string): Locator {
  return page.getByTestId('message').filter({
    has: page.locator('.message__text', {
      hasText: new RegExp(`^${escape(text)}( \\(edited\\))?$`),
    }),
  })
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** The member row of `name` in the open server's member list. */
export function member(page: Page, name: string): Locator {
  return page
    .getByRole('complementary', { name: 'Members' })
    .locator(`[data-testid="member"][data-member-name="${name}"]`)
}

// A screenshot tour of the whole app, for a person to look at every screen: run with
// `npm run screens` (playwright.tour.config.ts). alice and bob on one backend with a relay, and
// a fresh install (its own server) for the sign-in screens, walk through every screen and
// dialog; each is shot at a laptop's 1280×800 and a small 800×600 window, once per theme, into
// e2e/artifacts/tour/<theme>-<width>x<height>-<NN>-<screen>.png.
import type { Page } from '@playwright/test'
import { mkdir, readdir, rm } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import {
  addServerButton,
  createInvite,
  createServer,
  fillChannelDialog,
  joinByInvite,
  logIn,
  member,
  messagesWith,
  openChannel,
  PASSWORD,
  register,
  registerForm,
  send,
  submitChannelDialog,
} from './support/app'
import { expectMeshThroughRelay, joinCall, pane, type Person } from './support/calls'
import { expect, test } from './support/relayed'
import { settle } from './support/screens'

const TOUR_DIR = fileURLToPath(new URL('artifacts/tour/', import.meta.url))
const SERVER = 'Hideout'

type Theme = 'dark' | 'light'
const THEMES: readonly Theme[] = ['dark', 'light']
const THEME_LABELS: Readonly<Record<Theme, string>> = { dark: 'Dark', light: 'Light' }

interface Size {
  readonly width: number
  readonly height: number
}
const WIDE: Size = { width: 1280, height: 800 }
const SMALL: Size = { width: 800, height: 600 }

/** For a screen that must be set up again at each size (a menu placed against the window). */
interface Staging {
  readonly before?: (size: Size) => Promise<void>
  readonly after?: (size: Size) => Promise<void>
}

interface FontDocument {
  readonly document: { readonly fonts: { readonly ready: Promise<unknown> } }
}

/** Numbers the screens in the order they are reached, so the files sort as the tour goes. */
class Tour {
  private count = 0
  constructor(private readonly theme: Theme) {}

  /** Removes this theme's shots of an earlier run, so none of a renamed screen linger. */
  async start(): Promise<void> {
    await mkdir(TOUR_DIR, { recursive: true })
    for (const file of await readdir(TOUR_DIR))
      if (file.startsWith(`${this.theme}-`)) await rm(`${TOUR_DIR}${file}`)
  }

  async shoot(page: Page, screen: string, staging: Staging = {}): Promise<void> {
    this.count += 1
    const number = String(this.count).padStart(2, '0')
    for (const size of [WIDE, SMALL]) {
      await page.setViewportSize(size)
      // The pointer rests in the window's bottom-left corner, so no stray hover shows.
      await page.mouse.move(1, size.height - 1)
      await staging.before?.(size)
      await settle(page)
      // Text in a web font still loading is drawn invisible (the bundled emoji, for one).
      await page.evaluate(async () => {
        await (globalThis as unknown as FontDocument).document.fonts.ready
      })
      await page.screenshot({
        path: `${TOUR_DIR}${this.theme}-${size.width}x${size.height}-${number}-${screen}.png`,
        animations: 'disabled',
        caret: 'hide',
      })
      await staging.after?.(size)
    }
    await page.setViewportSize(WIDE)
  }
}

async function openSettings(page: Page) {
  await page.getByRole('button', { name: 'Settings' }).click()
  const settings = page.getByRole('dialog', { name: 'Settings' })
  await expect(settings).toBeVisible()
  return settings
}

/** Picks the theme in Settings, as a person would; the device remembers it for sign-in too. */
async function chooseTheme(page: Page, theme: Theme): Promise<void> {
  const settings = await openSettings(page)
  const radio = settings.getByRole('radio', { name: THEME_LABELS[theme] })
  await radio.check()
  await expect(radio).toBeChecked()
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
  await page.keyboard.press('Escape')
  await expect(settings).toBeHidden()
}

interface Scrollable {
  scrollIntoView(options: { block: 'start' }): void
}

const MESSAGES = {
  hello: 'hi bob, welcome to the hideout 👋',
  emoji: 'hey alice! 🎉 quiet in here 🔥🔥',
  long:
    'A longer message, to see how a paragraph wraps in the list: everything here is encrypted ' +
    'on this device before it leaves, the server keeps only ciphertext, and every message in ' +
    'this channel burns a day after it is sent, for everyone, whether or not they have read it.',
  rtl: 'שלום לכולם! ההודעה הזאת נכתבה מימין לשמאל, עם המספר 42 באמצע.',
  unbroken: `https://example.org/${'a-very-long-path-segment-'.repeat(7)}end`,
  mine: 'this one gets the menu, an edit and a delete',
} as const

for (const theme of THEMES) {
  test(`screen tour, ${theme} theme`, async ({ openUsers, server }) => {
    const tour = new Tour(theme)
    await tour.start()
    const [aliceUser, bobUser] = await openUsers(2)
    const [fresh] = await openUsers(1, { ownServer: true })
    if (!aliceUser || !bobUser || !fresh) throw new Error('expected three hosts')
    const alice: Person = { ...aliceUser, name: 'alice' }
    const bob: Person = { ...bobUser, name: 'bob' }
    const a = alice.page

    // alice signs up: nothing yet but the way to create or join a server.
    await register(a, alice.name)
    await chooseTheme(a, theme)
    await expect(a.getByTestId('no-servers')).toBeVisible()
    await tour.shoot(a, 'welcome-no-servers')

    await addServerButton(a).click()
    const addServer = a.getByRole('dialog', { name: 'Add a server' })
    await expect(addServer.getByLabel('Server name')).toBeFocused()
    await tour.shoot(a, 'add-server-dialog')
    await a.keyboard.press('Escape')
    await expect(addServer).toBeHidden()
    await createServer(a, SERVER)

    const link = await createInvite(a, SERVER)
    await tour.shoot(a, 'invites-dialog')
    await a.keyboard.press('Escape')
    await expect(a.getByRole('dialog')).toHaveCount(0)

    // The sign-in screens, on a fresh install whose device has been set to this theme.
    const d = fresh.page
    await register(d, 'dana')
    await chooseTheme(d, theme)
    await (await openSettings(d)).getByRole('button', { name: 'Log out' }).click()
    const form = registerForm(d)
    await expect(form.submit).toBeVisible()
    await expect(d.locator('html')).toHaveAttribute('data-theme', theme)
    await tour.shoot(d, 'register')

    await form.submit.click()
    await expect(d.getByText('Use at least 3 characters.')).toBeVisible()
    await form.password.fill('ada-password')
    await form.confirm.fill('something else')
    await expect(d.getByText('The passwords do not match.')).toBeVisible()
    await tour.shoot(d, 'register-problems')

    await d.getByRole('button', { name: 'Log in' }).click()
    await expect(d.getByRole('heading', { name: 'Welcome back' })).toBeVisible()
    await tour.shoot(d, 'login')
    await logIn(d, 'dana', 'not-the-password')
    await expect(d.getByTestId('auth-error')).toHaveText('Wrong name or password.')
    await tour.shoot(d, 'login-wrong-password')

    await d.getByRole('button', { name: 'Create an account' }).click()
    await d.getByRole('button', { name: 'I have an invite link' }).click()
    await d.getByLabel('Invite link').fill(link)
    await expect(d.getByTestId('pending-invite')).toContainText('You are invited to a server at')
    await expect(d.getByLabel('Server address')).toHaveValue(server.url)
    await tour.shoot(d, 'register-with-invite')

    // bob joins, and the two talk in #general.
    await register(bob.page, bob.name)
    await chooseTheme(bob.page, theme)
    await joinByInvite(bob.page, link, SERVER)
    await expect(member(a, 'bob')).toBeVisible()
    await send(a, MESSAGES.hello)
    await send(bob.page, MESSAGES.emoji)
    await send(bob.page, MESSAGES.long)
    await send(a, MESSAGES.rtl)
    await send(bob.page, MESSAGES.unbroken)
    await expect(messagesWith(a, MESSAGES.unbroken)).toHaveCount(1)
    await send(a, MESSAGES.mine)
    await expect(a.getByTestId('message')).toHaveCount(6)
    await expect(a.getByTestId('burn-countdown').first()).toContainText('Burns in 23 hours')
    await tour.shoot(a, 'channel-with-messages')

    // A message's actions, from the keyboard.
    const mine = messagesWith(a, MESSAGES.mine)
    const menu = a.getByRole('menu', { name: 'More actions' })
    await tour.shoot(a, 'message-menu', {
      before: async () => {
        await mine.focus()
        await mine.press('Enter')
        await expect(menu.getByRole('menuitem', { name: 'Edit message' })).toBeFocused()
      },
      after: async () => {
        await a.keyboard.press('Escape')
        await expect(menu).toBeHidden()
      },
    })

    await mine.focus()
    await mine.press('Delete')
    const deleteDialog = a.getByRole('dialog', { name: 'Delete this message?' })
    await expect(deleteDialog).toBeVisible()
    await tour.shoot(a, 'delete-message-dialog')
    await deleteDialog.getByRole('button', { name: 'Cancel' }).click()
    await expect(deleteDialog).toBeHidden()

    await mine.focus()
    await mine.press('e')
    const editor = a.getByTestId('edit-composer')
    await expect(editor).toBeFocused()
    await tour.shoot(a, 'message-editing')
    await editor.press('Escape')
    await expect(a.getByTestId('composer')).toBeVisible()

    // Channels: a text one whose messages burn in a minute, a voice one, and editing one.
    await fillChannelDialog(a, 'flash', { preset: '1 minute' })
    await tour.shoot(a, 'create-text-channel-dialog')
    await submitChannelDialog(a, 'flash')
    await send(a, 'this one burns within a minute')
    await expect(a.getByTestId('burn-countdown')).toContainText(/Burns in \d+ seconds/)
    await tour.shoot(a, 'burn-countdown')

    await a.getByRole('button', { name: 'Create a voice channel' }).click()
    const voiceDialog = a.getByRole('dialog', { name: 'Create a channel' })
    await expect(voiceDialog.getByRole('radio', { name: /Voice/ })).toBeChecked()
    await voiceDialog.getByLabel('Channel name').fill('lounge')
    await tour.shoot(a, 'create-voice-channel-dialog')
    await voiceDialog.getByRole('button', { name: 'Create channel' }).click()
    await expect(a.getByTestId('channel-title')).toHaveText('lounge')
    await expect(pane(a).getByRole('button', { name: 'Join voice' })).toBeVisible()
    await tour.shoot(a, 'voice-channel-before-joining')

    await a.getByRole('button', { name: 'Edit channel general' }).click()
    const editChannel = a.getByRole('dialog', { name: 'Edit #general' })
    await expect(editChannel).toBeVisible()
    await tour.shoot(a, 'edit-channel-dialog')
    await a.keyboard.press('Escape')
    await expect(editChannel).toBeHidden()

    // Members: beside the messages when wide, over them from the header's button when small.
    await openChannel(a, 'general')
    const toggle = a.getByTestId('members-toggle')
    const members = a.getByRole('complementary', { name: 'Members' })
    await tour.shoot(a, 'member-list', {
      before: async (size) => {
        if (size === SMALL) await toggle.click()
        await expect(toggle).toHaveAttribute('aria-pressed', 'true')
        await expect(members).toBeVisible()
      },
      after: async (size) => {
        if (size !== SMALL) return
        await toggle.click()
        await expect(members).toBeHidden()
      },
    })

    await member(a, 'bob').click()
    const card = a.getByRole('dialog', { name: 'bob' })
    await expect(card.getByTestId('safety-number')).toBeVisible()
    await tour.shoot(a, 'member-card')
    await card.getByRole('button', { name: 'Make admin…' }).click()
    const roleConfirm = a.getByRole('dialog', { name: 'Make bob an admin?' })
    await expect(roleConfirm).toBeVisible()
    await tour.shoot(a, 'member-role-confirm')
    await roleConfirm.getByRole('button', { name: 'Cancel' }).click()
    await expect(roleConfirm).toBeHidden()
    await a.keyboard.press('Escape')
    await expect(card).toBeHidden()

    await a.getByRole('button', { name: 'Leave server' }).click()
    const leave = a.getByRole('dialog', { name: `Leave ${SERVER}?` })
    await expect(leave).toBeVisible()
    await tour.shoot(a, 'leave-server-dialog')
    await leave.getByRole('button', { name: 'Cancel' }).click()
    await expect(leave).toBeHidden()

    // Settings, one section at a time, then the account deletion it asks about.
    const settings = await openSettings(a)
    for (const section of ['Profile', 'Security', 'Privacy', 'Appearance', 'Server', 'Account']) {
      const heading = settings.getByRole('heading', { name: section, exact: true })
      await tour.shoot(a, `settings-${section.toLowerCase()}`, {
        before: () =>
          heading.evaluate((element) =>
            (element as unknown as Scrollable).scrollIntoView({ block: 'start' }),
          ),
      })
    }
    await settings.getByRole('button', { name: 'Delete account…' }).click()
    const keep = settings.getByRole('button', { name: 'Keep my account' })
    await tour.shoot(a, 'settings-delete-account', { before: () => keep.scrollIntoViewIfNeeded() })
    await keep.click()
    await a.keyboard.press('Escape')
    await expect(settings).toBeHidden()

    await a.keyboard.press('Control+k')
    const switcher = a.getByRole('dialog', { name: 'Quick switcher' })
    const search = switcher.getByRole('combobox', { name: 'Find a server or channel' })
    await expect(search).toBeFocused()
    await tour.shoot(a, 'quick-switcher')
    await search.fill('gen')
    await expect(switcher.getByRole('option')).toHaveCount(1)
    await tour.shoot(a, 'quick-switcher-filtered')
    await a.keyboard.press('Escape')
    await expect(switcher).toBeHidden()

    // Locked, and unlocked again.
    await a.getByRole('button', { name: 'Lock paracord' }).click()
    await expect(a.getByRole('heading', { name: 'paracord is locked' })).toBeVisible()
    await tour.shoot(a, 'unlock')
    const password = a.getByLabel('Password', { exact: true })
    await password.fill('wrong-password-here')
    await a.getByRole('button', { name: 'Unlock' }).click()
    await expect(a.getByTestId('auth-error')).toHaveText('That password is not right.')
    await tour.shoot(a, 'unlock-wrong-password')
    await password.fill(PASSWORD)
    await a.getByRole('button', { name: 'Unlock' }).click()
    await expect(a.getByTestId('server-name')).toHaveText(SERVER)

    // A call between the two, through the relay.
    for (const person of [alice, bob]) await openChannel(person.page, 'lounge')
    await joinCall(alice)
    await joinCall(bob)
    await expectMeshThroughRelay([alice, bob])
    await tour.shoot(a, 'voice-call')
    for (const person of [alice, bob]) {
      await pane(person.page).getByRole('button', { name: 'Leave call' }).click()
      await expect(pane(person.page).getByRole('button', { name: 'Join voice' })).toBeVisible()
    }

    // The invite link opened in a browser: the server's own page, in the system's scheme.
    const landing = await alice.context.newPage()
    await landing.emulateMedia({ colorScheme: theme })
    await landing.goto(link)
    await expect(landing.getByRole('heading', { name: 'Join a server on paracord' })).toBeVisible()
    await tour.shoot(landing, 'invite-landing-page')
    await landing.close()

    // The backend goes away: the banner says so, and a message waits.
    await openChannel(a, 'general')
    await server.stop()
    await expect(a.getByTestId('connection-banner')).toContainText(/offline|Reconnecting/)
    await send(a, 'written while the server was down')
    await expect(messagesWith(a, 'written while the server was down')).toHaveAttribute(
      'data-delivery',
      'pending',
    )
    await tour.shoot(a, 'offline-message-waiting')
  })
}

// Two people on one server, each with their own web host: messages both ways without a
// reload, edits, a channel whose messages burn after 10 seconds, and removal with key rotation.
import { expect, test } from './fixtures'
import {
  channelLink,
  fillChannelDialog,
  member,
  messagesWith,
  openChannel,
  send,
  submitChannelDialog,
} from './support/app'
import { callFromPage, callOk } from './support/bridge'
import { colourShare } from './support/emoji'
import { SERVER, twoPeopleInOneServer } from './support/people'
import { checkScreen } from './support/screens'

const WELCOME = 'hi bob, welcome to the hideout 🎉'
const BURNING = 'this one burns in ten seconds'
const REPLY = 'gone before anyone screenshots it'

test('two people chat live, and a 10-second message burns away for both at zero', async ({
  openUsers,
}) => {
  const { alice, bob } = await twoPeopleInOneServer(openUsers, { screens: true })

  // Both ways, live, in #general.
  await send(alice.page, WELCOME)
  await expect(messagesWith(bob.page, WELCOME)).toHaveCount(1)
  // Emoji show in colour: these machines have no emoji font, so the app's bundled one draws
  // them (a font Chromium cannot draw left them blank). The text beside them has no colour.
  const welcome = messagesWith(bob.page, WELCOME).getByTestId('message-text')
  await expect
    .poll(() => colourShare(welcome, '🎉'), { message: '🎉 in colour' })
    .toBeGreaterThan(0.1)
  expect(await colourShare(welcome, 'welcome')).toBe(0)
  await send(bob.page, 'hey alice! quiet in here')
  await send(bob.page, 'nothing leaves this room, right?')
  await expect(messagesWith(alice.page, 'hey alice! quiet in here')).toHaveCount(1)
  await expect(messagesWith(alice.page, 'nothing leaves this room, right?')).toHaveCount(1)
  await send(alice.page, 'only ciphertext, and it burns on a timer')
  await expect(messagesWith(bob.page, 'only ciphertext, and it burns on a timer')).toHaveCount(1)

  // An edit reaches the other side with its mark.
  const bobsMessage = messagesWith(bob.page, 'nothing leaves this room, right?')
  await bobsMessage.hover()
  await bobsMessage.getByRole('button', { name: 'Edit message' }).click()
  const editor = bob.page.getByTestId('edit-composer')
  await expect(editor).toBeFocused()
  await checkScreen(bob.page, 'message-editing')
  await editor.fill('nothing leaves this room unencrypted, right?')
  await editor.press('Enter')
  await expect(
    messagesWith(alice.page, 'nothing leaves this room unencrypted, right?'),
  ).toContainText('(edited)')
  await expect(bob.page.getByTestId('composer')).toBeVisible()
  await expect(alice.page.getByTestId('message')).toHaveCount(4)
  await expect(alice.page.getByTestId('burn-countdown').first()).toContainText('Burns in 23 hours')
  await checkScreen(alice.page, 'main-view', { readme: true })

  // A channel whose messages live 10 seconds: a custom burn time.
  const dialog = await fillChannelDialog(alice.page, 'flash', { customSeconds: 10 })
  await expect(dialog.getByText('disappears 10 seconds after it is sent')).toBeVisible()
  await checkScreen(alice.page, 'create-channel-dialog')
  await submitChannelDialog(alice.page, 'flash')
  await expect(alice.page.getByTestId('empty-channel')).toHaveText(
    'Messages here burn after 10 seconds. Say hello.',
  )
  await checkScreen(alice.page, 'channel-empty')
  // The channel appears for bob on its own, with its burn time.
  await expect(channelLink(bob.page, 'flash')).toHaveAccessibleName(
    'flash, text channel, messages burn after 10 seconds',
  )
  await openChannel(bob.page, 'flash')

  await send(alice.page, BURNING)
  for (const page of [alice.page, bob.page]) {
    await expect(messagesWith(page, BURNING)).toHaveCount(1)
    await expect(messagesWith(page, BURNING).getByTestId('burn-countdown')).toContainText(
      /Burns in \d+ seconds/,
    )
  }
  // bob answers a moment later, so his reply is still calm when alice's message turns urgent.
  await expect(messagesWith(bob.page, BURNING).getByTestId('burn-countdown')).toContainText(
    /Burns in [1-7] seconds?/,
    { timeout: 10_000 },
  )
  await send(bob.page, REPLY)
  await expect(messagesWith(alice.page, REPLY)).toHaveCount(1)

  // In its last five seconds the countdown turns urgent; then the message is gone everywhere.
  const countdown = messagesWith(bob.page, BURNING).getByTestId('burn-countdown')
  await expect(countdown).toHaveAttribute('data-urgency', 'urgent', { timeout: 10_000 })
  await expect(countdown).toContainText(/Burns in [1-5] seconds?/)
  await expect(messagesWith(bob.page, REPLY).getByTestId('burn-countdown')).toHaveAttribute(
    'data-urgency',
    'calm',
  )
  await checkScreen(bob.page, 'burning-message', { readme: true })
  for (const page of [alice.page, bob.page]) {
    await expect(messagesWith(page, BURNING)).toHaveCount(0, { timeout: 10_000 })
  }
  // bob's reply, a little younger, follows it; then the channel is empty again for both.
  for (const page of [alice.page, bob.page]) {
    await expect(page.getByTestId('message')).toHaveCount(0, { timeout: 10_000 })
    await expect(page.getByTestId('empty-channel')).toBeVisible()
  }
  await checkScreen(alice.page, 'channel-after-burn')
  // #general is untouched: its messages live a day.
  await openChannel(alice.page, 'general')
  await expect(alice.page.getByTestId('message')).toHaveCount(4)
})

test('removing a member rotates the keys: the removed one is told and can no longer post', async ({
  openUsers,
}) => {
  const { alice, bob } = await twoPeopleInOneServer(openUsers)
  const [server] = await callOk<{ id: string }[]>(bob.page, bob.host, 'listServers')
  const details = await callOk<{ channels: { id: string; name: string }[] }>(
    bob.page,
    bob.host,
    'getServer',
    { serverId: server?.id },
  )
  const general = details.channels.find((channel) => channel.name === 'general')
  await send(bob.page, 'before I go')
  await expect(messagesWith(alice.page, 'before I go')).toHaveCount(1)

  await member(alice.page, 'bob').click()
  const card = alice.page.getByRole('dialog', { name: 'bob' })
  await expect(card.getByTestId('safety-number')).toHaveAttribute(
    'aria-label',
    /^Safety number: (\d{5} ){11}\d{5}$/,
  )
  await checkScreen(alice.page, 'member-dialog')
  await card.getByRole('button', { name: 'Remove from server…' }).click()
  const confirm = alice.page.getByRole('dialog', { name: 'Remove bob?' })
  await expect(confirm).toContainText('rotates the server')
  await checkScreen(alice.page, 'remove-member-dialog')
  await confirm.getByRole('button', { name: 'Remove and rotate keys' }).click()
  await expect(confirm).toBeHidden()
  await expect(member(alice.page, 'bob')).toHaveCount(0)

  // bob's app says so, drops the server, and has nowhere left to type.
  await expect(bob.page.getByTestId('notice')).toHaveText(`You were removed from ${SERVER}.`)
  await expect(bob.page.getByTestId('server-icon')).toHaveCount(0)
  await expect(bob.page.getByTestId('no-servers')).toBeVisible()
  await expect(bob.page.getByTestId('composer')).toHaveCount(0)
  await checkScreen(bob.page, 'removed-from-server')

  // Even asked directly, bob's core refuses to post there: it holds no key for the new epoch.
  const attempt = (await callFromPage(bob.page, bob.host, 'sendMessage', {
    serverId: server?.id,
    channelId: general?.id,
    text: 'can anyone still hear me?',
  })) as { ok: boolean }
  expect(attempt.ok).toBe(false)

  // alice carries on under the new keys.
  await send(alice.page, 'after the rotation')
  await expect(messagesWith(alice.page, 'after the rotation')).toHaveAttribute(
    'data-delivery',
    'sent',
  )
  await expect(messagesWith(alice.page, 'can anyone still hear me?')).toHaveCount(0)
})

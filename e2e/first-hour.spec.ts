// A newcomer's first hour, from an invite link to a call: alice, on a server with a relay,
// sends a link; dana has just installed paracord (it runs a server of its own, "This computer")
// and has never heard of alice's server. Everything happens through the interface.
import {
  createInvite,
  createServer,
  createVoiceChannel,
  messagesWith,
  openChannel,
  register,
  registerForm,
  send,
  PASSWORD,
} from './support/app'
import { expectMeshThroughRelay, joinCall, type Person } from './support/calls'
import { expect, test } from './support/relayed'
import { checkScreen } from './support/screens'

const SERVER = 'Band Room'

test('a friend on a fresh install follows an invite link to the server, joins, chats and calls through the relay', async ({
  openUsers,
  server,
}) => {
  const [aliceUser] = await openUsers(1)
  if (!aliceUser) throw new Error('expected alice')
  const alice: Person = { ...aliceUser, name: 'alice' }
  await register(alice.page, alice.name)
  await createServer(alice.page, SERVER)
  await createVoiceChannel(alice.page, 'lounge')
  // The dialog opens with a link that names the server, ready to copy.
  const link = await createInvite(alice.page, SERVER)
  expect(link.startsWith(`${server.url}/invite#`)).toBe(true)
  await alice.page.keyboard.press('Escape')

  // A fresh install: nothing but its own server.
  const [danaUser] = await openUsers(1, { ownServer: true })
  if (!danaUser) throw new Error('expected dana')
  const dana: Person = { ...danaUser, name: 'dana' }
  await expect(dana.page.getByRole('radio', { name: 'This computer' })).toBeChecked()

  // Opened in a browser, the link lands on the server's page, which hands it to the app.
  const landing = await dana.context.newPage()
  await landing.goto(link)
  await expect(landing.getByRole('heading', { name: 'Join a server on paracord' })).toBeVisible()
  await expect(landing.getByText(new URL(server.url).host, { exact: true })).toBeVisible()
  const code = new URL(link).hash.slice(1)
  await expect(landing.getByRole('link', { name: 'Open in paracord' })).toHaveAttribute(
    'href',
    `paracord://invite/${code}?server=${encodeURIComponent(server.url)}`,
  )
  await checkScreen(landing, 'invite-landing')
  await landing.close()

  // In paracord, the link on the sign-up screen brings its server with it.
  await dana.page.getByRole('button', { name: 'I have an invite link' }).click()
  await dana.page.getByLabel('Invite link').fill(link)
  await expect(dana.page.getByTestId('pending-invite')).toContainText(
    `You are invited to a server at ${new URL(server.url).host}.`,
  )
  await expect(dana.page.getByRole('radio', { name: 'Another server' })).toBeChecked()
  await expect(dana.page.getByLabel('Server address')).toHaveValue(server.url)
  await checkScreen(dana.page, 'register-with-invite')
  const form = registerForm(dana.page)
  await form.name.fill(dana.name)
  await form.password.fill(PASSWORD)
  await form.confirm.fill(PASSWORD)
  await form.submit.click()

  // Signed up on alice's server and in her server at once, at its first text channel.
  await expect(dana.page.getByTestId('server-name')).toHaveText(SERVER)
  await expect(dana.page.getByTestId('channel-title')).toHaveText('general')
  await expect(dana.page.getByTestId('composer')).toBeFocused()
  await send(dana.page, 'hi alice, I made it')
  await openChannel(alice.page, 'general')
  await expect(messagesWith(alice.page, 'hi alice, I made it')).toHaveCount(1)
  await send(alice.page, 'welcome dana')
  await expect(messagesWith(dana.page, 'welcome dana')).toHaveCount(1)

  // And a call through the relay the server offers.
  for (const person of [alice, dana]) await openChannel(person.page, 'lounge')
  await joinCall(alice)
  await joinCall(dana)
  await expectMeshThroughRelay([alice, dana])
})

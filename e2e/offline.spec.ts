// The backend goes away and comes back on the same address: both apps say they are offline, a
// message written meanwhile waits (marked as such), and is delivered exactly once after.
import { expect, test } from './fixtures'
import { messagesWith, send } from './support/app'
import { twoPeopleInOneServer } from './support/people'
import { checkScreen } from './support/screens'

const WRITTEN_OFFLINE = 'written while the server was down'
/** Reconnecting backs off with jitter (up to 8 s after a few failed tries); allow for it. */
const RECONNECT_MS = 40_000

test('offline: the banner shows, a message waits, and is delivered once after the restart', async ({
  openUsers,
  server,
}) => {
  const { alice, bob } = await twoPeopleInOneServer(openUsers)
  await send(alice.page, 'before the outage')
  await expect(messagesWith(bob.page, 'before the outage')).toHaveCount(1)

  await server.stop()
  for (const page of [alice.page, bob.page]) {
    await expect(page.getByTestId('connection-banner')).toContainText(/offline|Reconnecting/)
  }

  await send(alice.page, WRITTEN_OFFLINE)
  const pending = messagesWith(alice.page, WRITTEN_OFFLINE)
  await expect(pending).toHaveAttribute('data-delivery', 'pending')
  await expect(pending.getByTestId('message-pending')).toHaveText('Sending…')
  await expect(alice.page.getByTestId('connection-banner')).toContainText(
    '1 message waiting to send',
  )
  await checkScreen(alice.page, 'offline-message-waiting')
  await expect(messagesWith(bob.page, WRITTEN_OFFLINE)).toHaveCount(0)

  await server.restart()
  for (const page of [alice.page, bob.page]) {
    await expect(page.getByTestId('connection-banner')).toBeEmpty({ timeout: RECONNECT_MS })
  }
  await expect(pending).toHaveAttribute('data-delivery', 'sent')
  await expect(pending.getByTestId('message-pending')).toHaveCount(0)
  await expect(messagesWith(bob.page, WRITTEN_OFFLINE)).toHaveCount(1)
  await checkScreen(bob.page, 'back-online')

  // Exactly once: a later message arrives after it with no second copy between, and a fresh
  // load of bob's app from his cache and the backend still shows one.
  await send(alice.page, 'and after the outage')
  await expect(messagesWith(bob.page, 'and after the outage')).toHaveCount(1)
  await expect(messagesWith(bob.page, WRITTEN_OFFLINE)).toHaveCount(1)
  await expect(messagesWith(alice.page, WRITTEN_OFFLINE)).toHaveCount(1)
  await bob.page.reload()
  await expect(messagesWith(bob.page, 'and after the outage')).toHaveCount(1)
  await expect(messagesWith(bob.page, WRITTEN_OFFLINE)).toHaveCount(1)
  await expect(bob.page.getByTestId('message')).toHaveCount(3)
})

// Voice channels end to end: real coturn on 127.0.0.1, the backend handing out its credentials,
// and each person's Chromium with a fake microphone. What a test reads about a connection is
// what the call view shows from RTCPeerConnection.getStats(): the selected candidate pair's
// types and the audio bytes each way.
import Database from 'better-sqlite3'
import type { Locator, Page } from '@playwright/test'
import {
  channelLink,
  createInvite,
  createServer,
  createVoiceChannel,
  joinByInvite,
  register,
} from './support/app'
import {
  connection,
  expectGrowing,
  expectMeshThroughRelay,
  expectStalled,
  joinCall,
  pane,
  type Person,
} from './support/calls'
import { expect, test, type User } from './support/relayed'
import { checkScreen } from './support/screens'

const SERVER = 'Band Room'
const CHANNEL = 'lounge'
const NAMES = ['alice', 'bob', 'carol'] as const

/** `count` people in one server with a voice channel, each looking at it. */
async function peopleWithVoiceChannel(
  openUsers: (count: number) => Promise<User[]>,
  count: number,
): Promise<Person[]> {
  const users = await openUsers(count)
  const people = users.map((user, i) => ({ ...user, name: NAMES[i]! }))
  const [host, ...guests] = people
  if (!host) throw new Error('expected people')
  await register(host.page, host.name)
  await createServer(host.page, SERVER)
  await createVoiceChannel(host.page, CHANNEL)
  const link = await createInvite(host.page, SERVER)
  await host.page.keyboard.press('Escape')
  for (const guest of guests) {
    await register(guest.page, guest.name)
    await joinByInvite(guest.page, link, SERVER)
    await channelLink(guest.page, CHANNEL).click()
    await expect(guest.page.getByTestId('channel-title')).toHaveText(CHANNEL)
  }
  return people
}

function voiceMembers(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Channels' }).getByTestId('voice-member')
}

/** Burnable shards the server still stores (only the voice channel posts any in these tests). */
function burnableShards(dbFile: string): number {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true })
  try {
    const row = db.prepare('SELECT count(*) AS n FROM shards WHERE burn_at IS NOT NULL').get() as {
      n: number
    }
    return row.n
  } finally {
    db.close()
  }
}

test('two people talk through the relay; mute stops audio, leaving removes the person', async ({
  openUsers,
}) => {
  const [alice, bob] = await peopleWithVoiceChannel(openUsers, 2)
  if (!alice || !bob) throw new Error('expected two people')
  await joinCall(alice)
  await joinCall(bob)
  await expectMeshThroughRelay([alice, bob])
  // The sidebar lists who is in the channel, for both.
  for (const person of [alice, bob]) await expect(voiceMembers(person.page)).toHaveCount(2)
  await checkScreen(alice.page, 'voice-call')

  // Muted: nothing leaves alice's device, so bob receives nothing from her.
  const mute = pane(alice.page).getByRole('button', { name: 'Mute' })
  await mute.click()
  await expect(mute).toHaveAttribute('aria-pressed', 'true')
  await expectStalled(connection(alice, bob), 'sent')
  await expectStalled(connection(bob, alice), 'received')
  // Bob's audio still reaches her.
  await expectGrowing(connection(alice, bob), 'received')
  await mute.click()
  await expect(mute).toHaveAttribute('aria-pressed', 'false')
  await expectGrowing(connection(bob, alice), 'received')

  // Bob leaves: alice's call view and sidebar no longer show him.
  await pane(bob.page).getByRole('button', { name: 'Leave call' }).click()
  await expect(pane(bob.page).getByRole('button', { name: 'Join voice' })).toBeVisible()
  await expect(pane(alice.page).getByTestId('voice-participant')).toHaveCount(1)
  await expect(voiceMembers(alice.page)).toHaveCount(1)
  await expect(voiceMembers(alice.page)).toHaveAttribute('data-user-name', 'alice')
})

test('a call outlives a backend outage and its signalling resumes after it', async ({
  openUsers,
  server,
}) => {
  test.setTimeout(150_000)
  const [alice, bob] = await peopleWithVoiceChannel(openUsers, 2)
  if (!alice || !bob) throw new Error('expected two people')
  await joinCall(alice)
  await joinCall(bob)
  await expectMeshThroughRelay([alice, bob])

  // Longer than the presence timeout: nobody can post a heartbeat, nobody is dropped.
  await server.stop()
  await alice.page.waitForTimeout(20_000)
  await expect(connection(alice, bob)).toHaveAttribute('data-state', 'connected')
  await expectGrowing(connection(alice, bob), 'received')
  await expectGrowing(connection(bob, alice), 'received')

  await server.restart()
  // Both live connections come back (after a 20 s outage the reconnect backoff may wait a while).
  for (const person of [alice, bob])
    await expect(person.page.getByTestId('connection-banner')).toBeEmpty({ timeout: 40_000 })
  await expect(pane(alice.page).getByTestId('voice-participant')).toHaveCount(2)
  // Signalling works again: bob's leave reaches alice.
  await pane(bob.page).getByRole('button', { name: 'Leave call' }).click()
  await expect(pane(alice.page).getByTestId('voice-participant')).toHaveCount(1)
})

test('three people form a full mesh through the relay; the signalling burns', async ({
  openUsers,
  server,
}) => {
  test.setTimeout(200_000)
  const people = await peopleWithVoiceChannel(openUsers, 3)
  for (const person of people) await joinCall(person)
  await expectMeshThroughRelay(people)
  // The signalling lives on the server as burnable shards while the call goes on…
  expect(burnableShards(server.dbFile)).toBeGreaterThan(0)

  for (const person of people)
    await pane(person.page).getByRole('button', { name: 'Leave call' }).click()
  for (const person of people) await expect(voiceMembers(person.page)).toHaveCount(0)
  // …and is gone a minute after the last of it was posted.
  await expect
    .poll(() => burnableShards(server.dbFile), { timeout: 100_000, intervals: [2000] })
    .toBe(0)
})

test.describe('with a relay that does not accept the backend’s credentials', () => {
  test.use({ wrongTurnSecret: true })

  test('the call fails with the reason shown instead of hanging', async ({ openUsers }) => {
    const [alice, bob] = await peopleWithVoiceChannel(openUsers, 2)
    if (!alice || !bob) throw new Error('expected two people')
    await joinCall(alice)
    await joinCall(bob)
    for (const [viewer, other] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      await expect(pane(viewer.page).getByTestId('voice-error')).toContainText(
        'voice relay cannot be reached',
        { timeout: 30_000 },
      )
      await expect(connection(viewer, other)).not.toHaveAttribute('data-state', 'connected')
    }
    await checkScreen(alice.page, 'voice-relay-unreachable')
  })
})

// What a call looks like from each side, read from the call view, which shows what
// RTCPeerConnection.getStats() says: the selected candidate pair's types and audio bytes each way.
import { expect, type Locator, type Page } from '@playwright/test'
import type { User } from '../fixtures'

export interface Person extends User {
  readonly name: string
}

export const pane = (page: Page) => page.getByTestId('voice-pane')

export async function joinCall(person: Person): Promise<void> {
  await pane(person.page).getByRole('button', { name: 'Join voice' }).click()
  await expect(pane(person.page).getByRole('button', { name: 'Leave call' })).toBeVisible()
}

/** How `viewer`'s call view shows its connection to `other`. */
export function connection(viewer: Person, other: Person): Locator {
  return pane(viewer.page)
    .locator(`[data-testid="voice-participant"][data-user-name="${other.name}"]`)
    .getByTestId('voice-connection')
}

async function bytes(locator: Locator, direction: 'received' | 'sent'): Promise<number> {
  return Number(await locator.getAttribute(`data-bytes-${direction}`))
}

/** The count keeps rising: read it, then wait until it is higher. */
export async function expectGrowing(
  locator: Locator,
  direction: 'received' | 'sent',
): Promise<void> {
  const before = await bytes(locator, direction)
  await expect.poll(() => bytes(locator, direction)).toBeGreaterThan(before)
}

/** The count has stopped: two readings a few statistics rounds apart are the same. */
export async function expectStalled(
  locator: Locator,
  direction: 'received' | 'sent',
): Promise<void> {
  await expect
    .poll(async () => {
      const before = await bytes(locator, direction)
      await locator.page().waitForTimeout(2500)
      return (await bytes(locator, direction)) - before
    })
    .toBe(0)
}

/** Every pair is connected through the relay, and audio arrives both ways. */
export async function expectMeshThroughRelay(people: readonly Person[]): Promise<void> {
  for (const viewer of people)
    for (const other of people) {
      if (viewer === other) continue
      const link = connection(viewer, other)
      await expect(link, `${viewer.name} → ${other.name}`).toHaveAttribute(
        'data-state',
        'connected',
        {
          timeout: 30_000,
        },
      )
      await expect(link).toHaveAttribute('data-local-candidate', 'relay')
      await expect(link).toHaveAttribute('data-remote-candidate', 'relay')
      await expectGrowing(link, 'received')
    }
}

// The start most stories share: alice founds a server and invites bob by link, and bob joins.
import { expect } from '@playwright/test'
import type { User } from '../fixtures'
import { createInvite, createServer, joinByInvite, member, register } from './app'
import { checkScreen } from './screens'

export const SERVER = 'Hideout'

export interface TwoPeople {
  readonly alice: User
  readonly bob: User
}

/** `screens` photographs and axe-checks the dialogs on the way (once per run is enough). */
export async function twoPeopleInOneServer(
  openUsers: (count: number) => Promise<User[]>,
  options: { readonly screens?: boolean } = {},
): Promise<TwoPeople> {
  const [alice, bob] = await openUsers(2)
  if (!alice || !bob) throw new Error('expected two users')
  await register(alice.page, 'alice')
  await createServer(alice.page, SERVER)
  const link = await createInvite(alice.page, SERVER)
  if (options.screens) await checkScreen(alice.page, 'invites-dialog')
  await alice.page.keyboard.press('Escape')
  await expect(alice.page.getByRole('dialog')).toHaveCount(0)

  await register(bob.page, 'bob')
  await joinByInvite(bob.page, link, SERVER)
  // The join is signed into the server: alice's member list shows bob without a reload.
  await expect(member(alice.page, 'bob')).toBeVisible()
  await expect(member(bob.page, 'alice')).toBeVisible()
  return { alice, bob }
}

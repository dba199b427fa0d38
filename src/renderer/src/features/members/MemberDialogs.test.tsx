// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ApiInput, SafetyNumber } from '../../../../shared/api'
import { DialogHost } from '../../app/DialogHost'
import { emptyServers, useServers } from '../../store/servers'
import { installApi } from '../../store/test-api'
import { ALICE, BOB, SERVER_ID, makeMember, makeServer, showServer } from '../../store/test-servers'
import { useUi } from '../../store/ui'
import { MemberList } from './MemberList'

const BOBS_NUMBER: SafetyNumber = {
  userId: BOB,
  displayName: 'bob',
  digits: '1'.repeat(60),
  keyChanged: false,
}

function serverApi() {
  return installApi({
    getSafetyNumber: vi.fn(() => Promise.resolve(BOBS_NUMBER)),
    setRole: vi.fn((_input: ApiInput<'setRole'>) => Promise.resolve(null)),
    removeMember: vi.fn(() => Promise.resolve(null)),
    getServer: vi.fn(() =>
      Promise.resolve(
        makeServer({
          members: useServers
            .getState()
            .details[SERVER_ID]!.members.map((member) =>
              member.userId === BOB ? makeMember({ ...member, role: 'admin' }) : member,
            ),
        }),
      ),
    ),
  })
}

/** The member list and the dialogs, as the main view shows them. */
function App() {
  return (
    <div id="root">
      <MemberList />
      <DialogHost />
    </div>
  )
}

async function openBobsCard(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole('button', { name: /^bob,/ }))
  const card = screen.getByRole('dialog', { name: 'bob' })
  await within(card).findByTestId('safety-number')
  return card
}

beforeEach(() => {
  useServers.setState(emptyServers())
  useUi.getState().reset()
  showServer()
})
afterEach(cleanup)

describe('the member card', () => {
  it('says which invite each member joined with, and who founded the server', async () => {
    serverApi()
    const carol = 'user-carol-aaaaaaaaaa'
    showServer(
      makeServer({
        members: [
          makeMember({ userId: ALICE, displayName: 'alice', role: 'owner' }),
          makeMember({ userId: BOB, displayName: 'bob', joinedVia: 'Qx7vK2mZp9LwTt' }),
          makeMember({ userId: carol, displayName: 'carol' }),
        ],
      }),
    )
    const user = userEvent.setup()
    render(<App />)

    const bobsCard = await openBobsCard(user)
    expect(within(bobsCard).getByTestId('member-joined').textContent).toBe(
      'Joined with invite Qx7vK2',
    )
    await user.keyboard('{Escape}')

    await user.click(screen.getByRole('button', { name: /^alice,/ }))
    const alicesCard = screen.getByRole('dialog', { name: 'alice' })
    expect(within(alicesCard).getByTestId('member-joined').textContent).toBe('Founded this server')
    await user.keyboard('{Escape}')

    // A member whose join names no invite gets no line rather than a guess.
    await user.click(screen.getByRole('button', { name: /^carol,/ }))
    const carolsCard = screen.getByRole('dialog', { name: 'carol' })
    await within(carolsCard).findByTestId('safety-number')
    expect(within(carolsCard).queryByTestId('member-joined')).toBeNull()
  })

  it('opens on Close, and no single key press changes a role', async () => {
    const api = serverApi()
    const user = userEvent.setup()
    render(<App />)
    const card = await openBobsCard(user)

    // The footer's Close button (the × in the corner has the same name).
    expect(document.activeElement?.textContent).toBe('Close')
    expect(card.contains(document.activeElement)).toBe(true)
    expect(within(card).queryByRole('combobox')).toBeNull()
    await user.keyboard('{ArrowDown}{ArrowDown}{ArrowUp}')
    expect(api.setRole).not.toHaveBeenCalled()
  })

  it('changes a role only after it is confirmed', async () => {
    const api = serverApi()
    const user = userEvent.setup()
    render(<App />)
    const card = await openBobsCard(user)

    await user.click(within(card).getByRole('button', { name: 'Make admin…' }))
    const confirm = screen.getByRole('dialog', { name: 'Make bob an admin?' })
    expect(confirm.textContent).toContain('remove members')
    // Focus starts on Cancel: Enter alone does not promote anyone.
    expect(document.activeElement).toBe(within(confirm).getByRole('button', { name: 'Cancel' }))
    await user.keyboard('{Enter}')
    expect(api.setRole).not.toHaveBeenCalled()
    expect(screen.queryByRole('dialog', { name: 'Make bob an admin?' })).toBeNull()

    await user.click(within(card).getByRole('button', { name: 'Make admin…' }))
    await user.click(screen.getByRole('button', { name: 'Make admin' }))
    expect(api.setRole).toHaveBeenCalledWith({ serverId: SERVER_ID, userId: BOB, role: 'admin' })
    await vi.waitFor(() =>
      expect(screen.queryByRole('dialog', { name: 'Make bob an admin?' })).toBeNull(),
    )
    expect(within(card).getByRole('button', { name: 'Remove admin role…' })).toBeTruthy()
  })

  it('Esc in “Remove bob?” closes only that question and returns focus to its button', async () => {
    const api = serverApi()
    const user = userEvent.setup()
    render(<App />)
    const card = await openBobsCard(user)
    const removeButton = within(card).getByRole('button', { name: 'Remove from server…' })

    await user.click(removeButton)
    expect(screen.getByRole('dialog', { name: 'Remove bob?' })).toBeTruthy()
    await user.keyboard('{Escape}')

    expect(screen.queryByRole('dialog', { name: 'Remove bob?' })).toBeNull()
    expect(screen.getByRole('dialog', { name: 'bob' })).toBe(card)
    expect(document.activeElement).toBe(removeButton)
    expect(api.removeMember).not.toHaveBeenCalled()

    // A second Esc closes the card itself, and focus goes back to bob in the list.
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(document.activeElement).toBe(screen.getByRole('button', { name: /^bob,/ }))
  })

  it('keeps the card out of reach while its question is open, and removes on confirm', async () => {
    const api = serverApi()
    const user = userEvent.setup()
    render(<App />)
    const card = await openBobsCard(user)

    await user.click(within(card).getByRole('button', { name: 'Remove from server…' }))
    expect(card.closest('.dialog-overlay')?.hasAttribute('inert')).toBe(true)
    await user.click(screen.getByRole('button', { name: 'Remove and rotate keys' }))

    expect(api.removeMember).toHaveBeenCalledWith({ serverId: SERVER_ID, userId: BOB })
    await vi.waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
  })
})

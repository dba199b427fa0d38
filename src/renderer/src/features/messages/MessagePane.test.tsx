// @vitest-environment happy-dom
import { act, cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { MessageInfo } from '../../../../shared/api'
import { tick } from '../../store/clock'
import { channelKey, useMessages, withMessages } from '../../store/messages'
import { emptyServers, useServers } from '../../store/servers'
import { installApi } from '../../store/test-api'
import { makeMessage } from '../../store/test-messages'
import {
  ALICE,
  BOB,
  GENERAL,
  SERVER_ID,
  makeMember,
  makeServer,
  showServer,
} from '../../store/test-servers'
import { useUi } from '../../store/ui'
import { MessagePane } from './MessagePane'

const NOW = Date.UTC(2026, 0, 5, 9, 0, 0)

function show(...messages: MessageInfo[]) {
  const key = channelKey(SERVER_ID, GENERAL.id)
  const state = withMessages(useMessages.getState(), key, messages, NOW)
  useMessages.setState({ channels: { [key]: { ...state.channels[key]!, loaded: true } } })
}

const message = (fields: Partial<MessageInfo>) =>
  makeMessage({ serverId: SERVER_ID, channelId: GENERAL.id, sentAt: NOW, ...fields })

const row = (text: string) =>
  screen.getAllByTestId('message').find((element) => element.textContent?.includes(text))!

beforeEach(() => {
  useMessages.getState().reset()
  useServers.setState(emptyServers())
  useUi.getState().reset()
  tick(NOW)
  showServer()
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(800)
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(600)
})
afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

describe('message actions from the keyboard', () => {
  it('arrows move between messages, and Enter opens the actions of the focused one', async () => {
    installApi({})
    show(
      message({ authorId: BOB, authorName: 'bob', text: 'first from bob', seq: 1 }),
      message({ authorId: ALICE, authorName: 'alice', text: 'then alice', seq: 2 }),
    )
    const user = userEvent.setup()
    render(<MessagePane />)

    // One Tab stop for the list; the arrows go from message to message.
    screen.getByRole('region', { name: 'Messages in general' }).focus()
    await user.keyboard('{ArrowUp}')
    expect(document.activeElement).toBe(row('then alice'))
    await user.keyboard('{ArrowUp}')
    expect(document.activeElement).toBe(row('first from bob'))
    await user.keyboard('{ArrowDown}')
    expect(document.activeElement).toBe(row('then alice'))

    await user.keyboard('{Enter}')
    const menu = screen.getByRole('menu', { name: 'More actions' })
    const items = within(menu).getAllByRole('menuitem')
    expect(items.map((item) => item.textContent)).toEqual([
      'Edit message',
      'Copy text',
      'Delete message…',
    ])
    expect(document.activeElement).toBe(items[0])
    await user.keyboard('{ArrowDown}')
    expect(document.activeElement).toBe(items[1])
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('menu')).toBeNull()
    expect(document.activeElement).toBe(
      within(row('then alice')).getByRole('button', { name: 'More actions' }),
    )

    // Someone else's message offers only what one may do with it.
    row('first from bob').focus()
    await user.keyboard('{Enter}')
    expect(
      within(screen.getByRole('menu'))
        .getAllByRole('menuitem')
        .map((item) => item.textContent),
    ).toEqual(['Copy text'])
  })

  it('edits one’s own message from its menu, with the editor focused', async () => {
    installApi({})
    show(message({ authorId: ALICE, authorName: 'alice', text: 'typo heer', seq: 1 }))
    const user = userEvent.setup()
    render(<MessagePane />)

    row('typo heer').focus()
    await user.keyboard('{Enter}')
    await user.click(screen.getByRole('menuitem', { name: 'Edit message' }))

    expect(document.activeElement).toBe(screen.getByTestId('edit-composer'))
    expect(screen.getByTestId('edit-composer')).toHaveProperty('value', 'typo heer')

    // Esc leaves the editor for the composer, with focus, not for nowhere.
    await user.keyboard('{Escape}')
    expect(screen.queryByTestId('edit-composer')).toBeNull()
    expect(document.activeElement).toBe(screen.getByTestId('composer'))
  })

  it('asks before deleting: Cancel keeps the message and returns focus, Delete removes it', async () => {
    const api = installApi({ deleteMessage: vi.fn(() => Promise.resolve(null)) })
    const mine = message({ authorId: ALICE, authorName: 'alice', text: 'regrettable', seq: 1 })
    show(mine)
    const user = userEvent.setup()
    render(<MessagePane />)

    row('regrettable').focus()
    await user.keyboard('{Enter}')
    await user.click(screen.getByRole('menuitem', { name: 'Delete message…' }))
    const confirm = screen.getByRole('dialog', { name: 'Delete this message?' })
    expect(within(confirm).getByText('regrettable')).toBeTruthy()
    expect(document.activeElement).toBe(within(confirm).getByRole('button', { name: 'Cancel' }))

    await user.keyboard('{Escape}')
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(api.deleteMessage).not.toHaveBeenCalled()
    expect(document.activeElement).toBe(
      within(row('regrettable')).getByRole('button', { name: 'More actions' }),
    )

    // The Delete key on the focused row asks too.
    row('regrettable').focus()
    await user.keyboard('{Delete}')
    await user.click(screen.getByRole('button', { name: 'Delete' }))

    expect(api.deleteMessage).toHaveBeenCalledWith({
      serverId: SERVER_ID,
      channelId: GENERAL.id,
      messageId: mine.id,
    })
    await vi.waitFor(() => expect(screen.queryByText('regrettable')).toBeNull())
    expect(screen.queryByRole('dialog')).toBeNull()
    // The channel is empty now: focus waits in the composer, not on the lost row.
    expect(document.activeElement).toBe(screen.getByTestId('composer'))
  })
})

describe('author names', () => {
  it('shows a member’s new display name on messages sent before the change', () => {
    installApi({})
    show(message({ authorId: BOB, authorName: 'bob', text: 'said before the rename', seq: 1 }))
    render(<MessagePane />)
    expect(screen.getByTestId('message-author').textContent).toBe('bob')

    // The server's member list changes (a profile_changed entry); no reload, no unlock.
    act(() =>
      useServers.getState().applyDetails(
        makeServer({
          members: [
            makeMember({ userId: ALICE, displayName: 'alice', role: 'owner' }),
            makeMember({ userId: BOB, displayName: 'Robert' }),
          ],
        }),
      ),
    )
    expect(screen.getByTestId('message-author').textContent).toBe('Robert')
    expect(screen.getByRole('article', { name: /^Robert,/ })).toBeTruthy()
  })
})

describe('history for a member who joined later', () => {
  const BEFORE_JOIN = "Messages sent before you joined aren't shown."

  it('says at the top of the channel that messages from before the join are not shown', () => {
    installApi({})
    showServer(makeServer({ joinedEpoch: 4 }))
    show(message({ authorId: BOB, authorName: 'bob', text: 'since you came', seq: 7 }))
    render(<MessagePane />)
    expect(screen.getByRole('heading', { name: '#general' })).toBeTruthy()
    expect(screen.getByText(BEFORE_JOIN)).toBeTruthy()
    // Nothing claims the older messages burned: this member never held them.
    expect(screen.queryByText(/burned/)).toBeNull()
  })

  it('says it in a channel with nothing to show yet', () => {
    installApi({})
    showServer(makeServer({ joinedEpoch: 4 }))
    show()
    render(<MessagePane />)
    expect(screen.getByTestId('empty-channel')).toBeTruthy()
    expect(screen.getByText(BEFORE_JOIN)).toBeTruthy()
  })

  it('is not said to the server’s founder', () => {
    installApi({})
    show(message({ authorId: BOB, authorName: 'bob', text: 'from the start', seq: 1 }))
    render(<MessagePane />)
    expect(screen.getByText('This is the start of the channel.')).toBeTruthy()
    expect(screen.queryByText(BEFORE_JOIN)).toBeNull()
  })
})

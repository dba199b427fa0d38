// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { NAME_MAX_CHARS, type ApiInput, type ChannelInfo } from '../../../../shared/api'
import { DialogHost } from '../../app/DialogHost'
import { emptyServers, useServers } from '../../store/servers'
import { installApi } from '../../store/test-api'
import { GENERAL, SERVER_ID, makeServer, showServer } from '../../store/test-servers'
import { useUi } from '../../store/ui'
import { ChannelSidebar } from './ChannelSidebar'

function channelApi() {
  return installApi({
    createChannel: vi.fn(
      ({ serverId, name, kind, burnSeconds }: ApiInput<'createChannel'>): Promise<ChannelInfo> =>
        Promise.resolve({
          id: 'channel-new-aaaaaaaaaa',
          serverId,
          name,
          kind,
          burnSeconds,
          unread: 0,
        }),
    ),
    updateChannel: vi.fn(() => Promise.resolve(GENERAL)),
    getServer: vi.fn(() => Promise.resolve(makeServer())),
    markRead: vi.fn(() => Promise.resolve(null)),
    listMessages: vi.fn(() => Promise.resolve({ messages: [], hasOlder: false })),
  })
}

function App() {
  return (
    <div id="root">
      <ChannelSidebar />
      <DialogHost />
    </div>
  )
}

const nameField = () => screen.getByLabelText<HTMLInputElement>('Channel name')

beforeEach(() => {
  useServers.setState(emptyServers())
  useUi.getState().reset()
  showServer()
})
afterEach(cleanup)

describe('creating a channel', () => {
  it('opens with Voice chosen from the “+” beside the voice channels, Text beside the text ones', async () => {
    channelApi()
    const user = userEvent.setup()
    render(<App />)

    await user.click(screen.getByRole('button', { name: 'Create a voice channel' }))
    let dialog = screen.getByRole('dialog', { name: 'Create a channel' })
    expect(within(dialog).getByRole('radio', { name: /Voice/ })).toHaveProperty('checked', true)
    expect(within(dialog).getByRole('radio', { name: /Text/ })).toHaveProperty('checked', false)
    await user.keyboard('{Escape}')

    await user.click(screen.getByRole('button', { name: 'Create a text channel' }))
    dialog = screen.getByRole('dialog', { name: 'Create a channel' })
    expect(within(dialog).getByRole('radio', { name: /Text/ })).toHaveProperty('checked', true)
  })

  it('refuses the name of a channel the server already has, and says so', async () => {
    const api = channelApi()
    const user = userEvent.setup()
    render(<App />)

    await user.click(screen.getByRole('button', { name: 'Create a text channel' }))
    await user.type(nameField(), 'General ')
    expect(screen.getByRole('alert').textContent).toBe(
      'This server already has a channel called “general”. Choose another name.',
    )
    expect(nameField().getAttribute('aria-invalid')).toBe('true')
    await user.click(screen.getByRole('button', { name: 'Create channel' }))
    expect(api.createChannel).not.toHaveBeenCalled()

    // A voice channel's name counts too.
    await user.clear(nameField())
    await user.type(nameField(), 'lounge{Enter}')
    expect(screen.getByRole('alert').textContent).toContain('“lounge”')
    expect(api.createChannel).not.toHaveBeenCalled()

    await user.clear(nameField())
    await user.type(nameField(), 'random{Enter}')
    expect(api.createChannel).toHaveBeenCalledWith(
      expect.objectContaining({ serverId: SERVER_ID, name: 'random', kind: 'text' }),
    )
  })

  it('keeps a name past the limit whole, counts how far over it is, and refuses it', async () => {
    const api = channelApi()
    const user = userEvent.setup()
    render(<App />)
    await user.click(screen.getByRole('button', { name: 'Create a text channel' }))

    const nearly = 'n'.repeat(NAME_MAX_CHARS - 2)
    await user.click(nameField())
    await user.paste(nearly)
    expect(screen.getByTestId('char-counter').textContent).toBe('2 characters left')

    await user.paste('-and-then-some')
    expect(nameField().value).toBe(`${nearly}-and-then-some`)
    expect(screen.getByTestId('char-counter').textContent).toBe(
      `${NAME_MAX_CHARS + 12}/${NAME_MAX_CHARS}`,
    )
    expect(screen.getByRole('alert').textContent).toBe(
      `Channel names can be up to ${NAME_MAX_CHARS} characters; this one has ${NAME_MAX_CHARS + 12}.`,
    )
    await user.keyboard('{Enter}')
    expect(api.createChannel).not.toHaveBeenCalled()
  })

  it('asks for a name only once the form is sent', async () => {
    const api = channelApi()
    const user = userEvent.setup()
    render(<App />)
    await user.click(screen.getByRole('button', { name: 'Create a text channel' }))
    expect(screen.queryByRole('alert')).toBeNull()
    await user.click(screen.getByRole('button', { name: 'Create channel' }))
    expect(screen.getByRole('alert').textContent).toBe('Give the channel a name.')
    expect(api.createChannel).not.toHaveBeenCalled()
  })
})

describe('renaming a channel', () => {
  it('refuses another channel’s name but keeps its own', async () => {
    const api = channelApi()
    const user = userEvent.setup()
    render(<App />)

    await user.click(screen.getByRole('button', { name: 'Edit channel general' }))
    const dialog = screen.getByRole('dialog', { name: 'Edit #general' })
    expect(within(dialog).queryByRole('alert')).toBeNull()
    await user.clear(nameField())
    await user.type(nameField(), 'Lounge{Enter}')
    expect(within(dialog).getByRole('alert').textContent).toContain('“lounge”')
    expect(api.updateChannel).not.toHaveBeenCalled()
  })
})

// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { BackendOptions } from '../../../../shared/api'
import { emptyServerChoice, useServerChoice } from '../../store/server-choice'
import { installApi } from '../../store/test-api'
import { ServerSection } from './ServerSection'

beforeEach(() => useServerChoice.setState(emptyServerChoice()))
afterEach(cleanup)

const options = (accounts: BackendOptions['accounts']): BackendOptions => ({
  thisComputer: true,
  suggested: { kind: 'this_computer' },
  accounts,
})

describe('ServerSection', () => {
  it('says where this account lives and lists every account on this device with its server', async () => {
    installApi({
      getBackendOptions: vi.fn(() =>
        Promise.resolve(
          options([
            { name: 'alice', backend: { kind: 'this_computer' }, current: false },
            {
              name: 'bob',
              backend: { kind: 'address', url: 'https://chat.example.org' },
              current: true,
            },
          ]),
        ),
      ),
    })
    render(<ServerSection />)

    const table = await screen.findByRole('table', { name: 'Accounts on this device' })
    expect(screen.getByTestId('settings-server').textContent).toBe(
      'Your account lives on https://chat.example.org. To use another server, log out and choose it when you log in or create an account.',
    )
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((row) =>
        within(row)
          .getAllByRole('cell')
          .map((cell) => cell.textContent),
      )
    expect(rows).toEqual([
      ['alice', 'This computer'],
      ['bob (this one)', 'https://chat.example.org'],
    ])
    // Read-only: nothing here changes a server.
    expect(screen.queryByRole('textbox')).toBeNull()
    expect(screen.queryByRole('radio')).toBeNull()
  })

  it('names this computer’s own server for an account on it', async () => {
    installApi({
      getBackendOptions: vi.fn(() =>
        Promise.resolve(
          options([{ name: 'alice', backend: { kind: 'this_computer' }, current: true }]),
        ),
      ),
    })
    render(<ServerSection />)
    await vi.waitFor(() =>
      expect(screen.getByTestId('settings-server').textContent).toMatch(
        /^Your account lives on this computer’s own server\./,
      ),
    )
  })
})

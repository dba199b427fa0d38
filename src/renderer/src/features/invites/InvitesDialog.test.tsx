// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { InviteInfo } from '../../../../shared/api'
import { emptyServers, useServers } from '../../store/servers'
import { installApi } from '../../store/test-api'
import { SERVER_ID, showServer } from '../../store/test-servers'
import { emptyUi, useUi } from '../../store/ui'
import { InvitesDialog } from './InvitesDialog'

const CODE = '0123456789abcdefghjkmnpqrs'

function invite(fields: Partial<InviteInfo> = {}): InviteInfo {
  return {
    id: 'invite-aaaaaaaaaaaaaa',
    code: CODE,
    link: `https://chat.example.org/invite#${CODE}`,
    server: 'https://chat.example.org',
    maxUses: null,
    uses: 0,
    expiresAt: Date.now() + 7 * 86_400_000,
    revoked: false,
    ...fields,
  }
}

const linkField = () => screen.findByTestId<HTMLInputElement>('invite-link')

beforeEach(() => {
  useServers.setState(emptyServers())
  useUi.setState(emptyUi())
  showServer()
})
afterEach(cleanup)

describe('the invite dialog', () => {
  it('opens with a link ready to copy, made on opening when none works yet', async () => {
    const made = invite()
    const listed: InviteInfo[][] = [[], [made]]
    const api = installApi({
      listInvites: vi.fn(() => Promise.resolve(listed.shift() ?? [made])),
      createInvite: vi.fn(() => Promise.resolve(made)),
    })
    render(<InvitesDialog serverId={SERVER_ID} />)

    const field = await linkField()
    expect(field.value).toBe(made.link)
    expect(document.activeElement).toBe(field)
    // All of it selected to copy, from the end backwards: the start, where it leads, stays in view.
    expect([field.selectionStart, field.selectionEnd]).toEqual([0, made.link.length])
    expect(field.selectionDirection).toBe('backward')
    expect(field.scrollLeft).toBe(0)
    expect(api.createInvite).toHaveBeenCalledTimes(1)
    // A week, for anyone: what a person inviting friends wants without choosing.
    expect(api.createInvite).toHaveBeenCalledWith({
      serverId: SERVER_ID,
      maxUses: null,
      expiresInSeconds: 604_800,
    })
    // Described beside the link and in the list below it.
    expect(screen.getAllByText(/0 uses · expires in 7 days/)).toHaveLength(2)
  })

  it('shows the newest link that still works instead of making another', async () => {
    const older = invite({
      id: 'invite-older-aaaaaaaa',
      link: 'https://chat.example.org/invite#older',
    })
    const newer = invite({ id: 'invite-newer-aaaaaaaa' })
    const usedUp = invite({ id: 'invite-usedup-aaaaaaa', maxUses: 1, uses: 1 })
    const api = installApi({
      listInvites: vi.fn(() => Promise.resolve([older, newer, usedUp])),
      createInvite: vi.fn(() => Promise.reject(new Error('not expected'))),
    })
    render(<InvitesDialog serverId={SERVER_ID} />)

    expect((await linkField()).value).toBe(newer.link)
    expect(api.createInvite).not.toHaveBeenCalled()
  })

  it('says when the link reaches only this computer', async () => {
    const local = invite({ link: `paracord://invite/${CODE}`, server: null })
    installApi({
      listInvites: vi.fn(() => Promise.resolve([local])),
      createInvite: vi.fn(() => Promise.reject(new Error('not expected'))),
    })
    render(<InvitesDialog serverId={SERVER_ID} />)

    expect((await linkField()).value).toBe(local.link)
    expect(screen.getByText(/only people using paracord on this computer can reach/)).toBeTruthy()
  })
})

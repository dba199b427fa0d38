// @vitest-environment happy-dom
// The members screen's safety code: shown with what it is for, and kept current.
import { act, cleanup, render, screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { emptyServers, useServers } from '../../store/servers'
import { ALICE, BOB, makeMember, makeServer, showServer } from '../../store/test-servers'
import { useUi } from '../../store/ui'
import { MemberList } from './MemberList'

const CODE = '12345 67890 13579 24680 11223 34455'

beforeEach(() => {
  useServers.setState(emptyServers())
  useUi.getState().reset()
})
afterEach(cleanup)

describe('the safety code on the members screen', () => {
  it('shows the server’s code and says what comparing it tells', () => {
    showServer(makeServer({ safetyCode: CODE }))
    render(<MemberList />)
    const section = screen.getByRole('region', { name: 'Safety code' })
    expect(within(section).getByTestId('server-safety-code').textContent).toBe(CODE)
    expect(
      within(section).getByText(
        'Compare this code with another member: if yours match, you both see the same server.',
      ),
    ).toBeTruthy()
  })

  it('changes when the server moves on (a member joined, a key was refreshed)', () => {
    showServer(makeServer({ safetyCode: CODE }))
    render(<MemberList />)
    const next = '99999 88888 77777 66666 55555 44444'
    act(() => useServers.getState().applyDetails(makeServer({ safetyCode: next, epoch: 2 })))
    expect(screen.getByTestId('server-safety-code').textContent).toBe(next)
  })

  it('is left out while the server has none to show', () => {
    showServer(makeServer({ safetyCode: '' }))
    render(<MemberList />)
    expect(screen.queryByRole('region', { name: 'Safety code' })).toBeNull()
    expect(screen.queryByText(/Compare this code/)).toBeNull()
  })
})

describe('names on the members screen', () => {
  it('isolates each name and status, so a right-to-left one cannot reorder the text beside it', () => {
    const members = [
      makeMember({ userId: ALICE, displayName: 'אליס 2', role: 'owner' }),
      makeMember({ userId: BOB, displayName: 'بوب', status: 'في اجتماع!' }),
    ]
    showServer(makeServer({ members }))
    render(<MemberList />)
    const mine = screen.getByText('אליס 2')
    expect(mine.tagName).toBe('BDI')
    // " (you)" stays outside the isolate: a trailing number cannot swap places with it.
    expect(mine.nextElementSibling?.textContent).toBe(' (you)')
    expect(screen.getByText('بوب').tagName).toBe('BDI')
    expect(screen.getByText('في اجتماع!').tagName).toBe('BDI')
  })
})

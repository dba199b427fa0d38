import { describe, expect, it } from 'vitest'
import type { ServerSummary } from '../../shared/api'
import { unreadIndicator } from './unread'

const server = (unread: number): ServerSummary => ({
  id: `server-${unread}-aaaaaaaaaa`,
  name: 's',
  myRole: 'member',
  unread,
})

describe('unreadIndicator', () => {
  it('adds up the servers’ unread counts for the tray and the badge', () => {
    expect(unreadIndicator('unlocked', [server(2), server(3)])).toEqual({
      total: 5,
      badge: '5',
      tooltip: 'paracord: 5 unread messages',
    })
    expect(unreadIndicator('unlocked', [server(1)]).tooltip).toBe('paracord: 1 unread message')
    expect(unreadIndicator('unlocked', [])).toEqual({
      total: 0,
      badge: '',
      tooltip: 'paracord: no unread messages',
    })
  })

  it('caps the badge text at 99+ and ignores nonsense counts', () => {
    expect(unreadIndicator('unlocked', [server(150)]).badge).toBe('99+')
    expect(unreadIndicator('unlocked', [server(-3), server(Number.NaN), server(2)]).total).toBe(2)
  })

  it('shows no count while locked or signed out', () => {
    expect(unreadIndicator('locked', [server(4)])).toEqual({
      total: 0,
      badge: '',
      tooltip: 'paracord (locked)',
    })
    expect(unreadIndicator('signed_out', []).tooltip).toBe('paracord (signed out)')
  })
})

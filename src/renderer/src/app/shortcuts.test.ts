import { describe, expect, it } from 'vitest'
import { shortcutFor } from './shortcuts'

const none = { ctrlKey: false, metaKey: false, altKey: false, shiftKey: false }

describe('shortcutFor', () => {
  it('opens the quick switcher with Ctrl+K or Cmd+K', () => {
    expect(shortcutFor({ ...none, key: 'k', ctrlKey: true })).toBe('quickSwitcher')
    expect(shortcutFor({ ...none, key: 'K', metaKey: true })).toBe('quickSwitcher')
  })

  it('moves between channels with Alt+Up and Alt+Down', () => {
    expect(shortcutFor({ ...none, key: 'ArrowUp', altKey: true })).toBe('previousChannel')
    expect(shortcutFor({ ...none, key: 'ArrowDown', altKey: true })).toBe('nextChannel')
  })

  it('leaves ordinary typing alone', () => {
    expect(shortcutFor({ ...none, key: 'k' })).toBeNull()
    expect(shortcutFor({ ...none, key: 'ArrowUp' })).toBeNull()
    expect(shortcutFor({ ...none, key: 'k', ctrlKey: true, shiftKey: true })).toBeNull()
  })
})

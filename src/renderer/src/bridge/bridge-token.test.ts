import { describe, expect, it } from 'vitest'
import { takeBridgeToken, TOKEN_STORAGE_KEY, type TokenStorage } from './bridge-token'

const TOKEN = 'A'.repeat(20) + '-_' + 'z9'.repeat(10) + 'Q'

function page(hash: string, stored: Record<string, string> = {}) {
  const storage = new Map(Object.entries(stored))
  const replaced: (string | undefined)[] = []
  const location = { hash, pathname: '/', search: '?view=1' }
  const history = {
    state: null,
    replaceState: (_: unknown, __: string, url?: string) => void replaced.push(url),
  }
  const store: TokenStorage = {
    getItem: (key) => storage.get(key) ?? null,
    setItem: (key, value) => void storage.set(key, value),
  }
  return { location, history, store, storage, replaced }
}

describe('bridge token from the page address', () => {
  it('takes the token from the fragment, keeps it for the tab and clears the address bar', () => {
    const p = page(`#token=${TOKEN}`)
    expect(takeBridgeToken(p.location, p.history, p.store)).toBe(TOKEN)
    expect(p.storage.get(TOKEN_STORAGE_KEY)).toBe(TOKEN)
    expect(p.replaced).toEqual(['/?view=1'])
  })

  it('uses the stored token after a reload without a fragment', () => {
    const p = page('', { [TOKEN_STORAGE_KEY]: TOKEN })
    expect(takeBridgeToken(p.location, p.history, p.store)).toBe(TOKEN)
    expect(p.replaced).toEqual([])
  })

  it('prefers a new link over an old stored token', () => {
    const fresh = TOKEN.replace('Q', 'R')
    const p = page(`#token=${fresh}`, { [TOKEN_STORAGE_KEY]: TOKEN })
    expect(takeBridgeToken(p.location, p.history, p.store)).toBe(fresh)
    expect(p.storage.get(TOKEN_STORAGE_KEY)).toBe(fresh)
  })

  it('finds no token when there is none, or when it is malformed (and still clears it)', () => {
    expect(takeBridgeToken(page('').location, page('').history, page('').store)).toBeNull()
    const bad = page('#token=short<script>')
    expect(takeBridgeToken(bad.location, bad.history, bad.store)).toBeNull()
    expect(bad.replaced).toEqual(['/?view=1'])
    expect(bad.storage.size).toBe(0)
  })

  it('works when storage is unavailable', () => {
    const p = page(`#token=${TOKEN}`)
    const throwing: TokenStorage = {
      getItem: () => {
        throw new Error('denied')
      },
      setItem: () => {
        throw new Error('denied')
      },
    }
    expect(takeBridgeToken(p.location, p.history, throwing)).toBe(TOKEN)
    expect(takeBridgeToken(page('').location, p.history, throwing)).toBeNull()
    expect(takeBridgeToken(p.location, p.history, null)).toBe(TOKEN)
  })
})

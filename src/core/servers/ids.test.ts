import { beforeAll, describe, expect, it } from 'vitest'
import { loadSodium } from '../crypto'
import { randomId } from './ids'

beforeAll(async () => {
  await loadSodium()
})

describe('randomId', () => {
  it('is 22 base64url characters that never look like a command-line option', () => {
    // Without the redraw about 1 in 64 would start with "-": some 60 of these.
    const ids = Array.from({ length: 4000 }, randomId)
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/)
    expect(new Set(ids).size).toBe(ids.length)
    // The rest of the alphabet still starts ids, "_" included.
    expect(ids.some((id) => id.startsWith('_'))).toBe(true)
  })
})

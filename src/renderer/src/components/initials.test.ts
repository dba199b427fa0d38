import { describe, expect, it } from 'vitest'
import { hueOf, initials } from './initials'

describe('initials', () => {
  it('takes the first letters of the first two words', () => {
    expect(initials('Night Owls Club')).toBe('NO')
    expect(initials('alice')).toBe('A')
    expect(initials('dev.team')).toBe('DT')
  })

  it('keeps emoji and non-Latin letters whole', () => {
    expect(initials('🔥 burners')).toBe('🔥B')
    expect(initials('ёлка')).toBe('Ё')
  })

  it('shows a question mark for a blank name', () => {
    expect(initials('   ')).toBe('?')
  })
})

describe('hueOf', () => {
  it('gives one id the same hue every time, within the colour wheel', () => {
    expect(hueOf('user-1')).toBe(hueOf('user-1'))
    expect(hueOf('user-1')).toBeGreaterThanOrEqual(0)
    expect(hueOf('user-1')).toBeLessThan(360)
  })
})

import { describe, expect, it } from 'vitest'
import { AVATAR_COLOURS, avatarColour, initials } from './initials'

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

/** WCAG contrast between two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r = 0, g = 0, b = 0] = [1, 3, 5].map((at) => {
      const channel = parseInt(hex.slice(at, at + 2), 16) / 255
      return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4
    })
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
  }
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05)
}

describe('avatarColour', () => {
  it('gives one id the same colour every time, from the palette', () => {
    expect(avatarColour('user-1')).toBe(avatarColour('user-1'))
    expect(AVATAR_COLOURS).toContain(avatarColour('user-1'))
  })

  it('has at least eight distinct colours, each readable with white initials', () => {
    expect(new Set(AVATAR_COLOURS).size).toBeGreaterThanOrEqual(8)
    for (const colour of AVATAR_COLOURS)
      expect(contrast(colour, '#ffffff')).toBeGreaterThanOrEqual(4.5)
  })

  it('spreads typical ids over different colours', () => {
    // Real user ids: 16 random bytes in base64url.
    const ids = [
      'q3Jm2Xb0T9yKcR1vLw8s4A',
      'Zf0aH7pQeN2uV5kD9mBx3g',
      'b8Yt1LrC6oWn0sJ4eGq2Iw',
      '4pVd9KzU2hF7aXc0Rm1NtQ',
      'Mn5Eg3Ws8yB1jTq6Lk0Hvw',
      'x2Ro7Ci4Pz9Db3Sf6Ua1Vg',
    ]
    expect(new Set(ids.map(avatarColour)).size).toBeGreaterThanOrEqual(4)
    // Ids that differ only in their last characters, as test fixtures' do.
    const people = ['user-alice-aaaa', 'user-bob-aaaaaa', 'user-carol-aaaa', 'user-dave-aaaaa']
    expect(new Set(people.map(avatarColour)).size).toBeGreaterThanOrEqual(3)
    const numbered = ['user-1', 'user-2', 'user-3', 'user-4', 'user-5']
    expect(new Set(numbered.map(avatarColour)).size).toBeGreaterThanOrEqual(4)
  })
})

import { describe, expect, it } from 'vitest'
import { whoIsHere } from './who-is-here'

describe('whoIsHere', () => {
  it('says when the call is empty', () => {
    expect(whoIsHere([])).toBe('No one is here yet')
  })

  it('names one, two or three people', () => {
    expect(whoIsHere(['alice'])).toBe('alice is here')
    expect(whoIsHere(['alice', 'bob'])).toBe('alice and bob are here')
    expect(whoIsHere(['alice', 'bob', 'carol'])).toBe('alice, bob and carol are here')
  })

  it('counts the rest of a bigger call', () => {
    expect(whoIsHere(['alice', 'bob', 'carol', 'dave'])).toBe('alice, bob and 2 others are here')
    expect(whoIsHere(['a', 'b', 'c', 'd', 'e', 'f'])).toBe('a, b and 4 others are here')
  })
})

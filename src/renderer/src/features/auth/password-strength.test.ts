import { describe, expect, it } from 'vitest'
import { passwordStrength, PASSWORD_MIN_LENGTH } from './password-strength'

describe('passwordStrength', () => {
  it('asks for a minimum length first', () => {
    expect(passwordStrength('').score).toBe(0)
    const short = passwordStrength('a'.repeat(PASSWORD_MIN_LENGTH - 1))
    expect(short.score).toBe(0)
    expect(short.label).toBe('Too short')
  })

  it('calls common passwords and the account name weak', () => {
    expect(passwordStrength('password123').label).toBe('Weak')
    expect(passwordStrength('aliceRocks!2024', 'alice').hint).toContain('account name')
  })

  it('rewards length more than anything', () => {
    const eight = passwordStrength('kqzvbnmt')
    const twenty = passwordStrength('correct horse battery staple')
    expect(twenty.score).toBeGreaterThan(eight.score)
    expect(twenty.label).toBe('Strong')
  })

  it('always explains what to do next', () => {
    for (const password of [
      '',
      'abc',
      'kqzvbnmt',
      'kqzvbnmt12AB',
      'correct horse battery staple',
    ]) {
      expect(passwordStrength(password).hint.length).toBeGreaterThan(0)
    }
  })
})

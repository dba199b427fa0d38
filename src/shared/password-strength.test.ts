import { beforeAll, describe, expect, it } from 'vitest'
import {
  PASSWORD_MIN_LENGTH,
  loadPasswordEstimator,
  strengthText,
  weakPasswordMessage,
  type PasswordEstimator,
} from './password-strength'

let estimate: PasswordEstimator
beforeAll(async () => {
  estimate = await loadPasswordEstimator()
})

describe('the password estimate', () => {
  it('asks for a minimum length first', () => {
    expect(estimate('')).toMatchObject({ score: 0, acceptable: false, label: 'Empty' })
    const short = estimate('kq!9Z')
    expect(short).toMatchObject({ score: 0, acceptable: false, label: 'Too short' })
    expect(short.hint).toBe(`Use at least ${PASSWORD_MIN_LENGTH} characters.`)
  })

  it('refuses common passwords, keyboard walks, repeats and dates, and says why', () => {
    for (const weak of ['password1', '12345678', 'qwertyuiop', 'aaaaaaaaaaaa', '01021990']) {
      const result = estimate(weak)
      expect(result.acceptable, weak).toBe(false)
      expect(result.label).toBe('Weak')
      expect(result.hint.length).toBeGreaterThan(0)
    }
    expect(estimate('password1').hint).toBe(
      'This is a commonly used password. Add more words that are less common.',
    )
  })

  it('counts the account name and the app name as easy to guess', () => {
    const named = estimate('alice2024', ['alice'])
    expect(named.acceptable).toBe(false)
    expect(named.hint).toContain('Avoid using your account name')
    expect(estimate('paracord2024').acceptable).toBe(false)
  })

  it('accepts a few unrelated words, and rewards length', () => {
    const good = estimate('correct horse')
    expect(good).toMatchObject({ score: 3, acceptable: true, label: 'Good' })
    const strong = estimate('copper kettle drums at dawn', ['alice'])
    expect(strong).toMatchObject({ score: 4, acceptable: true, label: 'Strong' })
  })

  it('reads once: the label is never repeated by the hint', () => {
    for (const password of ['', 'abc', 'password1', 'correct horse', 'copper kettle drums']) {
      const result = estimate(password)
      const text = strengthText(result)
      expect(text.length).toBeGreaterThan(0)
      expect(result.hint.toLowerCase()).not.toContain(result.label.toLowerCase())
    }
    expect(strengthText(estimate('copper kettle drums at dawn'))).toBe(
      'Strong. Very hard to guess.',
    )
    expect(strengthText(estimate(''))).toBe(
      `Use at least ${PASSWORD_MIN_LENGTH} characters; a few unrelated words work well.`,
    )
  })

  it('words a refusal the same for every host', () => {
    expect(weakPasswordMessage(estimate('pw'))).toBe(
      `The password is too short: use at least ${PASSWORD_MIN_LENGTH} characters.`,
    )
    expect(weakPasswordMessage(estimate('password1'))).toBe(
      'The password is too easy to guess. This is a commonly used password. Add more words that are less common.',
    )
  })

  it('loads its dictionaries once', async () => {
    expect(await loadPasswordEstimator()).toBe(estimate)
  })
})

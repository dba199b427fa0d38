import { describe, expect, it } from 'vitest'
import { SodiumNotLoadedError } from './errors'
import { loadSodium, readySodium } from './sodium'

describe('loadSodium', () => {
  it('refuses synchronous use before libsodium is loaded, then serves one instance', async () => {
    expect(() => readySodium()).toThrow(SodiumNotLoadedError)
    const [first, second] = await Promise.all([loadSodium(), loadSodium()])
    expect(first).toBe(second)
    expect(readySodium()).toBe(first)
    expect(typeof first.crypto_pwhash).toBe('function')
  })
})

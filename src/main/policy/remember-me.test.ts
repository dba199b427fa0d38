import { describe, expect, it } from 'vitest'
import { decodeRemembered, encodeRemembered, rememberMeSupport } from './remember-me'

describe('rememberMeSupport', () => {
  it('is offered on Linux only with a real keyring, never the plaintext fallback', () => {
    for (const backend of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'] as const) {
      expect(
        rememberMeSupport({ platform: 'linux', encryptionAvailable: true, linuxBackend: backend }),
      ).toEqual({ available: true })
    }
    for (const backend of ['basic_text', 'unknown', null] as const) {
      expect(
        rememberMeSupport({ platform: 'linux', encryptionAvailable: true, linuxBackend: backend })
          .available,
      ).toBe(false)
    }
  })

  it('follows the keychain on macOS and Windows, and refuses when encryption is unavailable', () => {
    expect(
      rememberMeSupport({ platform: 'darwin', encryptionAvailable: true, linuxBackend: null })
        .available,
    ).toBe(true)
    expect(
      rememberMeSupport({ platform: 'win32', encryptionAvailable: true, linuxBackend: null })
        .available,
    ).toBe(true)
    expect(
      rememberMeSupport({
        platform: 'linux',
        encryptionAvailable: false,
        linuxBackend: 'gnome_libsecret',
      }),
    ).toEqual({ available: false, reason: 'the system keyring is not available' })
    expect(
      rememberMeSupport({ platform: 'freebsd', encryptionAvailable: true, linuxBackend: null })
        .available,
    ).toBe(false)
  })
})

describe('encodeRemembered / decodeRemembered', () => {
  it('round-trips the name and the encrypted bytes', () => {
    const secret = { name: 'alice', encrypted: new Uint8Array([0, 1, 2, 250, 255]) }
    expect(decodeRemembered(encodeRemembered(secret))).toEqual(secret)
  })

  it('refuses a damaged or foreign file', () => {
    for (const text of [
      '',
      'null',
      '{"v":2,"name":"a","encrypted":"AAAA"}',
      '{"v":1,"name":"","encrypted":"AAAA"}',
      '{"v":1,"name":"a","encrypted":"not base64!"}',
      '{"v":1,"name":"a"}',
      '{"v":1,"name":"a","encrypted":"AAAA"',
    ]) {
      expect(decodeRemembered(text), text).toBeNull()
    }
  })
})

import { describe, expect, it } from 'vitest'
import { isLoopbackHost, parseServerUrl, ServerUrlError } from './server-url'

describe('parseServerUrl', () => {
  it('takes https:// to any host, normalised to origin and path', () => {
    expect(parseServerUrl('https://chat.example.org/paracord/', '--server')).toBe(
      'https://chat.example.org/paracord',
    )
    expect(parseServerUrl('https://10.0.0.5:8443', '--server')).toBe('https://10.0.0.5:8443')
  })

  it.each([
    'http://127.0.0.1:8443',
    'http://127.8.9.10:1',
    'http://127.1:8443',
    'http://[::1]:8443',
    'http://localhost:8443',
    'http://LOCALHOST:8443/',
  ])('takes plain http:// on this machine: %s', (url) => {
    expect(() => parseServerUrl(url, '--server')).not.toThrow()
  })

  it.each([
    'http://chat.example.org',
    'http://10.0.0.5:8443',
    'http://192.168.1.2',
    'http://128.0.0.1',
    'http://[::2]',
    'http://[::ffff:127.0.0.1]',
    'http://127.0.0.1.example.org',
    'http://localhost.example.org',
  ])('refuses plain http:// to another machine: %s', (url) => {
    expect(() => parseServerUrl(url, 'PARACORD_SERVER')).toThrow(ServerUrlError)
    expect(() => parseServerUrl(url, 'PARACORD_SERVER')).toThrow(
      `PARACORD_SERVER must use https:// for a backend on another machine (plain http:// only for 127.0.0.1, ::1 or localhost); got "${url}"`,
    )
  })

  it('refuses what is not an http(s) URL', () => {
    expect(() => parseServerUrl('ftp://127.0.0.1', '--server')).toThrow(
      '--server must be an http:// or https:// URL; got "ftp://127.0.0.1"',
    )
    expect(() => parseServerUrl('nonsense', '--server')).toThrow(
      '--server must be a URL like http://127.0.0.1:8443; got "nonsense"',
    )
  })
})

describe('isLoopbackHost', () => {
  it('knows 127.0.0.0/8, ::1 and localhost, and nothing else', () => {
    for (const host of ['127.0.0.1', '127.255.255.254', '[::1]', '::1', 'localhost'])
      expect(isLoopbackHost(host)).toBe(true)
    for (const host of ['128.0.0.1', '0.0.0.0', '[::]', 'example.org', '127.0.0.1.nip.io', ''])
      expect(isLoopbackHost(host)).toBe(false)
  })
})

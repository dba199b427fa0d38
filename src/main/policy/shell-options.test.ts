import { describe, expect, it } from 'vitest'
import { ShellOptionsError, shellOptions } from './shell-options'

const base = { env: {}, isPackaged: true, userDataDir: '/home/a/.config/paracord', cwd: '/work' }

describe('shellOptions', () => {
  it('uses the userData folder and a local server by default', () => {
    expect(shellOptions(base)).toEqual({
      dataDir: '/home/a/.config/paracord',
      serverUrl: null,
      devServerUrl: null,
    })
  })

  it('takes PARACORD_DATA (relative to the working folder) and a validated PARACORD_SERVER', () => {
    expect(
      shellOptions({
        ...base,
        env: { PARACORD_DATA: 'profiles/bob', PARACORD_SERVER: 'http://127.0.0.1:8443/' },
      }),
    ).toMatchObject({ dataDir: '/work/profiles/bob', serverUrl: 'http://127.0.0.1:8443' })
    expect(() => shellOptions({ ...base, env: { PARACORD_SERVER: 'ftp://x' } })).toThrow(
      ShellOptionsError,
    )
    expect(() => shellOptions({ ...base, env: { PARACORD_SERVER: 'nope' } })).toThrow(
      /PARACORD_SERVER must be/,
    )
  })

  it('loads from a dev server only when not packaged, and only one on this machine', () => {
    const dev = { ELECTRON_RENDERER_URL: 'http://localhost:5173/' }
    expect(shellOptions({ ...base, env: dev }).devServerUrl).toBeNull()
    expect(shellOptions({ ...base, isPackaged: false, env: dev }).devServerUrl).toBe(
      'http://localhost:5173',
    )
    expect(() =>
      shellOptions({
        ...base,
        isPackaged: false,
        env: { ELECTRON_RENDERER_URL: 'https://evil.example/' },
      }),
    ).toThrow(/on this machine/)
  })
})

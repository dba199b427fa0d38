// What ParacordCore refuses before it talks to any backend.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createParacordCore } from './paracord-core'

const folders: string[] = []
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

describe('createParacordCore', () => {
  it('refuses plain http:// to a backend on another machine, and writes nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'paracord-core-url-'))
    folders.push(root)
    const dataDir = join(root, 'profile')
    const refused = createParacordCore({ dataDir, serverUrl: 'http://chat.example.org:8443' })
    await expect(refused).rejects.toMatchObject({
      code: 'invalid_input',
      message:
        'The server URL must use https:// for a backend on another machine (plain http:// only for 127.0.0.1, ::1 or localhost); got "http://chat.example.org:8443"',
    })
    expect(existsSync(dataDir)).toBe(false)
  })

  it('takes https:// anywhere and plain http:// on this machine', async () => {
    const root = mkdtempSync(join(tmpdir(), 'paracord-core-url-'))
    folders.push(root)
    for (const serverUrl of ['https://chat.example.org', 'http://127.0.0.1:1', 'http://[::1]:1']) {
      const core = await createParacordCore({ dataDir: root, serverUrl })
      expect(await core.getAuthState({})).toMatchObject({ status: 'signed_out' })
      await core.close()
    }
  })
})

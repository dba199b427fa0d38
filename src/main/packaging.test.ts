// The packaging configuration, checked by electron-builder's own schema validation (offline)
// and for the fields this app depends on; and the fuses the afterPack step flips.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FuseV1Options } from '@electron/fuses'
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config'
import { DebugLogger } from 'builder-util'
import { describe, expect, it } from 'vitest'
import { electronBinaryPath, fuseSettings } from '../../build/fuses.mjs'
import { DEEP_LINK_SCHEME } from './policy/deep-link'

const root = join(import.meta.dirname, '../..')

describe('electron-builder.yml', () => {
  it('passes electron-builder’s schema validation', async () => {
    const config = await getConfig(root, 'electron-builder.yml', null)
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
  })

  it('builds AppImage and deb, NSIS and portable, and dmg, with the app’s identity', async () => {
    const config = await getConfig(root, 'electron-builder.yml', null)
    expect(config.appId).toBe('org.paracord.desktop')
    expect(config.productName).toBe('paracord')
    expect(config.linux?.target).toEqual(['AppImage', 'deb'])
    expect(config.win?.target).toEqual(['nsis', 'portable'])
    expect(config.mac?.target).toEqual(['dmg'])
  })

  it('packs into asar, rebuilds native modules for Electron and flips fuses after packing', async () => {
    const config = await getConfig(root, 'electron-builder.yml', null)
    expect(config.asar).toBe(true)
    expect(config.npmRebuild).toBe(true)
    expect(config.asarUnpack).toContain('**/*.node')
    expect(config.afterPack).toBe('./build/after-pack.mjs')
    expect(existsSync(join(root, 'build/after-pack.mjs'))).toBe(true)
  })

  it('registers paracord:// and points at icons that exist', async () => {
    const config = await getConfig(root, 'electron-builder.yml', null)
    const protocols = [config.protocols ?? []].flat()
    expect(protocols.flatMap((protocol) => protocol.schemes)).toEqual([DEEP_LINK_SCHEME])
    expect(config.linux?.mimeTypes).toContain(`x-scheme-handler/${DEEP_LINK_SCHEME}`)
    for (const icon of [config.win?.icon, config.mac?.icon, config.linux?.icon]) {
      expect(icon && existsSync(join(root, icon)), String(icon)).toBe(true)
    }
    for (const size of [16, 32, 48, 64, 128, 256, 512, 1024]) {
      const png = readFileSync(join(root, `resources/icons/${size}x${size}.png`))
      // A PNG's IHDR holds its width and height at bytes 16 and 20.
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size])
    }
    // electron-builder normalises `files` into file sets with a filter list.
    const packed = [config.files]
      .flat()
      .flatMap((set) => (typeof set === 'string' ? [set] : [set?.filter ?? []].flat()))
    for (const file of ['resources/icon.png', 'resources/tray.png', 'resources/badge.png'])
      expect(packed).toContain(file)
  })
})

describe('fuses', () => {
  it('turn off Node entry points and turn on asar integrity, asar-only and cookie encryption', () => {
    const settings = fuseSettings(FuseV1Options as unknown as Record<string, number>)
    expect(settings).toEqual({
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    })
  })

  it('are flipped in the binary electron-builder packed for each platform', () => {
    const where = { appOutDir: '/d', productFilename: 'paracord', linuxExecutableName: 'paracord' }
    expect(electronBinaryPath({ ...where, platform: 'linux' })).toBe(join('/d', 'paracord'))
    expect(electronBinaryPath({ ...where, platform: 'win32' })).toBe(join('/d', 'paracord.exe'))
    expect(electronBinaryPath({ ...where, platform: 'darwin' })).toBe(join('/d', 'paracord.app'))
    expect(() => electronBinaryPath({ ...where, platform: 'aix' })).toThrow(/no Electron binary/)
  })
})

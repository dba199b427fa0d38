// The packaging configuration, checked by electron-builder's own schema validation (offline)
// and for the fields this app depends on (signing, notarization, entitlements, the update
// feed); and the fuses the afterPack step flips.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FuseV1Options } from '@electron/fuses'
import Ajv from 'ajv'
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
    // electron-updater installs a macOS update from the zip.
    expect(config.mac?.target).toEqual(['dmg', 'zip'])
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

describe('electron-builder.yml as the release build uses it', () => {
  // What `PARACORD_RELEASE=1 npm run dist:linux` hands electron-builder: the file plus
  // -c.forceCodeSigning=true (build/dist-plan.mjs).
  const releaseConfig = () => getConfig(root, 'electron-builder.yml', { forceCodeSigning: true })

  it('validates against electron-builder’s JSON schema, types exact (no coercion)', async () => {
    const schema = JSON.parse(
      readFileSync(join(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8'),
    ) as object
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema)
    const config = await releaseConfig()
    expect(validate(config), JSON.stringify(validate.errors, null, 2)).toBe(true)
    expect(config.forceCodeSigning).toBe(true)
    // And a configuration the schema refuses is refused, so the check can fail.
    expect(validate({ ...config, mac: { ...config.mac, notarize: 'yes' } })).toBe(false)
  })

  it('signs for Windows from the environment and verifies updates against the signer', async () => {
    const config = await releaseConfig()
    expect(config.win?.verifyUpdateCodeSignature).toBe(true)
    expect(config.win?.signtoolOptions?.signingHashAlgorithms).toEqual(['sha256'])
    // No certificate or password in the file: they come from CSC_LINK / CSC_KEY_PASSWORD.
    expect(config.win?.signtoolOptions?.certificateFile).toBeUndefined()
    expect(config.win?.signtoolOptions?.certificatePassword).toBeUndefined()
  })

  it('signs for macOS with the hardened runtime, our own entitlements, and notarizes', async () => {
    const config = await releaseConfig()
    expect(config.mac?.hardenedRuntime).toBe(true)
    expect(config.mac?.notarize).toBe(true)
    expect(config.mac?.entitlements).toBe('build/entitlements.mac.plist')
    expect(config.mac?.entitlementsInherit).toBe('build/entitlements.mac.plist')
    expect(config.mac?.extendInfo).toMatchObject({
      NSMicrophoneUsageDescription: expect.stringContaining('microphone') as unknown,
    })
  })

  it('grants the signed app the microphone and JIT, and never disables library validation', () => {
    const plist = readFileSync(join(root, 'build/entitlements.mac.plist'), 'utf8')
    const body = plist.replace(/<!--[\s\S]*?-->/g, '')
    const granted = [...body.matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g)].map((match) => match[1])
    expect(granted).toEqual([
      'com.apple.security.cs.allow-jit',
      'com.apple.security.device.audio-input',
    ])
    expect(body).not.toContain('disable-library-validation')
    expect(body).not.toContain('<false/>')
  })

  it('publishes to the operator’s generic HTTPS feed, named by PARACORD_UPDATE_URL', async () => {
    const config = await releaseConfig()
    expect([config.publish].flat()).toEqual([
      { provider: 'generic', url: '${env.PARACORD_UPDATE_URL}' },
    ])
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

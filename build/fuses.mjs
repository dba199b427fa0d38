// The Electron fuses flipped in every packaged binary, and where that binary sits in the
// folder electron-builder packed. Kept apart from after-pack.mjs so a unit test reads the same
// values the packaging step writes.
import { join } from 'node:path'

/**
 * Fuse settings for @electron/fuses' flipFuses, given its FuseV1Options enum.
 * @param {Record<string, number>} FuseV1Options
 * @returns {Record<number, boolean>}
 */
export function fuseSettings(FuseV1Options) {
  return {
    // The binary cannot be run as plain Node (ELECTRON_RUN_AS_NODE).
    [FuseV1Options.RunAsNode]: false,
    // NODE_OPTIONS cannot inject code or flags into the main process.
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    // --inspect and friends cannot attach a debugger to the main process.
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    // The app.asar is checked against the hash recorded in the binary (macOS, Windows).
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    // Only app.asar is loaded: no loose app folder beside it can replace the code.
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    // Chromium's cookie store is encrypted with the OS keyring.
    [FuseV1Options.EnableCookieEncryption]: true,
    // file:// gets no extra privileges: the app's page comes from app://.
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  }
}

/**
 * What flipFuses is pointed at inside electron-builder's output folder: the .app bundle on
 * macOS (flipFuses finds the framework inside), the .exe on Windows, the executable on Linux.
 * @param {{ platform: string, appOutDir: string, productFilename: string, linuxExecutableName: string }} where
 * @returns {string}
 */
export function electronBinaryPath({ platform, appOutDir, productFilename, linuxExecutableName }) {
  if (platform === 'darwin' || platform === 'mas') return join(appOutDir, `${productFilename}.app`)
  if (platform === 'win32') return join(appOutDir, `${productFilename}.exe`)
  if (platform === 'linux') return join(appOutDir, linuxExecutableName)
  throw new Error(`no Electron binary layout known for platform "${platform}"`)
}

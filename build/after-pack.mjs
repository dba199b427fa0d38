// electron-builder's afterPack hook: flips the Electron fuses (see fuses.mjs) in the packed
// binary before it is signed and wrapped into AppImage, deb, NSIS, portable or dmg.
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses'
import { electronBinaryPath, fuseSettings } from './fuses.mjs'

/** @param {import('app-builder-lib').AfterPackContext} context */
export default async function afterPack(context) {
  const binary = electronBinaryPath({
    platform: context.electronPlatformName,
    appOutDir: context.appOutDir,
    productFilename: context.packager.appInfo.productFilename,
    // Only the Linux packager names its executable apart from the product.
    linuxExecutableName: context.packager.executableName ?? '',
  })
  await flipFuses(binary, {
    version: FuseVersion.V1,
    // Apple Silicon refuses a binary whose ad-hoc signature no longer matches.
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin',
    ...fuseSettings(FuseV1Options),
  })
}

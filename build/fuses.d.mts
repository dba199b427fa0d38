export function fuseSettings(FuseV1Options: Record<string, number>): Record<number, boolean>
export function electronBinaryPath(where: {
  platform: string
  appOutDir: string
  productFilename: string
  linuxExecutableName: string
}): string

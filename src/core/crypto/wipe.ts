import { readySodium } from './sodium'

/** Overwrites secret buffers with zeros (on lock, logout, or once a secret is used up). */
export function wipe(...buffers: ReadonlyArray<Uint8Array | null | undefined>): void {
  const sodium = readySodium()
  for (const buffer of buffers) if (buffer) sodium.memzero(buffer)
}

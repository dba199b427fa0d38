// The one MLS cipher suite paracord uses, loaded once. docs/KEYS.md says why this one:
// X25519, ChaCha20-Poly1305 and Ed25519 are the primitives the rest of the core already uses
// through libsodium, it is a suite the working group's interoperability vectors cover, and at
// 1,000 members its commits and group state stay small enough to move on every change.
import {
  defaultCapabilities,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  type Capabilities,
  type CiphersuiteImpl,
  type CiphersuiteName,
} from 'ts-mls'

export const MLS_SUITE: CiphersuiteName = 'MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519'

/** GroupContext extension holding the server's authenticated state (server-state.ts). */
export const SERVER_STATE_EXTENSION = 0xf1a0

let loading: Promise<CiphersuiteImpl> | null = null
let loaded: CiphersuiteImpl | null = null

export function mlsSuite(): Promise<CiphersuiteImpl> {
  loading ??= getCiphersuiteImpl(getCiphersuiteFromName(MLS_SUITE)).then((cs) => (loaded = cs))
  return loading
}

/** The suite, once `mlsSuite()` has been awaited (the core does so before any account opens). */
export function loadedMlsSuite(): CiphersuiteImpl {
  if (!loaded) throw new Error('the MLS suite is not loaded yet: await mlsSuite() first')
  return loaded
}

/** What every paracord leaf supports: the suite and paracord's state extension. */
export function paracordCapabilities(): Capabilities {
  const base = defaultCapabilities()
  return {
    ...base,
    ciphersuites: [MLS_SUITE],
    extensions: [...new Set([...base.extensions, SERVER_STATE_EXTENSION])],
  }
}

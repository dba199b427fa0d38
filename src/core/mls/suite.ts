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
/** Leaf node extension proving which invite a joiner used (join-proof.ts). */
export const JOIN_PROOF_EXTENSION = 0xf1a1

let loading: Promise<CiphersuiteImpl> | null = null

export function mlsSuite(): Promise<CiphersuiteImpl> {
  loading ??= getCiphersuiteImpl(getCiphersuiteFromName(MLS_SUITE))
  return loading
}

/** What every paracord leaf supports: the suite and paracord's two extensions. */
export function paracordCapabilities(): Capabilities {
  const base = defaultCapabilities()
  return {
    ...base,
    ciphersuites: [MLS_SUITE],
    extensions: [...new Set([...base.extensions, SERVER_STATE_EXTENSION, JOIN_PROOF_EXTENSION])],
  }
}

// Where the servers service reports the identity keys it learns from groups: the pins of peers'
// keys. The accounts side implements it (PeerDirectory, src/core/peers): it pins a user's key on
// first sight, remembers it across servers, and reports a changed key itself (the keyChanged
// event), once.

/** What a reported key means against the pin: first sight, the pinned key, or a different one. */
export type KeyObservation = 'new' | 'same' | 'changed'

export interface PeerKeyPins {
  /**
   * Reports that `userId` signs with `signKey` (Ed25519, base64url), seen at `source`
   * ('group:<serverId>'). Pins it when the user is new; never replaces a pin.
   */
  observe(userId: string, signKey: string, source: string): KeyObservation
  /** True while a key different from the pinned one was seen and not accepted. */
  isChanged(userId: string): boolean
}

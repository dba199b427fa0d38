/** A public/secret key pair; `privateKey` is secret and is wiped on lock. */
export interface KeyPair {
  readonly publicKey: Uint8Array
  readonly privateKey: Uint8Array
}

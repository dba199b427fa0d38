// Sizes and times both sides agree on. Bytes are decoded sizes; the wire carries base64url.
export const LIMITS = {
  /**
   * Bytes of a handle, and so of a vault's enclave id. No identity or invite enclave may have
   * an id of this size: vaults have that namespace to themselves, so no enclave squats a name.
   */
  handleBytes: 32,
  /** Largest HTTP body the server reads: an enclave at its largest, in base64url. */
  maxBodyBytes: 3 * 1024 * 1024,
  /**
   * Largest shard body (ciphertext). A server's log carries MLS commits, which grow with the
   * group: one that refreshes a path in a 1,000-member group is near 100 KiB.
   */
  maxShardBytes: 256 * 1024,
  /**
   * Largest enclave body (ciphertext). A server's join enclave holds the MLS group info with
   * its ratchet tree, about 0.5 KiB per member.
   */
  maxEnclaveBytes: 2 * 1024 * 1024,
  /** Largest WebSocket frame a client may send. */
  maxFrameBytes: 64 * 1024,
  /** Streams in one subscribe frame. */
  maxSubscribeBatch: 256,
  /** Shards in one fetch page. */
  maxFetchLimit: 500,
  /** Read keys one stream-info request may prove (a client signs with those it holds). */
  maxInfoProofs: 8,
  /** How long a login challenge may be answered. */
  challengeTtlMs: 60_000,
  /** How far a read proof's timestamp may be from the server's clock. */
  readProofSkewMs: 5 * 60_000,
  /** Longest burn delay any stream may allow: 14 days. */
  maxBurnSeconds: 14 * 24 * 3600,
  /** Slack allowed on burn_at for clock skew between client and server. */
  burnSkewMs: 60_000,
} as const

/** WebSocket close codes (4000-4999 are the application's own). */
export const CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  badFrame: 4000,
  unauthorized: 4001,
  authTimeout: 4002,
  slowConsumer: 4008,
  frameTooLarge: 4009,
  rateLimited: 4029,
} as const

/**
 * Argon2id parameters for new accounts; also what the server answers for unknown handles, so
 * the salt look-up cannot tell them apart. 3 passes over 64 MiB: about 0.35 s here.
 */
export const DEFAULT_KDF = { alg: 'argon2id13', opsLimit: 3, memLimit: 64 * 1024 * 1024 } as const

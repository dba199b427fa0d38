// Every way opening or using the cache can fail, each its own class so the client core can
// tell "wrong key" (ask again / log out) from "damaged file" (rebuild from the server).

/** The cache key does not open this cache's check value. */
export class CacheKeyError extends Error {
  override readonly name = 'CacheKeyError'
}

/** The file is not a paracord cache, or its structure is damaged. */
export class CacheCorruptError extends Error {
  override readonly name = 'CacheCorruptError'
}

/** The file was written by a newer version of paracord than this one. */
export class CacheVersionError extends Error {
  override readonly name = 'CacheVersionError'
}

/** The cache was used after `close()`. */
export class CacheClosedError extends Error {
  override readonly name = 'CacheClosedError'
  constructor() {
    super('the local cache is closed')
  }
}

// The one place that loads libsodium. Its WebAssembly instantiates asynchronously, so the
// process awaits `loadSodium()` once at start-up; after that the synchronous API works.
import sodium from 'libsodium-wrappers-sumo'
import { SodiumNotLoadedError } from './errors'

export type Sodium = typeof sodium

let loaded: Sodium | null = null
let loading: Promise<Sodium> | null = null

/** Awaits libsodium's start-up once and returns the ready instance. */
export async function loadSodium(): Promise<Sodium> {
  if (loaded) return loaded
  loading ??= sodium.ready.then(() => (loaded = sodium))
  return loading
}

/** The instance for synchronous code; throws if `loadSodium()` has not finished yet. */
export function readySodium(): Sodium {
  if (!loaded) throw new SodiumNotLoadedError()
  return loaded
}

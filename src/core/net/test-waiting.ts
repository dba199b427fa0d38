// Waiting helpers for the network layer's tests: wait for a condition, never for a fixed time.

/** Resolves once `condition` holds; fails with `what` if it has not after `limitMs`. */
export async function waitFor(condition: () => boolean, what: string, limitMs = 10_000) {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** Lets the event loop run for a while, to show that something does NOT happen. */
export const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// Test-only: contextBridge's copying rules, as Electron implements them in
// shell/renderer/api/electron_api_context_bridge.cc (PassValueToOtherContext and
// ProxyFunctionWrapper) and documents under "Parameter / Error / Return Type support":
//   - primitives pass as they are;
//   - a function becomes a proxy that copies its arguments one way and its result the other;
//     whatever it throws synchronously arrives as a new Error with the message only;
//   - a promise becomes a new promise whose value, or rejection reason, is copied by these rules;
//   - an Error (any subclass) becomes a new plain Error built from its message: its name, its
//     prototype and every other own property (such as `code`) are lost;
//   - an array is copied item by item; any other object is copied as a new plain object of its
//     own enumerable properties (prototype and class dropped);
//   - the exposed API itself is frozen.
// Never imported by shipped code.

const UNKNOWN_EXCEPTION =
  'An unknown exception occurred in the isolated context, an error occurred but a valid ' +
  'exception was not thrown.'

function messageOf(thrown: unknown): string {
  if (typeof thrown === 'object' && thrown !== null && 'message' in thrown) {
    const { message } = thrown
    if (typeof message === 'string') return message
  }
  return UNKNOWN_EXCEPTION
}

/** One value crossing from one world to the other. */
export function copyAcrossBridge(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function'
      ? proxyFunction(value as (...args: unknown[]) => unknown)
      : value
  }
  if (value instanceof Promise) {
    return new Promise((resolve, reject) => {
      value.then(
        (result: unknown) => resolve(copyAcrossBridge(result)),
        // Whatever it was rejected with, copied: a plain object stays a plain object.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        (reason: unknown) => reject(copyAcrossBridge(reason)),
      )
    })
  }
  if (value instanceof Error) return new Error(messageOf(value))
  if (Array.isArray(value)) return value.map(copyAcrossBridge)
  if (value instanceof Date || value instanceof Map || value instanceof Set)
    return structuredClone(value)
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(value)) {
    copy[key] = copyAcrossBridge((value as Record<string, unknown>)[key])
  }
  return copy
}

function proxyFunction(fn: (...args: unknown[]) => unknown) {
  return (...args: unknown[]) => {
    let result: unknown
    try {
      result = fn(...args.map(copyAcrossBridge))
    } catch (thrown) {
      // The bridge keeps the message only; no cause crosses.
      // eslint-disable-next-line preserve-caught-error
      throw new Error(messageOf(thrown))
    }
    return copyAcrossBridge(result)
  }
}

/** contextBridge.exposeInMainWorld: what the page's `window[key]` would hold. */
export function exposeInMainWorld<T>(api: T): T {
  return deepFreeze(copyAcrossBridge(api)) as T
}

function deepFreeze(value: unknown): unknown {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}

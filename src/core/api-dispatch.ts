// The one entry point every transport (Electron IPC, the web bridge) uses to call the core:
// it checks the method name and the input against the contract, calls, and turns any failure
// into { code, message } without leaking internals.
import { ParacordError, type ApiMethodName, type ParacordApi } from '../shared/api'
import { isApiMethod, validateApiInput } from '../shared/api-validate'
import type { CallResult } from '../shared/transport'

export type ApiCaller = (method: unknown, input: unknown) => Promise<CallResult>

export function createApiDispatcher(
  api: ParacordApi,
  onInternalError: (method: string, error: unknown) => void = () => {},
): ApiCaller {
  return async (method, input) => {
    if (!isApiMethod(method)) {
      return { ok: false, error: { code: 'invalid_input', message: 'unknown method' } }
    }
    try {
      const value = await call(api, method, validateApiInput(method, input))
      return { ok: true, value }
    } catch (error) {
      if (error instanceof ParacordError) {
        return { ok: false, error: { code: error.code, message: error.message } }
      }
      onInternalError(method, error)
      return {
        ok: false,
        error: { code: 'internal', message: 'Something went wrong inside paracord.' },
      }
    }
  }
}

function call<M extends ApiMethodName>(api: ParacordApi, method: M, input: unknown) {
  const fn = api[method] as (input: unknown) => Promise<unknown>
  return fn.call(api, input) as Promise<CallResult<M> extends { value: infer V } ? V : never>
}

// A ParacordApi that passes every call through unchanged and afterwards tells the shell about
// the ones it reacts to: which channel the user opened (markRead), the settings (for
// notification previews), and successful sign-ins and password changes (for "remember me").
// Failed calls are not reported; the observer's own failures never reach the page.
import type { ApiInput, ApiMethodName, ApiOutputs, ParacordApi } from '../../shared/api'
import { API_METHODS } from '../../shared/api'

export type CallReport = {
  [M in ApiMethodName]: {
    readonly method: M
    readonly input: ApiInput<M>
    readonly output: ApiOutputs[M]
  }
}[ApiMethodName]

export function observeApi(
  api: ParacordApi,
  observe: (report: CallReport) => void,
  onObserverError: (error: unknown) => void = () => {},
): ParacordApi {
  const wrapped: Record<string, unknown> = {
    on: api.on.bind(api),
  }
  for (const method of API_METHODS) {
    const call = api[method] as (input: unknown) => Promise<unknown>
    wrapped[method] = async (input: unknown) => {
      const output = await call.call(api, input)
      try {
        observe({ method, input, output } as CallReport)
      } catch (error) {
        onObserverError(error)
      }
      return output
    }
  }
  return wrapped as unknown as ParacordApi
}

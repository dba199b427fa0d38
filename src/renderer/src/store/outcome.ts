// What a store action reports to the view that started it: the value, or words to show.
import type { ApiErrorCode } from '../../../shared/api-errors'
import { describeError, errorCode } from './errors'

export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string; readonly code: ApiErrorCode | null }

export async function attempt<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() }
  } catch (error) {
    return { ok: false, error: describeError(error), code: errorCode(error) }
  }
}

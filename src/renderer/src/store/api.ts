// The one ParacordApi the store talks to, set once at start-up.
import type { ParacordApi } from '../../../shared/api'

let current: ParacordApi | null = null

export function setApi(api: ParacordApi): void {
  current = api
}

export function api(): ParacordApi {
  if (current === null) throw new Error('paracord is still starting: no API yet')
  return current
}

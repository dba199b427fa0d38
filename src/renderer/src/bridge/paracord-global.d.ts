// In Electron the preload exposes the API as window.paracord; in a browser it is absent.
import type { ParacordApi } from '../../../shared/api'

declare global {
  interface Window {
    readonly paracord?: ParacordApi
  }
}

export {}

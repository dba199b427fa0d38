// In Electron the preload exposes the desktop shell's contract as window.paracordDesktop; in a
// browser it is absent.
import type { DesktopApi } from '../../../shared/desktop-api'

declare global {
  interface Window {
    readonly paracordDesktop?: DesktopApi
  }
}

export {}

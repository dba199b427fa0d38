// The window's one call controller, wired to the real things: the store's API, the browser's
// timers, simple-peer, the microphone and speakers, the voice slice the views read, and the
// settings that keep each server's answer to "call directly?".
import SimplePeer from 'simple-peer/simplepeer.min.js'
import { api } from '../../store/api'
import { browserMedia } from './browser-media'
import type { Clock } from './call-deps'
import { CallController } from './call-controller'
import { settingsDirectCalls } from './direct-calls'
import { useVoice } from './voice-store'

const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (task, ms) => setTimeout(task, ms),
  clearTimeout: (timer) => clearTimeout(timer),
  setInterval: (task, ms) => setInterval(task, ms),
  clearInterval: (timer) => clearInterval(timer),
}

export const voice = new CallController({
  api,
  clock: systemClock,
  createPeer: (options) => new SimplePeer(options),
  media: browserMedia,
  store: useVoice,
  directCalls: settingsDirectCalls,
})

if (typeof window !== 'undefined') window.addEventListener('pagehide', () => voice.pageHidden())

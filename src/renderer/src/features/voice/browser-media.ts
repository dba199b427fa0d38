// The browser's side of a call's sound: the microphone (the only permission paracord asks
// for), an AudioContext for the speaking meters, and an <audio> element per participant.
import type { CallAudio, CallMedia, Meter, Playback } from './call-deps'
import { levelOf, SpeakingDetector } from './speaking'
import { VoiceProblem } from './voice-problems'

async function openMicrophone(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia)
    throw new VoiceProblem('This browser cannot use a microphone here.')
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: true })
  } catch (error) {
    const name = error instanceof DOMException ? error.name : ''
    if (name === 'NotAllowedError' || name === 'SecurityError')
      throw new VoiceProblem(
        'paracord is not allowed to use your microphone. Allow microphone access, then join again.',
      )
    if (name === 'NotFoundError' || name === 'OverconstrainedError')
      throw new VoiceProblem('No microphone was found. Connect one, then join again.')
    if (name === 'NotReadableError')
      throw new VoiceProblem('Your microphone is busy in another app or could not be started.')
    throw new VoiceProblem('Your microphone could not be opened.')
  }
}

/** Audio level of one stream, for the speaking indicator. */
function meter(context: AudioContext, stream: MediaStream): Meter {
  const source = context.createMediaStreamSource(stream)
  const analyser = context.createAnalyser()
  analyser.fftSize = 512
  const samples = new Uint8Array(analyser.fftSize)
  const detector = new SpeakingDetector()
  source.connect(analyser)
  return {
    speaking: (now) => {
      analyser.getByteTimeDomainData(samples)
      return detector.update(levelOf(samples), now)
    },
    close: () => source.disconnect(),
  }
}

function play(stream: MediaStream, muted: boolean): Playback {
  const audio = new Audio()
  audio.autoplay = true
  audio.srcObject = stream
  audio.muted = muted
  void audio.play().catch(() => undefined)
  return {
    setMuted: (value) => {
      audio.muted = value
    },
    stop: () => {
      audio.pause()
      audio.srcObject = null
    },
  }
}

function openAudio(): CallAudio {
  const context = new AudioContext()
  void context.resume()
  return {
    meter: (stream) => meter(context, stream),
    play,
    close: () => void context.close(),
  }
}

export const browserMedia: CallMedia = { openMicrophone, openAudio }

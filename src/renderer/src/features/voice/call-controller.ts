// What the views and the event feed call about voice: join, leave, mute, deafen, the core's
// voice events, and loading or forgetting it all with the session. It holds at most one call
// (call-mesh.ts) and writes the voice slice. Everything from outside is injected (call-deps.ts);
// voice.ts makes the window's one controller.
import type { ApiEvents } from '../../../../shared/api'
import type { CallAudio, CallDeps } from './call-deps'
import { CallMesh } from './call-mesh'
import {
  CALL_ENDED,
  describeVoiceError,
  DIRECT_CALLS_DECLINED,
  VoiceProblem,
} from './voice-problems'
import { emptyVoice, withChannel, withoutCall } from './voice-store'

type VoiceEvents = Pick<ApiEvents, 'voiceParticipants' | 'voiceSignal' | 'voiceEnded'>

/** Where voice events come from: ParacordApi's `on`, or a test's. */
export interface VoiceEventSource {
  on<E extends keyof VoiceEvents>(event: E, listener: (payload: ApiEvents[E]) => void): () => void
}

/** What the person answered to "call directly?"; `dismissed`: closed it without answering. */
export type DirectCallAnswer = 'direct' | 'relay_only' | 'dismissed'

export class CallController {
  private call: CallMesh | null = null
  /** The join in progress; a leave or another join replaces it. */
  private joining: object | null = null
  /** Settles the question a join is waiting on (store: directCallQuestion). */
  private answerQuestion: ((answer: DirectCallAnswer) => void) | null = null

  constructor(private readonly deps: CallDeps) {}

  async join(serverId: string, channelId: string, myUserId: string): Promise<void> {
    const { api, media, store } = this.deps
    const { phase, call: current } = store.getState()
    if (phase !== 'idle' && current?.channelId === channelId) return
    await this.leave()
    const attempt = {}
    this.joining = attempt
    store.setState({ phase: 'joining', call: { serverId, channelId, sessionId: '' }, error: null })
    let mic: MediaStream | null = null
    let audio: CallAudio | null = null
    let joinedInCore = false
    try {
      // 1. Relay credentials. Relay-only calls cannot connect where the server offers no relay:
      //    the person decides (once per server) whether to call directly there instead, before
      //    any microphone opens for a call that may not happen.
      const ice = await api().getIceServers({})
      const directWithoutRelay = ice.relayOnly && ice.iceServers.length === 0
      if (directWithoutRelay) {
        const direct = await this.mayCallDirectly(serverId, channelId)
        if (this.joining !== attempt) return
        if (direct === null) {
          store.setState((state) => ({ ...withoutCall(state), error: null }))
          return
        }
        if (!direct) throw new VoiceProblem(DIRECT_CALLS_DECLINED)
      }
      // 2. The microphone: the only permission paracord asks for.
      mic = await media.openMicrophone()
      audio = media.openAudio()
      // 3. Announce the join; the core refuses when the channel is full.
      const joined = await api().joinVoice({ serverId, channelId })
      joinedInCore = true
      if (this.joining !== attempt) throw new VoiceProblem('left while joining')
      const place = {
        serverId,
        channelId,
        sessionId: joined.sessionId,
        myUserId,
        directWithoutRelay,
      }
      const call = new CallMesh(place, mic, ice, audio, this.deps)
      this.call = call
      store.setState((state) => ({
        ...withChannel(state, joined),
        phase: 'in_call',
        call: { serverId, channelId, sessionId: joined.sessionId },
      }))
      // 4. A connection to everyone already there.
      call.sync(joined.participants)
    } catch (error) {
      mic?.getTracks().forEach((track) => track.stop())
      audio?.close()
      // In the core's call but not here: take the join back unless another call started since.
      if (joinedInCore && this.call === null && (this.joining === attempt || this.joining === null))
        void api()
          .leaveVoice({})
          .catch(() => undefined)
      if (this.joining !== attempt) return
      store.setState((state) => ({ ...withoutCall(state), error: describeVoiceError(error) }))
    } finally {
      if (this.joining === attempt) this.joining = null
    }
  }

  /** The person's answer to the question a join is waiting on. */
  answerDirectCall(answer: DirectCallAnswer): void {
    this.answerQuestion?.(answer)
  }

  /**
   * Whether this server's calls may go direct: the answer remembered for it, or the person's
   * (then remembered) answer to the question; null when they dismissed the question.
   */
  private async mayCallDirectly(serverId: string, channelId: string): Promise<boolean | null> {
    const { directCalls, store } = this.deps
    const remembered = directCalls.get(serverId)
    if (remembered !== undefined) return remembered
    store.setState({ directCallQuestion: { serverId, channelId } })
    const answer = await new Promise<DirectCallAnswer>((resolve) => {
      this.answerQuestion = resolve
    })
    this.answerQuestion = null
    store.setState({ directCallQuestion: null })
    if (answer === 'dismissed') return null
    const direct = answer === 'direct'
    // Not kept (say, offline): this call goes ahead, and the next one asks again.
    await directCalls.remember(serverId, direct).catch(() => undefined)
    return direct
  }

  async leave(): Promise<void> {
    const { api, store } = this.deps
    const wasJoining = this.joining !== null
    this.joining = null
    this.answerQuestion?.('dismissed')
    const active = this.call
    this.call = null
    active?.close()
    const { phase } = store.getState()
    store.setState((state) => ({ ...withoutCall(state), error: null }))
    if (!(active || wasJoining || phase !== 'idle')) return
    try {
      await api().leaveVoice({})
    } catch (error) {
      // Hung up here; the core could not be told (the others see the leave at its timeout).
      store.setState({ error: describeVoiceError(error) })
    }
  }

  setMuted(muted: boolean): void {
    const { store } = this.deps
    const { deafened } = store.getState()
    // Deafened means muted too; unmuting also undeafens.
    store.setState({ muted, deafened: muted ? deafened : false })
    this.call?.setMuted(muted)
    if (!muted) this.call?.setDeafened(false)
  }

  setDeafened(deafened: boolean): void {
    const { store } = this.deps
    store.setState({ deafened, muted: deafened ? true : store.getState().muted })
    this.call?.setDeafened(deafened)
    if (deafened) this.call?.setMuted(true)
  }

  // --- the core's events -----------------------------------------------------------------------

  subscribe(source: VoiceEventSource): (() => void)[] {
    return [
      source.on('voiceParticipants', (event) => this.onParticipants(event)),
      source.on('voiceSignal', (event) => this.onSignal(event)),
      source.on('voiceEnded', (event) => this.onEnded(event)),
    ]
  }

  private onParticipants(event: ApiEvents['voiceParticipants']): void {
    this.deps.store.setState((state) => withChannel(state, event))
    if (this.call && this.call.channelId === event.channelId) this.call.sync(event.participants)
  }

  private onSignal(event: ApiEvents['voiceSignal']): void {
    if (this.call && this.call.channelId === event.channelId) this.call.receive(event)
  }

  private onEnded(event: ApiEvents['voiceEnded']): void {
    if (!this.call || this.call.channelId !== event.channelId) return
    this.call.close()
    this.call = null
    this.deps.store.setState((state) => ({
      ...withoutCall(state),
      error: CALL_ENDED[event.reason],
    }))
  }

  // --- the session ----------------------------------------------------------------------------

  /** After unlock (or the page came back): who is where, and no call left over from before. */
  async load(): Promise<void> {
    const { api, store } = this.deps
    const state = await api().getVoiceState({})
    store.setState((s) => state.channels.reduce(withChannel, { ...s, channels: {} }))
    // A call the core still holds but this page has no microphone or connections for.
    if (state.call && !this.call && !this.joining) await api().leaveVoice({})
  }

  /** On lock or sign-out: hang up here and forget who was where. */
  forget(): void {
    this.joining = null
    this.answerQuestion?.('dismissed')
    this.call?.close()
    this.call = null
    this.deps.store.setState(emptyVoice())
  }

  /** The page is going away: tell the core, which would otherwise wait for the session to time out. */
  pageHidden(): void {
    // Nobody is left to show an error to: the page is going away.
    if (this.call)
      void this.deps
        .api()
        .leaveVoice({})
        .catch(() => undefined)
  }
}

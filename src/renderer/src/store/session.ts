// Start-up and the session's life: connect to the API, follow every event, load what the
// signed-in user sees on unlock, and forget all of it (plaintext included) on lock or sign-out.
import { connectApi, onBridgeStatus, type BridgeStatus } from '../bridge'
import { voice } from '../features/voice/voice'
import { api, setApi } from './api'
import { useAuth, type AuthPhase } from './auth'
import { useConnection } from './connection'
import { useInviteIntake } from './invite-intake'
import { subscribeEvents } from './events'
import { useMessages } from './messages'
import { selectSomeServer } from './navigation'
import { rememberMembership } from './removal-notices'
import { useServers } from './servers'
import { useSettings } from './settings'
import { useUi } from './ui'

let starting: Promise<void> | null = null

/** Idempotent: React's strict mode may ask twice. */
export function startSession(): Promise<void> {
  starting ??= start()
  return starting
}

/** After a failed start, tries again from the beginning. */
export function retryStart(): Promise<void> {
  starting = null
  useAuth.setState({ phase: 'starting', error: null })
  return startSession()
}

async function start(): Promise<void> {
  try {
    const paracord = await connectApi()
    setApi(paracord)
    subscribeEvents(paracord)
    onBridgeStatus(onBridgeChange)
    useAuth.subscribe((state, previous) => {
      if (state.phase !== previous.phase) void onPhaseChange(state.phase, previous.phase)
    })
    useAuth.getState().applyAuth(await paracord.getAuthState({}))
  } catch (error) {
    const detail = error instanceof Error && error.message ? ` (${error.message})` : ''
    useAuth.getState().startFailed(`paracord could not start${detail}.`)
  }
}

/** After the web host comes back, events may have been missed: read everything again. */
function onBridgeChange(status: BridgeStatus): void {
  const before = useConnection.getState().bridge
  useConnection.getState().applyBridge(status)
  if (status !== 'open' || before === 'open') return
  void (async () => {
    useAuth.getState().applyAuth(await api().getAuthState({}))
    if (useAuth.getState().phase === 'unlocked') await reloadSession()
  })().catch(() => undefined) // the next status change tries again
}

async function reloadSession(): Promise<void> {
  await loadSession()
  const { selectedServerId, channelByServer } = useUi.getState()
  const channelId = selectedServerId ? channelByServer[selectedServerId] : undefined
  if (selectedServerId && channelId)
    await useMessages.getState().loadLatest(selectedServerId, channelId)
}

async function onPhaseChange(phase: AuthPhase, previous: AuthPhase): Promise<void> {
  if (phase === 'unlocked') {
    await loadSession()
    // An invite given on the sign-in form is joined now, and its server opened.
    if (useInviteIntake.getState().pending !== null) await useInviteIntake.getState().joinPending()
    // The sign-in form is gone: focus goes where one starts (the composer, or "Create or join").
    else useUi.getState().requestMainFocus()
  } else if (previous === 'unlocked') forgetSession()
}

export async function loadSession(): Promise<void> {
  await Promise.allSettled([
    useSettings.getState().load(),
    useConnection.getState().load(),
    useServers.getState().loadList(),
    voice.load(),
  ])
  rememberMembership(useServers.getState().list.map((server) => server.id))
  await selectSomeServer()
}

/** Drops everything the signed-in user could see; the theme stays for the sign-in screens. */
export function forgetSession(): void {
  voice.forget()
  useMessages.getState().reset()
  useServers.getState().reset()
  useUi.getState().reset()
  useSettings.getState().reset()
  useConnection.getState().reset()
}

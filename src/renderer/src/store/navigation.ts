// Moving around: opening servers and channels, which crosses slices (selection, details,
// messages, read state).
import type { SwitchTarget } from '../app/quick-switch/fuzzy'
import { api } from './api'
import { channelKey, useMessages } from './messages'
import { channelToOpen, neighbourChannel } from './selectors'
import { useServers } from './servers'
import { useUi } from './ui'

const readTimers = new Map<string, ReturnType<typeof setTimeout>>()

/** Marks a channel read shortly after the last call, so a burst of messages costs one call. */
export function markReadSoon(serverId: string, channelId: string): void {
  const key = channelKey(serverId, channelId)
  clearTimeout(readTimers.get(key))
  readTimers.set(
    key,
    setTimeout(() => {
      readTimers.delete(key)
      api()
        .markRead({ serverId, channelId })
        .catch(() => undefined) // read state is a courtesy; the next open retries
    }, 400),
  )
}

export async function selectChannel(serverId: string, channelId: string): Promise<void> {
  useUi.getState().selectChannel(serverId, channelId)
  const channel = useServers
    .getState()
    .details[serverId]?.channels.find((candidate) => candidate.id === channelId)
  if (!channel || channel.kind !== 'text') return
  markReadSoon(serverId, channelId)
  if (!useMessages.getState().channels[channelKey(serverId, channelId)]?.loaded) {
    await useMessages.getState().loadLatest(serverId, channelId)
  }
}

export async function selectServer(serverId: string): Promise<void> {
  useUi.getState().selectServer(serverId)
  let details = useServers.getState().details[serverId]
  if (!details) {
    const outcome = await useServers.getState().loadServer(serverId)
    if (!outcome.ok) {
      useUi.getState().pushNotice('warning', outcome.error)
      return
    }
    details = outcome.value
  }
  // The user may have moved on while the server loaded.
  if (useUi.getState().selectedServerId !== serverId) return
  const channel = channelToOpen(details, useUi.getState().channelByServer[serverId])
  if (channel) await selectChannel(serverId, channel.id)
}

/** Opens a server just created or joined, with focus where one writes: its first text channel. */
export async function openNewServer(serverId: string): Promise<void> {
  await selectServer(serverId)
  useUi.getState().requestMainFocus()
}

/** Opens the first server, if any, when nothing (or something gone) is selected. */
export async function selectSomeServer(): Promise<void> {
  const { selectedServerId } = useUi.getState()
  const { list } = useServers.getState()
  if (selectedServerId && list.some((server) => server.id === selectedServerId)) return
  const first = list[0]
  if (first) await selectServer(first.id)
  else useUi.getState().selectServer(null)
}

/** Alt+Up / Alt+Down: the previous or next channel of the open server. */
export async function moveChannel(step: 1 | -1): Promise<void> {
  const { selectedServerId, channelByServer } = useUi.getState()
  if (!selectedServerId) return
  const details = useServers.getState().details[selectedServerId]
  if (!details) return
  const next = neighbourChannel(details.channels, channelByServer[selectedServerId] ?? null, step)
  if (next) await selectChannel(selectedServerId, next.id)
}

export async function openTarget(target: SwitchTarget): Promise<void> {
  if (target.channelId === null) await selectServer(target.serverId)
  else {
    if (!useServers.getState().details[target.serverId]) {
      await useServers.getState().loadServer(target.serverId)
    }
    await selectChannel(target.serverId, target.channelId)
  }
}

/** The quick switcher lists every server's channels, so it fetches the servers not yet opened. */
export async function loadAllServerDetails(): Promise<void> {
  const { list, details, loadServer } = useServers.getState()
  await Promise.all(
    list.filter((server) => !details[server.id]).map((server) => loadServer(server.id)),
  )
}

// "You were removed from Hideout." is said once per removal: a removal the core reports again
// (on a later start, or twice in one) stays quiet, on this device, until the person is back in
// that server, so a removal after a rejoin is said again.
const KEY = 'paracord.removalsAnnounced'

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null
  }
}

function read(): Set<string> {
  try {
    const value: unknown = JSON.parse(storage()?.getItem(KEY) ?? '[]')
    return new Set(Array.isArray(value) ? value.filter((id) => typeof id === 'string') : [])
  } catch {
    return new Set()
  }
}

function write(ids: ReadonlySet<string>): void {
  storage()?.setItem(KEY, JSON.stringify([...ids]))
}

/** True the first time a removal from `serverId` is reported; false for a repeat. */
export function firstReportOfRemoval(serverId: string): boolean {
  const announced = read()
  if (announced.has(serverId)) return false
  announced.add(serverId)
  write(announced)
  return true
}

/** The servers the person belongs to now: a removal from any of them is news again. */
export function rememberMembership(serverIds: readonly string[]): void {
  const announced = read()
  const before = announced.size
  for (const id of serverIds) announced.delete(id)
  if (announced.size !== before) write(announced)
}

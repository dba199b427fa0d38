// How results look: aligned text for people, one JSON object per line for scripts. Pure
// functions of the data and the current time.
import type {
  ChannelInfo,
  InviteInfo,
  MemberInfo,
  MessageInfo,
  SafetyNumber,
  ServerSummary,
} from '../shared/api'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** The largest whole unit: "45s", "59m", "23h", "6d". */
export function formatDuration(ms: number): string {
  if (ms < MINUTE) return `${Math.max(0, Math.floor(ms / SECOND))}s`
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)}m`
  if (ms < DAY) return `${Math.floor(ms / HOUR)}h`
  return `${Math.floor(ms / DAY)}d`
}

/** "12:04" today, "2024-01-02 12:04" on another day (local time). */
export function formatClock(at: number, now: number): string {
  const date = new Date(at)
  const today = new Date(now)
  const hhmm = `${pad(date.getHours())}:${pad(date.getMinutes())}`
  const sameDay =
    date.getFullYear() === today.getFullYear() &&
    date.getMonth() === today.getMonth() &&
    date.getDate() === today.getDate()
  if (sameDay) return hhmm
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${hhmm}`
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

/** `[12:04] alice: hello  (burns in 59m)` */
export function formatMessage(message: MessageInfo, now: number): string {
  const prefix = `[${formatClock(message.sentAt, now)}] ${message.authorName}: `
  // Continuation lines line up under the first line's text.
  const text = message.text.replaceAll('\n', `\n${' '.repeat(prefix.length)}`)
  const notes: string[] = []
  if (message.delivery === 'pending') notes.push('not sent yet')
  if (message.editedAt !== null) notes.push('edited')
  notes.push(`burns in ${formatDuration(message.burnAt - now)}`)
  return `${prefix}${text}  (${notes.join(', ')})`
}

/** Channel order: by position, messages still waiting to be sent last, then by time. */
export function sortMessages(messages: readonly MessageInfo[]): MessageInfo[] {
  return [...messages].sort((a, b) => {
    if (a.seq !== null && b.seq !== null && a.seq !== b.seq) return a.seq - b.seq
    if (a.seq === null && b.seq !== null) return 1
    if (a.seq !== null && b.seq === null) return -1
    return a.sentAt - b.sentAt
  })
}

/** Columns separated by two spaces, every column as wide as its widest cell. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [line(headers), ...rows.map(line)].join('\n')
}

export function formatServers(servers: readonly ServerSummary[]): string {
  if (servers.length === 0) {
    return 'No servers yet: `paracord server create NAME`, or `paracord join CODE` with an invite.'
  }
  return formatTable(
    ['NAME', 'ROLE', 'UNREAD', 'ID'],
    servers.map((s) => [s.name, s.myRole, String(s.unread), s.id]),
  )
}

export function formatChannels(channels: readonly ChannelInfo[]): string {
  if (channels.length === 0) return 'No channels yet: `paracord channel create SERVER NAME`.'
  return formatTable(
    ['NAME', 'KIND', 'BURN', 'UNREAD', 'ID'],
    channels.map((c) => [
      c.name,
      c.kind,
      formatDuration(c.burnSeconds * SECOND),
      String(c.unread),
      c.id,
    ]),
  )
}

/** The member table, then the server's safety code (when it has one) and what it is for. */
export function formatMembers(members: readonly MemberInfo[], safetyCode: string): string {
  const table = formatTable(
    ['NAME', 'ROLE', 'KEY', 'STATUS', 'ID'],
    members.map((m) => [
      m.displayName,
      m.role,
      m.keyChanged ? 'CHANGED' : 'ok',
      m.status === '' ? '-' : m.status,
      m.userId,
    ]),
  )
  if (safetyCode === '') return table
  return [
    table,
    '',
    `safety code: ${safetyCode}`,
    'Compare this code with another member: if yours match, you both see the same server.',
  ].join('\n')
}

export function formatInvite(invite: InviteInfo, now: number): string {
  const uses = invite.maxUses === null ? 'unlimited uses' : `${invite.maxUses} use(s)`
  const expiry =
    invite.expiresAt === null
      ? 'never expires'
      : `expires in ${formatDuration(invite.expiresAt - now)}`
  return [`code: ${invite.code}`, `link: ${invite.link}`, `${uses}, ${expiry}`].join('\n')
}

export function formatInvites(invites: readonly InviteInfo[], now: number): string {
  if (invites.length === 0) return 'No invites: `paracord invite create SERVER`.'
  return formatTable(
    ['ID', 'USES', 'EXPIRES', 'STATE'],
    invites.map((i) => [
      i.id,
      i.maxUses === null ? `${i.uses}` : `${i.uses}/${i.maxUses}`,
      i.expiresAt === null ? 'never' : formatExpiry(i.expiresAt, now),
      i.revoked ? 'revoked' : i.expiresAt !== null && i.expiresAt <= now ? 'expired' : 'active',
    ]),
  )
}

function formatExpiry(at: number, now: number): string {
  return at <= now ? `${formatDuration(now - at)} ago` : `in ${formatDuration(at - now)}`
}

/** 60 digits as three lines of four groups, the way both sides read them aloud. */
export function formatSafetyNumber(safety: SafetyNumber): string {
  const groups = safety.digits.replace(/\s+/g, '').match(/.{1,5}/g) ?? []
  const lines: string[] = []
  for (let i = 0; i < groups.length; i += 4) lines.push(groups.slice(i, i + 4).join(' '))
  const header = `Safety number with ${safety.displayName} (${safety.userId}):`
  const warning = safety.keyChanged
    ? ['Their key CHANGED since you first saw it: compare the digits before trusting them.']
    : []
  return [header, ...lines.map((l) => `  ${l}`), ...warning].join('\n')
}

/** One JSON object on one line. */
export function jsonLine(value: object): string {
  return JSON.stringify(value)
}

import { describe, expect, it } from 'vitest'
import type { InviteInfo, MessageInfo } from '../shared/api'
import {
  formatChannels,
  formatClock,
  formatDuration,
  formatInvite,
  formatInvites,
  formatMembers,
  formatMessage,
  formatSafetyNumber,
  formatServers,
  formatTable,
  jsonLine,
  sortMessages,
} from './format'

const NOON = new Date(2030, 4, 17, 12, 4, 30).getTime()
const MIN = 60_000

function message(overrides: Partial<MessageInfo> = {}): MessageInfo {
  return {
    id: 'm1m1m1m1m1m1m1m1m1m1m1',
    serverId: 's1s1s1s1s1s1s1s1s1s1s1',
    channelId: 'c1c1c1c1c1c1c1c1c1c1c1',
    authorId: 'u1u1u1u1u1u1u1u1u1u1u1',
    authorName: 'alice',
    text: 'hello',
    sentAt: NOON,
    editedAt: null,
    burnAt: NOON + 59 * MIN + 30_000,
    delivery: 'sent',
    seq: 1,
    ...overrides,
  }
}

describe('formatDuration', () => {
  it.each([
    [-5, '0s'],
    [0, '0s'],
    [45_000, '45s'],
    [59 * MIN + 59_000, '59m'],
    [60 * MIN, '1h'],
    [23 * 60 * MIN + 59 * MIN, '23h'],
    [24 * 60 * MIN, '1d'],
    [14 * 24 * 60 * MIN, '14d'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})

describe('formatClock', () => {
  it('shows only the time today and the date on other days', () => {
    expect(formatClock(NOON, NOON + 3 * MIN)).toBe('12:04')
    expect(formatClock(new Date(2030, 4, 16, 9, 5).getTime(), NOON)).toBe('2030-05-16 09:05')
  })
})

describe('formatMessage', () => {
  it('shows time, author, text and when it burns', () => {
    expect(formatMessage(message(), NOON)).toBe('[12:04] alice: hello  (burns in 59m)')
  })

  it('marks edited and not yet sent messages', () => {
    expect(formatMessage(message({ editedAt: NOON, delivery: 'pending', seq: null }), NOON)).toBe(
      '[12:04] alice: hello  (not sent yet, edited, burns in 59m)',
    )
  })

  it('indents the lines of a multi-line text under the first', () => {
    expect(formatMessage(message({ text: 'one\ntwo' }), NOON)).toBe(
      '[12:04] alice: one\n               two  (burns in 59m)',
    )
  })
})

describe('sortMessages', () => {
  it('orders by position, messages waiting to be sent last', () => {
    const sorted = sortMessages([
      message({ id: 'pending', seq: null, sentAt: NOON - MIN }),
      message({ id: 'three', seq: 3 }),
      message({ id: 'one', seq: 1, sentAt: NOON + MIN }),
    ])
    expect(sorted.map((m) => m.id)).toEqual(['one', 'three', 'pending'])
  })
})

describe('tables', () => {
  it('aligns columns and leaves no trailing spaces', () => {
    expect(
      formatTable(
        ['NAME', 'ID'],
        [
          ['a', '1'],
          ['longer name', '22'],
        ],
      ),
    ).toBe(['NAME         ID', 'a            1', 'longer name  22'].join('\n'))
  })

  it('lists servers, or says how to get one', () => {
    expect(
      formatServers([{ id: 'SRV', name: 'Home', myRole: 'owner', unread: 3 }]).split('\n'),
    ).toEqual(['NAME  ROLE   UNREAD  ID', 'Home  owner  3       SRV'])
    expect(formatServers([])).toContain('paracord server create NAME')
  })

  it('lists channels with their burn timers', () => {
    expect(
      formatChannels([
        { id: 'C1', serverId: 'S', name: 'general', kind: 'text', burnSeconds: 86400, unread: 0 },
        { id: 'C2', serverId: 'S', name: 'lounge', kind: 'voice', burnSeconds: 60, unread: 0 },
      ]).split('\n'),
    ).toEqual([
      'NAME     KIND   BURN  UNREAD  ID',
      'general  text   1d    0       C1',
      'lounge   voice  1m    0       C2',
    ])
  })

  it('flags a member whose key changed (and shows no code line without a code)', () => {
    const text = formatMembers(
      [
        {
          userId: 'U1',
          displayName: 'alice',
          status: '',
          role: 'owner',
          keyChanged: false,
          joinedVia: null,
        },
        {
          userId: 'U2',
          displayName: 'bob',
          status: 'away',
          role: 'member',
          keyChanged: true,
          joinedVia: 'I1',
        },
      ],
      '',
    )
    expect(text.split('\n')).toEqual([
      'NAME   ROLE    KEY      STATUS  ID',
      'alice  owner   ok       -       U1',
      'bob    member  CHANGED  away    U2',
    ])
  })

  it('ends with the server’s safety code and what comparing it tells', () => {
    const code = '12345 67890 13579 24680 11223 34455'
    const text = formatMembers(
      [
        {
          userId: 'U1',
          displayName: 'alice',
          status: '',
          role: 'owner',
          keyChanged: false,
          joinedVia: null,
        },
      ],
      code,
    )
    expect(text.split('\n').slice(-3)).toEqual([
      '',
      `safety code: ${code}`,
      'Compare this code with another member: if yours match, you both see the same server.',
    ])
  })
})

describe('invites', () => {
  const invite: InviteInfo = {
    id: 'INV',
    code: 'secretcode',
    link: 'paracord://invite/secretcode',
    server: null,
    maxUses: null,
    uses: 0,
    expiresAt: null,
    revoked: false,
  }

  it('shows the code and link to share', () => {
    expect(formatInvite(invite, NOON)).toBe(
      'code: secretcode\nlink: paracord://invite/secretcode\nunlimited uses, never expires',
    )
    expect(formatInvite({ ...invite, maxUses: 2, expiresAt: NOON + 3_600_000 }, NOON)).toContain(
      '2 use(s), expires in 1h',
    )
  })

  it('lists uses and state without the secret code', () => {
    const text = formatInvites(
      [
        { ...invite, maxUses: 5, uses: 2 },
        { ...invite, id: 'OLD', expiresAt: NOON - 2 * 3_600_000 },
        { ...invite, id: 'GONE', revoked: true },
      ],
      NOON,
    )
    expect(text).not.toContain('secretcode')
    expect(text.split('\n')).toEqual([
      'ID    USES  EXPIRES  STATE',
      'INV   2/5   never    active',
      'OLD   0     2h ago   expired',
      'GONE  0     never    revoked',
    ])
  })
})

describe('formatSafetyNumber', () => {
  const digits = Array.from({ length: 12 }, (_, i) => String(10000 + i)).join(' ')

  it('shows three lines of four groups', () => {
    expect(
      formatSafetyNumber({ userId: 'U2', displayName: 'bob', digits, keyChanged: false }),
    ).toBe(
      [
        'Safety number with bob (U2):',
        '  10000 10001 10002 10003',
        '  10004 10005 10006 10007',
        '  10008 10009 10010 10011',
      ].join('\n'),
    )
  })

  it('warns when the key changed', () => {
    expect(
      formatSafetyNumber({ userId: 'U2', displayName: 'bob', digits, keyChanged: true }),
    ).toContain('CHANGED')
  })
})

describe('jsonLine', () => {
  it('is one parseable line even for multi-line text', () => {
    const line = jsonLine({ type: 'message', ...message({ text: 'a\nb' }) })
    expect(line).not.toContain('\n')
    expect(JSON.parse(line)).toMatchObject({ type: 'message', text: 'a\nb' })
  })
})

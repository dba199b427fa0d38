import { describe, expect, it } from 'vitest'
import { makeMessage } from '../../store/test-messages'
import { buildMessageRows, dayLabel, GROUP_GAP_MS } from './grouping'

const noon = new Date(2025, 2, 14, 12, 0, 0).getTime()
const MINUTE = 60_000

function shape(rows: ReturnType<typeof buildMessageRows>) {
  return rows.map((row) =>
    row.kind === 'day' ? `day:${row.label}` : row.startsGroup ? 'head' : 'cont',
  )
}

describe('buildMessageRows', () => {
  it('groups consecutive messages by one author under one header', () => {
    const rows = buildMessageRows(
      [
        makeMessage({ sentAt: noon }),
        makeMessage({ sentAt: noon + MINUTE }),
        makeMessage({ sentAt: noon + 2 * MINUTE, authorId: 'user-bob', authorName: 'Bob' }),
        makeMessage({ sentAt: noon + 3 * MINUTE, authorId: 'user-bob', authorName: 'Bob' }),
      ],
      noon,
    )
    expect(shape(rows)).toEqual(['day:Today', 'head', 'cont', 'head', 'cont'])
  })

  it('starts a new group after a long pause by the same author', () => {
    const rows = buildMessageRows(
      [makeMessage({ sentAt: noon }), makeMessage({ sentAt: noon + GROUP_GAP_MS + 1 })],
      noon,
    )
    expect(shape(rows)).toEqual(['day:Today', 'head', 'head'])
  })

  it('puts a day separator between days and restarts the group there', () => {
    const lateYesterday = new Date(2025, 2, 13, 23, 59, 0).getTime()
    const earlyToday = new Date(2025, 2, 14, 0, 1, 0).getTime()
    const rows = buildMessageRows(
      [makeMessage({ sentAt: lateYesterday }), makeMessage({ sentAt: earlyToday })],
      noon,
    )
    expect(shape(rows)).toEqual(['day:Yesterday', 'head', 'day:Today', 'head'])
  })

  it('keys message rows by message id so the list keeps them stable', () => {
    const message = makeMessage({ sentAt: noon })
    const rows = buildMessageRows([message], noon)
    expect(rows[1]?.key).toBe(message.id)
  })

  it('gives no rows for no messages', () => {
    expect(buildMessageRows([], noon)).toEqual([])
  })
})

describe('dayLabel', () => {
  it('names older days by their date', () => {
    const label = dayLabel(new Date(2025, 0, 2, 10).getTime(), noon)
    expect(label).toContain('2025')
    expect(label).not.toBe('Today')
  })
})

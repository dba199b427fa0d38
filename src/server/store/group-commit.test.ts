import { describe, expect, it } from 'vitest'
import { GroupCommitQueue, type ItemOutcome } from './group-commit'

/** A batch writer over an in-memory log: records each batch, fails items that are negative. */
function loggingWriter() {
  const batches: number[][] = []
  const write = (items: readonly number[]): ItemOutcome<string>[] => {
    batches.push([...items])
    return items.map((item) =>
      item < 0
        ? { ok: false, error: new Error(`bad item ${item}`) }
        : { ok: true, value: `#${item}` },
    )
  }
  return { batches, write }
}

describe('GroupCommitQueue', () => {
  it('writes requests made in the same turn as one batch, in call order', async () => {
    const { batches, write } = loggingWriter()
    const queue = new GroupCommitQueue(write)
    const results = await Promise.all([1, 2, 3].map((item) => queue.enqueue(item)))
    expect(results).toEqual(['#1', '#2', '#3'])
    expect(batches).toEqual([[1, 2, 3]])
  })

  it('starts a new batch for requests made after the previous one was written', async () => {
    const { batches, write } = loggingWriter()
    const queue = new GroupCommitQueue(write)
    await queue.enqueue(1)
    await Promise.all([queue.enqueue(2), queue.enqueue(3)])
    expect(batches).toEqual([[1], [2, 3]])
  })

  it('settles nothing before the batch is written', async () => {
    let written = false
    const queue = new GroupCommitQueue((items: readonly number[]) => {
      written = true
      return items.map((item) => ({ ok: true as const, value: item }))
    })
    const result = queue.enqueue(7).then((value) => ({ value, written }))
    expect(written).toBe(false)
    expect(await result).toEqual({ value: 7, written: true })
  })

  it('fails only the item that failed', async () => {
    const { write } = loggingWriter()
    const queue = new GroupCommitQueue(write)
    const settled = await Promise.allSettled([
      queue.enqueue(1),
      queue.enqueue(-2),
      queue.enqueue(3),
    ])
    expect(settled).toEqual([
      { status: 'fulfilled', value: '#1' },
      { status: 'rejected', reason: new Error('bad item -2') },
      { status: 'fulfilled', value: '#3' },
    ])
  })

  it('rejects every item of a batch whose write throws, and keeps serving later ones', async () => {
    let failNext = true
    const queue = new GroupCommitQueue((items: readonly number[]) => {
      if (failNext) {
        failNext = false
        throw new Error('disk full')
      }
      return items.map((item) => ({ ok: true as const, value: item }))
    })
    const settled = await Promise.allSettled([queue.enqueue(1), queue.enqueue(2)])
    expect(settled.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected'])
    expect(settled[0]).toMatchObject({ reason: { message: 'disk full' } })
    expect(await queue.enqueue(3)).toBe(3)
  })

  it('writes at once on an explicit flush', async () => {
    const { batches, write } = loggingWriter()
    const queue = new GroupCommitQueue(write)
    const pending = queue.enqueue(1)
    expect(queue.size).toBe(1)
    queue.flush()
    expect(batches).toEqual([[1]])
    expect(queue.size).toBe(0)
    expect(await pending).toBe('#1')
  })
})

// The short crash run (the long one is `npm run bench`): SIGKILL under load, restart, and every
// acknowledged post is there exactly once, on each store.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { freshTestSchema } from '../store/postgres-testing'
import { runCrashCycles } from './crash-cycle'

const intact = {
  cycles: 2,
  lost: 0,
  duplicated: 0,
  wrongSeq: 0,
  gaps: 0,
}

describe('SIGKILL under post load', () => {
  it('loses and repeats nothing acknowledged on SQLite', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'paracord-crash-'))
    try {
      const result = await runCrashCycles({ db: `sqlite:${join(dir, 'store.db')}`, cycles: 2 })
      expect(result).toMatchObject(intact)
      expect(result.acknowledged).toBeGreaterThan(0)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it('loses and repeats nothing acknowledged on PostgreSQL', async () => {
    const schema = freshTestSchema()
    try {
      const result = await runCrashCycles({ db: schema.dbUrl, cycles: 2 })
      expect(result).toMatchObject(intact)
      expect(result.acknowledged).toBeGreaterThan(0)
    } finally {
      await schema.drop()
    }
  }, 60_000)
})

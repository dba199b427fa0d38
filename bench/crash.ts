// The full crash run: 10 SIGKILL-under-load cycles on SQLite and on PostgreSQL; every
// acknowledged post must be there exactly once. Usage: tsx bench/crash.ts  → one JSON line.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCrashCycles } from '../src/server/fault/crash-cycle'
import { freshTestSchema } from '../src/server/store/postgres-testing'

const CYCLES = Number(process.env.BENCH_CRASH_CYCLES ?? 10)

const dir = await mkdtemp(join(tmpdir(), 'paracord-crash-'))
const schema = freshTestSchema()
try {
  const sqlite = await runCrashCycles({ db: `sqlite:${join(dir, 'store.db')}`, cycles: CYCLES })
  const postgres = await runCrashCycles({ db: schema.dbUrl, cycles: CYCLES })
  const intact = (r: typeof sqlite) => r.lost + r.duplicated + r.wrongSeq + r.gaps === 0
  console.log(
    JSON.stringify({
      bench: 'crash',
      sqlite,
      postgres,
      ok: intact(sqlite) && intact(postgres),
    }),
  )
  if (!intact(sqlite) || !intact(postgres)) process.exitCode = 1
} finally {
  await rm(dir, { recursive: true, force: true })
  await schema.drop()
}

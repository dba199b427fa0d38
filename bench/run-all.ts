// `npm run bench`: every benchmark in its own process, one after another (they would skew
// each other on two cores), each printing one JSON line.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const RUNS: [string, ...string[]][] = [
  ['ingest.ts', 'sqlite'],
  ['ingest.ts', 'postgres'],
  ['fanout.ts', 'sqlite'],
  ['fanout.ts', 'postgres'],
  ['client-core.ts'],
  ['cli-throughput.ts'],
  ['mls-groups.ts'],
  ['event-loop.ts', 'in-process'],
  ['event-loop.ts', 'child-process'],
  ['crash.ts'],
  ['fuzz.ts'],
]

let failed = false
for (const [script, ...args] of RUNS) {
  const path = fileURLToPath(new URL(`./${script}`, import.meta.url))
  const run = spawnSync(process.execPath, ['--import', 'tsx', path, ...args], {
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  if (run.status !== 0) failed = true
}
process.exitCode = failed ? 1 : 0

// `npm run dist` and dist:linux/win/mac: a development build by default, a signed release
// build with PARACORD_RELEASE=1 (what each needs, and what it refuses, is in dist-plan.mjs).
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { distPlan } from './dist-plan.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const plan = distPlan({
  argv: process.argv.slice(2),
  env: process.env,
  hostPlatform: process.platform,
})

if (!plan.ok) {
  const what = plan.release ? 'The release build cannot start' : 'Cannot build'
  console.error(`${what}:\n${plan.problems.map((problem) => `  - ${problem}`).join('\n')}`)
  process.exit(1)
}
console.log(`paracord: ${plan.release ? 'release' : 'development'} build for ${plan.platform}`)
for (const step of plan.steps) {
  const { status } = spawnSync(step.command, step.args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...step.env },
    shell: process.platform === 'win32',
  })
  if (status !== 0) process.exit(status ?? 1)
}

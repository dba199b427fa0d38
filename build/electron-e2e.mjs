// `npm run test:electron`: the Electron end-to-end spec, when an Electron binary is installed.
// Build machines that skip Electron's download have none: the spec is then reported as NOT
// RUN (never as passed) and this exits 0, so the rest of `npm test` still counts.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

/** The binary `require('electron')` names, or null when the package has none. */
function electronBinary() {
  try {
    const path = require('electron')
    return typeof path === 'string' && existsSync(path) ? path : null
  } catch {
    return null
  }
}

const binary = electronBinary()
if (binary === null) {
  console.log(
    'electron e2e: NOT RUN (0 run): no Electron binary in node_modules/electron. ' +
      'Install without ELECTRON_SKIP_BINARY_DOWNLOAD, then run `npm run test:electron`.',
  )
  process.exit(0)
}

const step = (command, args, env = process.env) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env })
  if (result.status !== 0) process.exit(result.status ?? 1)
}
step('npx', ['electron-vite', 'build'])
// Linux without a display: run under a virtual one when xvfb-run is there.
const headless = process.platform === 'linux' && !process.env.DISPLAY
const hasXvfb = spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status === 0
const playwright = ['playwright', 'test', '-c', 'playwright.electron.config.ts']
const env = { ...process.env, PARACORD_ELECTRON_E2E: '1' }
if (headless && hasXvfb) step('xvfb-run', ['-a', 'npx', ...playwright], env)
else step('npx', playwright, env)

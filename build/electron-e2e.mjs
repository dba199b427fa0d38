// `npm run test:electron`: the Electron end-to-end spec, when an Electron binary is installed.
// Build machines that skip Electron's download have none: the spec is then reported as NOT
// RUN (never as passed), nothing is rebuilt, and this exits 0 so the rest of `npm test` counts.
// With a binary, better-sqlite3 is rebuilt for Electron for the spec and put back for Node
// afterwards, pass or fail; the order and the promises are in electron-e2e-plan.mjs.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { electronE2ePlan, runElectronE2e } from './electron-e2e-plan.mjs'

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

const release = join(dirname(require.resolve('better-sqlite3/package.json')), 'build/Release')
const nativeBuild = join(release, 'better_sqlite3.node')
// @electron/rebuild notes here which ABI it built for, and skips the module next time while the
// note matches: it must go with the Electron build, or the next run would keep Node's.
const rebuildNote = join(release, '.forge-meta')
const saved = join(mkdtempSync(join(tmpdir(), 'paracord-sqlite-node-')), 'better_sqlite3.node')

// In a child process: loading the module here would also lock the file on Windows.
const nodeBuildLoads = () =>
  spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
    cwd: root,
    stdio: 'ignore',
  }).status === 0

// Ctrl-C reaches the running step too; noting it here instead of dying lets Node's build be
// put back before this exits.
let interrupted = false
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => (interrupted = true))

const plan = electronE2ePlan({
  electronBinary: electronBinary(),
  platform: process.platform,
  display: process.env.DISPLAY,
  hasXvfb: spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status === 0,
})

let status
try {
  status = runElectronE2e(plan, {
    // After Ctrl-C only the way back to Node still runs.
    exec: (step) =>
      interrupted && step !== plan.forNode
        ? 130
        : (spawnSync(step.command, step.args, {
            cwd: root,
            stdio: 'inherit',
            env: { ...process.env, ...step.env },
            shell: process.platform === 'win32',
          }).status ?? 1),
    // Only a build that loads in Node is worth saving: after an interrupted run the file in
    // place may be Electron's, and then `npm rebuild` is the way back.
    saveNodeBuild: () => nodeBuildLoads() && tryTo(() => copyFileSync(nativeBuild, saved)),
    restoreNodeBuild: () =>
      tryTo(() => {
        copyFileSync(saved, nativeBuild)
        rmSync(rebuildNote, { force: true })
      }),
    nodeBuildLoads,
    log: (line) => console.log(line),
  })
} finally {
  rmSync(dirname(saved), { recursive: true, force: true })
}
process.exit(interrupted ? 130 : status)

function tryTo(action) {
  try {
    action()
    return true
  } catch {
    return false
  }
}

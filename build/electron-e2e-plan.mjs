// The decisions of `npm run test:electron` (build/electron-e2e.mjs), kept free of side effects
// so src/main/electron-e2e.test.ts can check them without an Electron binary.
//
// better-sqlite3 is compiled for one ABI at a time. The spec needs Electron's; vitest, the web
// host and the server need Node's. So with a binary the run is:
//   1. build the app;
//   2. rebuild better-sqlite3 for Electron (`electron-builder install-app-deps`);
//   3. run the spec;
//   4. always, once step 2 has started, put Node's build back: the copy saved before step 2,
//      checked by loading it in Node, or else `npm rebuild better-sqlite3`.
// Without a binary nothing is rebuilt and the spec is reported as NOT RUN, never as passed.

const PLAYWRIGHT = ['playwright', 'test', '-c', 'playwright.electron.config.ts']

export const NOT_RUN_MESSAGE =
  'electron e2e: NOT RUN (0 run): no Electron binary in node_modules/electron. ' +
  'Install without ELECTRON_SKIP_BINARY_DOWNLOAD, then run `npm run test:electron`.'

/** What to run on this machine (types in electron-e2e-plan.d.mts). */
export function electronE2ePlan(facts) {
  if (facts.electronBinary === null) return { run: false, message: NOT_RUN_MESSAGE }
  // Linux without a display: run under a virtual one when xvfb-run is there.
  const headless = facts.platform === 'linux' && !facts.display
  const spec =
    headless && facts.hasXvfb
      ? { command: 'xvfb-run', args: ['-a', 'npx', ...PLAYWRIGHT] }
      : { command: 'npx', args: PLAYWRIGHT }
  return {
    run: true,
    build: { command: 'npx', args: ['electron-vite', 'build'] },
    forElectron: { command: 'npx', args: ['electron-builder', 'install-app-deps'] },
    spec: { ...spec, env: { PARACORD_ELECTRON_E2E: '1' } },
    forNode: { command: 'npm', args: ['rebuild', 'better-sqlite3'] },
  }
}

/**
 * Runs a plan through `effects` and returns the exit code. Steps 1–3 stop at the first
 * failure; step 4 runs whatever happened after step 2 began, and a Node build that cannot be
 * put back fails the run even when the spec passed.
 */
export function runElectronE2e(plan, effects) {
  if (!plan.run) {
    effects.log(plan.message)
    return 0
  }
  const built = effects.exec(plan.build)
  if (built !== 0) return built
  const saved = effects.saveNodeBuild()
  let status = 1
  try {
    status = effects.exec(plan.forElectron)
    if (status === 0) status = effects.exec(plan.spec)
  } finally {
    if (!backToNode(plan, effects, saved)) {
      effects.log(
        'electron e2e: better-sqlite3 is still built for Electron; the Node tests will fail ' +
          'until `npm rebuild better-sqlite3` succeeds.',
      )
      status = status === 0 ? 1 : status
    }
  }
  return status
}

function backToNode(plan, effects, saved) {
  if (saved && effects.restoreNodeBuild() && effects.nodeBuildLoads()) return true
  return effects.exec(plan.forNode) === 0 && effects.nodeBuildLoads()
}

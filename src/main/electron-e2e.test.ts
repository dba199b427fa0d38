// `npm run test:electron` (build/electron-e2e.mjs) cannot run here without an Electron binary;
// its decisions can: what runs on which machine, and that better-sqlite3 always goes back to
// Node's build once it was rebuilt for Electron.
import { describe, expect, it } from 'vitest'
import {
  electronE2ePlan,
  NOT_RUN_MESSAGE,
  runElectronE2e,
  type E2eEffects,
  type ElectronE2ePlan,
  type Step,
} from '../../build/electron-e2e-plan.mjs'

const facts = {
  electronBinary: '/node_modules/electron/dist/electron',
  platform: 'linux',
  display: ':0',
  hasXvfb: false,
}

const withBinary = (): Extract<ElectronE2ePlan, { run: true }> => {
  const plan = electronE2ePlan(facts)
  if (!plan.run) throw new Error('expected a plan that runs')
  return plan
}

/** Effects that record what ran; each step's exit code and each check's answer is set here. */
function fakeEffects(
  plan: Extract<ElectronE2ePlan, { run: true }>,
  outcome: {
    exit?: Partial<Record<'build' | 'forElectron' | 'spec' | 'forNode', number>>
    saved?: boolean
    restored?: boolean
    loads?: boolean[]
  } = {},
) {
  const done: string[] = []
  const loads = [...(outcome.loads ?? [true])]
  const nameOf = (step: Step) =>
    (['build', 'forElectron', 'spec', 'forNode'] as const).find((name) => plan[name] === step)!
  const effects: E2eEffects = {
    exec(step) {
      const name = nameOf(step)
      done.push(name)
      return outcome.exit?.[name] ?? 0
    },
    saveNodeBuild() {
      done.push('save')
      return outcome.saved ?? true
    },
    restoreNodeBuild() {
      done.push('restore')
      return outcome.restored ?? true
    },
    nodeBuildLoads() {
      done.push('loads?')
      return loads.length > 1 ? loads.shift()! : loads[0]!
    },
    log: (line) => done.push(`log: ${line}`),
  }
  return { effects, done }
}

describe('the test:electron plan', () => {
  it('without an Electron binary rebuilds nothing and reports NOT RUN', () => {
    const plan = electronE2ePlan({ ...facts, electronBinary: null })
    expect(plan).toEqual({ run: false, message: NOT_RUN_MESSAGE })
    const log: string[] = []
    const effects = { log: (line: string) => log.push(line) } as unknown as E2eEffects
    expect(runElectronE2e(plan, effects)).toBe(0)
    expect(log).toEqual([NOT_RUN_MESSAGE])
    expect(NOT_RUN_MESSAGE).toMatch(/NOT RUN \(0 run\)/)
  })

  it('rebuilds for Electron with electron-builder and back for Node with npm', () => {
    const plan = withBinary()
    expect(plan.build).toEqual({ command: 'npx', args: ['electron-vite', 'build'] })
    expect(plan.forElectron).toEqual({
      command: 'npx',
      args: ['electron-builder', 'install-app-deps'],
    })
    expect(plan.forNode).toEqual({ command: 'npm', args: ['rebuild', 'better-sqlite3'] })
    expect(plan.spec).toEqual({
      command: 'npx',
      args: ['playwright', 'test', '-c', 'playwright.electron.config.ts'],
      env: { PARACORD_ELECTRON_E2E: '1' },
    })
  })

  it('runs the spec under xvfb-run on Linux without a display, when it is installed', () => {
    const headless = electronE2ePlan({ ...facts, display: undefined, hasXvfb: true })
    expect(headless.run && headless.spec.command).toBe('xvfb-run')
    expect(headless.run && headless.spec.args.slice(0, 3)).toEqual(['-a', 'npx', 'playwright'])
    const noXvfb = electronE2ePlan({ ...facts, display: undefined })
    expect(noXvfb.run && noXvfb.spec.command).toBe('npx')
    const mac = electronE2ePlan({ ...facts, platform: 'darwin', display: undefined, hasXvfb: true })
    expect(mac.run && mac.spec.command).toBe('npx')
  })
})

describe('running test:electron', () => {
  it('saves Node’s build, rebuilds for Electron, runs the spec and puts Node’s build back', () => {
    const plan = withBinary()
    const { effects, done } = fakeEffects(plan)
    expect(runElectronE2e(plan, effects)).toBe(0)
    expect(done).toEqual(['build', 'save', 'forElectron', 'spec', 'restore', 'loads?'])
  })

  it('puts Node’s build back when the spec fails, and reports the failure', () => {
    const plan = withBinary()
    const { effects, done } = fakeEffects(plan, { exit: { spec: 3 } })
    expect(runElectronE2e(plan, effects)).toBe(3)
    expect(done.slice(-3)).toEqual(['spec', 'restore', 'loads?'])
  })

  it('puts Node’s build back when the rebuild for Electron fails, without running the spec', () => {
    const plan = withBinary()
    const { effects, done } = fakeEffects(plan, { exit: { forElectron: 2 } })
    expect(runElectronE2e(plan, effects)).toBe(2)
    expect(done).toEqual(['build', 'save', 'forElectron', 'restore', 'loads?'])
  })

  it('puts Node’s build back when a step throws', () => {
    const plan = withBinary()
    const { effects, done } = fakeEffects(plan)
    effects.exec = (step) => {
      done.push(step === plan.spec ? 'spec' : 'other')
      if (step === plan.spec) throw new Error('spawn failed')
      return 0
    }
    expect(() => runElectronE2e(plan, effects)).toThrow(/spawn failed/)
    expect(done.slice(-3)).toEqual(['spec', 'restore', 'loads?'])
  })

  it('touches nothing native when the app does not build', () => {
    const plan = withBinary()
    const { effects, done } = fakeEffects(plan, { exit: { build: 1 } })
    expect(runElectronE2e(plan, effects)).toBe(1)
    expect(done).toEqual(['build'])
  })

  it('falls back to npm rebuild when there was no copy to restore or it does not load', () => {
    const plan = withBinary()
    const noCopy = fakeEffects(plan, { saved: false })
    expect(runElectronE2e(plan, noCopy.effects)).toBe(0)
    expect(noCopy.done.slice(-2)).toEqual(['forNode', 'loads?'])
    expect(noCopy.done).not.toContain('restore')

    const badCopy = fakeEffects(plan, { loads: [false, true] })
    expect(runElectronE2e(plan, badCopy.effects)).toBe(0)
    expect(badCopy.done.slice(-4)).toEqual(['restore', 'loads?', 'forNode', 'loads?'])
  })

  it('fails a passing run, loudly, when Node’s build cannot be put back', () => {
    const plan = withBinary()
    const { effects, done } = fakeEffects(plan, { restored: false, exit: { forNode: 1 } })
    expect(runElectronE2e(plan, effects)).toBe(1)
    expect(done.at(-1)).toMatch(/^log: .*still built for Electron/)
  })
})

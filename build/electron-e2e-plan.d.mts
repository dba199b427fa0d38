export interface Step {
  readonly command: string
  readonly args: readonly string[]
  readonly env?: Readonly<Record<string, string>>
}

export type ElectronE2ePlan =
  | { readonly run: false; readonly message: string }
  | {
      readonly run: true
      readonly build: Step
      readonly forElectron: Step
      readonly spec: Step
      readonly forNode: Step
    }

export interface MachineFacts {
  readonly electronBinary: string | null
  readonly platform: string
  readonly display: string | undefined
  readonly hasXvfb: boolean
}

export interface E2eEffects {
  /** Runs a step and returns its exit code. */
  exec(step: Step): number
  /** Copies Node's build of better-sqlite3 aside; false when there is none to copy. */
  saveNodeBuild(): boolean
  /** Puts the saved copy back; false when that failed. */
  restoreNodeBuild(): boolean
  /** Whether better-sqlite3 opens a database in Node, as built now. */
  nodeBuildLoads(): boolean
  log(line: string): void
}

export const NOT_RUN_MESSAGE: string
export function electronE2ePlan(facts: MachineFacts): ElectronE2ePlan
export function runElectronE2e(plan: ElectronE2ePlan, effects: E2eEffects): number

export interface DistStep {
  readonly command: string
  readonly args: readonly string[]
  readonly env: Readonly<Record<string, string>>
}

export type DistPlan =
  | {
      readonly ok: true
      readonly release: boolean
      readonly platform: 'linux' | 'win32' | 'darwin'
      readonly steps: readonly DistStep[]
    }
  | {
      readonly ok: false
      readonly release?: boolean
      readonly platform?: string
      readonly problems: readonly string[]
    }

export const RELEASE_ENV: 'PARACORD_RELEASE'
export const UPDATE_URL_ENV: 'PARACORD_UPDATE_URL'

export function releaseFeedUrl(text: string): string | null
export function releaseProblems(
  platform: string,
  env: Readonly<Record<string, string | undefined>>,
): string[]
export function distPlan(facts: {
  readonly argv: readonly string[]
  readonly env: Readonly<Record<string, string | undefined>>
  readonly hostPlatform: string
}): DistPlan

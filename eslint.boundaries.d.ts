import type { Linter } from 'eslint'

export const TEST_FILES: string[]
export const boundaryRules: Linter.Config[]

// The boundary rules fire: each line below crosses (or keeps to) a boundary of eslint.boundaries.js.
import { ESLint } from 'eslint'
import tseslint from 'typescript-eslint'
import { describe, expect, it } from 'vitest'
import { boundaryRules } from './eslint.boundaries.js'

const eslint = new ESLint({
  cwd: import.meta.dirname,
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.{ts,tsx}'], languageOptions: { parser: tseslint.parser } },
    ...boundaryRules,
  ],
})

async function violations(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: file })
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message)
}

const crossings: [file: string, source: string][] = [
  ['src/core/servers/x.ts', "import { startServer } from '../../server'"],
  ['src/core/x.ts', "import { shellOptions } from '../main/policy/shell-options'"],
  ['src/core/x.ts', "import { parseArgs } from '../cli/parse'"],
  ['src/core/x.ts', "import { app } from 'electron'"],
  ['src/core/x.test.ts', "import { startWebHost } from '../web-host/web-host'"],
  ['src/shared/x.ts', "import { ParacordCore } from '../core/paracord-core'"],
  ['src/shared/x.ts', "import { startServer } from '../server/index'"],
  ['src/server/routes/x.ts', "import type { Session } from '../../core/session'"],
  ['src/renderer/src/x.tsx', "import { seal } from '../../core/crypto'"],
  ['src/renderer/src/x.tsx', "import sodium from 'libsodium-wrappers-sumo'"],
  ['src/renderer/src/x.tsx', "import { readFile } from 'node:fs/promises'"],
  ['src/renderer/src/x.tsx', "import { ipcRenderer } from 'electron'"],
  ['src/main/x.ts', "import { startWebHost } from '../web-host/web-host'"],
  ['src/main/x.ts', "import { startServer } from '../server'"],
  ['src/cli/x.ts', "import { startServer } from '../server'"],
  ['src/web-host/x.ts', "import type { RunningServer } from '../server'"],
  ['src/web-host/x.ts', "import { BrowserWindow } from 'electron'"],
  ['src/core/x.ts', "const server = await import('../server')"],
  ['src/core/servers/x.ts', "const { startServer } = require('../../server/index')"],
  ['src/cli/x.ts', "const web = await import('../web-host/web-host')"],
  ['src/core/x.ts', "import { startTestWorld } from './sync/test-world'"],
  ['src/main/x.ts', "import { TEST_KDF } from '../core/crypto/test-kdf'"],
  ['src/core/x.mts', "import { startServer } from '../server'"],
]

const allowed: [file: string, source: string][] = [
  ['src/core/servers/x.ts', "import { keyring } from './keyring'"],
  ['src/core/servers/x.ts', "import { ParacordError } from '../../shared/api'"],
  ['src/core/x.test.ts', "import { startServer } from '../server'"],
  ['src/core/sync/test-world.ts', "import { startServer } from '../../server'"],
  ['src/main/x.ts', "import { app } from 'electron'"],
  ['src/main/x.ts', "import { ParacordCore } from '../core/paracord-core'"],
  ['src/cli/x.ts', "import { ParacordCore } from '../core/paracord-core'"],
  ['src/renderer/src/x.tsx', "import type { ParacordApi } from '../../shared/api'"],
  ['src/server/routes/x.ts', "import { LIMITS } from '../../shared/protocol'"],
  ['src/core/x.ts', "const { openCache } = await import('./cache')"],
  ['src/core/x.test.ts', "const { startServer } = await import('../server')"],
  ['src/core/servers/x.ts', "const sodium = require('libsodium-wrappers-sumo')"],
  ['src/shared/x.ts', "import type { OptionsType } from '@zxcvbn-ts/core'"],
]

describe('import boundaries', () => {
  it.each(crossings)('%s: %s is refused', async (file, source) => {
    const rules = await violations(file, source)
    expect(rules.some((rule) => /^no-restricted-(imports|syntax)$/.test(rule))).toBe(true)
  })

  it.each(allowed)('%s: %s is allowed', async (file, source) => {
    expect(await violations(file, source)).toEqual([])
  })
})

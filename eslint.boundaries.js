// Which folder of src/ may import which: the architecture as lint rules, so a change that
// crosses a boundary fails `npm run lint` (eslint.boundaries.test.ts proves each rule fires).
//
//   shared    the wire and API contract and pure helpers: imports no side
//   core      the client core, a library: shared only
//   main      the Electron main process: core and shared (and electron)
//   preload   the contextBridge: see eslint.config.js (electron and three shared modules)
//   renderer  the window: shared and its own files; no Node, no keys, no electron
//   cli, web-host   the other hosts of the core: core and shared
//   server    the blind store backend: shared only
//
// Tests and test helpers of the client side may import src/server: they start a real backend
// on a free port (the integration tests), which is the point of them.

const SIDES = ['shared', 'core', 'main', 'preload', 'renderer', 'cli', 'web-host', 'server']

export const TEST_FILES = [
  '**/*.test.{ts,tsx}',
  '**/test-*.ts',
  '**/*-fixtures.ts',
  '**/test-kit.ts',
  '**/testing/**',
]

const sideImport = (side) => [`**/${side}`, `**/${side}/**`]

function forbidSides(from, sides) {
  return {
    // A scoped npm package whose name ends like a side (`@zxcvbn-ts/core`) is not that folder.
    group: [...sides.flatMap(sideImport), '!@*/**'],
    message: `src/${from} may not import this folder (see eslint.boundaries.js).`,
  }
}

const ELECTRON = {
  group: ['electron', 'electron/*'],
  message: 'Only src/main and src/preload may import electron.',
}

const NODE_AND_KEYS = [
  {
    group: [
      'node:*',
      'fs',
      'path',
      'crypto',
      'child_process',
      'os',
      'net',
      'http',
      'worker_threads',
    ],
    message: 'The renderer has no Node.',
  },
  {
    group: ['libsodium*', 'better-sqlite3', 'ws', 'fastify', '@fastify/*', 'pg'],
    message: 'Keys, storage and networking stay in the client core.',
  },
]

/** The sides each folder may not import, for its code and for its tests. */
const RULES = {
  shared: { code: SIDES.filter((s) => s !== 'shared') },
  core: {
    code: ['main', 'preload', 'renderer', 'cli', 'web-host', 'server'],
    tests: ['main', 'preload', 'renderer', 'cli', 'web-host'],
  },
  main: { code: ['preload', 'renderer', 'cli', 'web-host', 'server'] },
  cli: {
    code: ['main', 'preload', 'renderer', 'web-host', 'server'],
    tests: ['main', 'preload', 'renderer', 'web-host'],
  },
  'web-host': {
    code: ['main', 'preload', 'renderer', 'cli', 'server'],
    // The bridge's tests drive the renderer's own bridge client against the real host.
    tests: ['main', 'preload', 'cli'],
  },
  server: { code: ['core', 'main', 'preload', 'renderer', 'cli', 'web-host'] },
  renderer: { code: ['core', 'main', 'preload', 'cli', 'web-host', 'server'] },
}

const ELECTRON_ALLOWED = new Set(['main'])

/** Test helpers may reach src/server, so code that ships may not reach test helpers. */
const TEST_HELPERS = {
  group: ['**/test-*', '**/*-fixtures', '**/test-kit', '**/testing/**', '**/*.test'],
  message: 'Code that ships may not import test helpers.',
}
const CLIENT_SIDES = new Set(['core', 'main', 'cli', 'web-host', 'renderer'])

/** `import('../server')` and `require('../server')` cross a boundary as surely as `import`. */
function forbidDynamic(side, sides) {
  const folders = sides.join('|').replace(/-/g, '\\-')
  const target = `/^\\.{1,2}\\/(.*\\/)?(${folders})(\\/|$)/`
  const message = `src/${side} may not import this folder (see eslint.boundaries.js).`
  return [
    { selector: `ImportExpression[source.value=${target}]`, message },
    {
      selector: `CallExpression[callee.name='require'][arguments.0.value=${target}]`,
      message,
    },
  ]
}

function block(side, files, ignores, sides, isTest) {
  const patterns = [forbidSides(side, sides)]
  if (!ELECTRON_ALLOWED.has(side)) patterns.push(ELECTRON)
  if (side === 'renderer') patterns.push(...NODE_AND_KEYS)
  if (!isTest && CLIENT_SIDES.has(side)) patterns.push(TEST_HELPERS)
  return {
    files,
    ignores,
    rules: {
      'no-restricted-imports': ['error', { patterns }],
      'no-restricted-syntax': ['error', ...forbidDynamic(side, sides)],
    },
  }
}

export const boundaryRules = Object.entries(RULES).flatMap(([side, { code, tests }]) => {
  const all = [`src/${side}/**/*.{ts,tsx,mts,cts,js,mjs,cjs}`]
  const testFiles = TEST_FILES.map((glob) => `src/${side}/${glob}`)
  return [block(side, all, testFiles, code, false), block(side, testFiles, [], tests ?? code, true)]
})

import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Component tests (*.test.tsx) choose a DOM with a `// @vitest-environment happy-dom` docblock.
    include: ['src/**/*.test.{ts,tsx}', 'bench/**/*.test.ts', '*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    globalSetup: ['build/vitest-global-setup.ts'],
  },
})

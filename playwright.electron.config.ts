// The desktop app's end-to-end spec, against the real Electron binary. Run through
// `npm run test:electron`, which builds first and reports "not run" where no binary exists.
import { defineConfig } from '@playwright/test'

export default defineConfig({
  testDir: './e2e',
  testMatch: 'electron.spec.ts',
  outputDir: './e2e/artifacts/electron',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  use: { screenshot: 'only-on-failure', trace: 'retain-on-failure' },
})

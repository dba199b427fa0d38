// The screenshot tour (`npm run screens`): every screen of the app at two window sizes in both
// themes, saved to e2e/artifacts/tour/ for a person to look through. Same browser and launch
// options as the end-to-end tests; kept out of their run, which matches only *.spec.ts.
import { defineConfig } from '@playwright/test'
import e2e from './playwright.config'

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.tour.ts',
  outputDir: './e2e/artifacts/tour-run',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // One long walk per theme: several accounts (Argon2id), a relayed call and an outage.
  timeout: 15 * 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: e2e.use,
})

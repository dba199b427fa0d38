// End-to-end tests: real paracord-servers and web hosts, the built renderer in Debian's
// Chromium (the Playwright browser download is not available on build machines).
import { defineConfig } from '@playwright/test'

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  // The Electron spec has its own config (playwright.electron.config.ts) and runs only where a binary exists.
  testIgnore: '**/electron.spec.ts',
  outputDir: './e2e/artifacts',
  // Two cores: one browser at a time keeps Argon2id and the hosts from starving each other.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.PARACORD_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
})

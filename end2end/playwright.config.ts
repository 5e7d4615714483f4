import { defineConfig } from '@playwright/test';

// Browsers cannot be downloaded on these machines: Debian's Chromium is used.
const chromium = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
};
const port = Number(process.env.E2E_PORT || 3199);
const phone = { width: 360, height: 740 };

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: chromium,
    trace: 'retain-on-failure',
  },
  webServer: {
    command: '../scripts/e2e-server.sh',
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: { E2E_PORT: String(port) },
  },
  projects: [
    {
      name: 'phone',
      testMatch: /.*\.js\.spec\.ts/,
      use: { viewport: phone, isMobile: true, hasTouch: true, locale: 'fr-FR' },
    },
    {
      name: 'phone-no-js',
      testMatch: /.*\.nojs\.spec\.ts/,
      use: { viewport: phone, isMobile: true, hasTouch: true, javaScriptEnabled: false, locale: 'fr-FR' },
    },
    {
      name: 'desktop',
      testMatch: /.*\.desktop\.spec\.ts/,
      use: { viewport: { width: 1280, height: 900 }, locale: 'en-GB' },
    },
  ],
});

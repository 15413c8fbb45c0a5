import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './test/e2e/chromium.ts';

/**
 * Browser tests drive Debian's Chromium (never a downloaded browser) against the built app,
 * started by test/e2e/global-setup.ts on a scratch SQLite database and stopped by PID afterwards.
 */
export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.e2e.ts',
  // The longest flows (several people, several pages) took 46-53 s on 2 cores when the machine ran
  // about twice as slow as usual, and one passed 60 s: room for that, while each action still fails
  // in 20 s with what it waited for.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  // Two files at a time (each test signs up its own people): 62 tests in 5.0 min on 2 cores, where
  // one worker took 5.9-7.4 min in CI. The tests of one file stay in order in one worker, except
  // pages.e2e.ts's, which only read and are spread over both (its own `mode: 'parallel'`).
  fullyParallel: false,
  workers: 2,
  retries: 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  outputDir: 'test-results',
  globalSetup: './test/e2e/global-setup.ts',
  use: {
    baseURL: process.env.E2E_BASE_URL ?? `http://127.0.0.1:${process.env.E2E_PORT ?? 3917}`,
    // An action that cannot happen fails in 20 s with what it waited for, not at the test's timeout.
    actionTimeout: 20_000,
    screenshot: 'on',
    // No trace by default: recording one costs Chromium about 30% more CPU on every test, kept or
    // not (the flow tests: 99-104 s of Chromium CPU with `retain-on-failure`, 68-74 s without, 2026-12-07),
    // and CI keeps no artifacts. To see a failure step by step: `npx playwright test <file> --trace on`.
    trace: 'off',
    launchOptions: chromiumLaunchOptions,
  },
});

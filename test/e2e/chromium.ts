import type { LaunchOptions } from '@playwright/test';

/**
 * How Playwright starts Chromium here: Debian's (never a downloaded browser), headless, with
 * nothing of its own running in the background. The browser tests (playwright.config.ts) and
 * bench/first-load.ts both start it this way.
 */
export const chromiumLaunchOptions: LaunchOptions = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

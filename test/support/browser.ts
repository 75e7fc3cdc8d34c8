import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (installed by `.ci/run`; locally: apt-get install -y chromium). */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const MISSING = 'chromium is not installed: apt-get install chromium';

/**
 * Whether browser tests can run. Without chromium they fail under CI=true (CI installs it) and
 * are skipped elsewhere, saying so.
 *
 * @example
 * const describeBrowser = chromiumAvailable() ? describe : describe.skip;
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI === 'true') throw new Error(MISSING);
  process.stdout.write(`${MISSING} (browser tests skipped)\n`);
  return false;
}

/** Headless chromium, no network besides what the page asks for (loopback in tests). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Records every dialog a page opens (alert/confirm/prompt), dismissing it, and every page error. */
export function watchPage(page: Page): { dialogs: string[]; errors: string[] } {
  const seen = { dialogs: [] as string[], errors: [] as string[] };
  page.on('dialog', (d) => {
    seen.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (err) => seen.errors.push(String(err)));
  return seen;
}

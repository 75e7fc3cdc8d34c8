import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { requireSystemPackage } from './system-deps.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Where Chromium is: `CHROMIUM_PATH` if set, else the first of Debian's, Ubuntu's and Google's
 * binaries found on the PATH (installed by `.ci/run`; locally: apt-get install chromium).
 */
export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
    if (found) return found;
  }
  return undefined;
}

let resolved: string | undefined | null = null;
function chromiumPath(): string | undefined {
  if (resolved === null) resolved = findChromium();
  return resolved;
}

/**
 * Whether browser tests can run. Without chromium they fail under CI=true (CI installs it) and
 * are skipped elsewhere, saying so in Jest's summary.
 *
 * @example
 * const describeBrowser = chromiumAvailable() ? describe : describe.skip;
 */
export function chromiumAvailable(): boolean {
  return requireSystemPackage('chromium', chromiumPath() !== undefined, 'apt-get install chromium (or set CHROMIUM_PATH)');
}

/** Headless chromium, no network besides what the page asks for (loopback in tests). */
export function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('chromium is not installed: apt-get install chromium (or set CHROMIUM_PATH)');
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
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

import { execFileSync } from 'node:child_process';
import { describe, it } from '@jest/globals';

/**
 * What to do when a system package a suite needs is missing. Under `CI=true` (where `.ci/run`
 * installs every package) that is a failure; elsewhere the suite is skipped, and the skip shows in
 * Jest's summary under a title that says what to install.
 *
 * @example
 * const ok = requireSystemPackage('pocketsphinx', installed, 'apt-get install pocketsphinx pocketsphinx-en-us opus-tools');
 * (ok ? describe : describe.skip)('offline transcriber', ...);
 */
export function requireSystemPackage(what: string, available: boolean, install: string): boolean {
  if (available) return true;
  const message = `${what} is not installed: ${install}`;
  if (process.env.CI === 'true') throw new Error(`${message} (CI=true: a missing system package fails the run)`);
  console.warn(`${message} (tests that need it are skipped)`);
  describe.skip(`[skipped: ${message}]`, () => {
    it(`needs ${what}`, () => undefined);
  });
  return false;
}

/**
 * Whether every named command is on the PATH (e.g. `espeak-ng`, `opusenc`).
 *
 * @example
 * const ok = requireSystemPackage('espeak-ng and opus-tools', commandsOnPath('espeak-ng', 'opusenc'), 'apt-get install -y espeak-ng opus-tools');
 */
export function commandsOnPath(...names: string[]): boolean {
  return names.every((name) => {
    try {
      execFileSync('sh', ['-c', 'command -v "$1"', 'sh', name], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
}

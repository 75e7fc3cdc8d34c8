import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** `execFile` as a promise (no shell): the speech tools are run with their arguments as given. */
export const run = promisify(execFile);

/**
 * Whether `binary` is on the PATH (the local speech engines are optional system packages).
 *
 * @example
 * if (await onPath('opusenc')) ...
 */
export async function onPath(binary: string): Promise<boolean> {
  try {
    await run('sh', ['-c', 'command -v "$1"', 'sh', binary]);
    return true;
  } catch {
    return false;
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * How long a child Parley may take to become ready. Generous on purpose: on a loaded 2-core
 * machine a TypeScript start takes many times its idle ~2 s. Tests wait on the readiness marker,
 * so a fast machine never waits this long.
 */
export const READY_TIMEOUT_MS = 120_000;
/** Per-test timeout for tests that spawn Parley processes (Jest's default 30 s is too tight under load). */
export const CHILD_TEST_TIMEOUT_MS = 240_000;

/** `node --import <tsx>` from any working directory: runs the TypeScript sources, as Jest does. */
export const TSX_ARGS = ['--import', pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href];

/** A free TCP port on loopback. */
export { freePort } from './ports.js';

export interface ChildParley {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Run `parley start` (what `npm start` runs, from the TypeScript sources) as a real child process.
 * `opts.cwd` is the working directory (default: the repository), `opts.args` replaces `start`,
 * `opts.entry` replaces `bin/parley.ts` (a test entry such as `crash-child.ts`).
 */
export function spawnParley(env: Record<string, string>, opts: { cwd?: string; args?: string[]; entry?: string } = {}): ChildParley {
  let out = '';
  const proc = spawn(process.execPath, [...TSX_ARGS, opts.entry ?? join(ROOT, 'bin', 'parley.ts'), ...(opts.args ?? ['start'])], {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return { proc, output: () => out, exited };
}

/**
 * Wait until the child is ready: it logged `Parley is running` (printed once the server listens
 * and the engine has started) and, when `url` is given, `GET url/ready` answers 200. Fails at
 * once if the child exits, or after `timeoutMs` (default {@link READY_TIMEOUT_MS}).
 */
export async function waitForReady(child: ChildParley, timeoutMs = READY_TIMEOUT_MS, url?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const exitedEarly = () => child.proc.exitCode !== null || child.proc.signalCode !== null;
  while (!child.output().includes('Parley is running')) {
    if (exitedEarly()) throw new Error(`parley exited early:\n${child.output()}`);
    if (Date.now() > deadline) throw new Error(`parley did not start within ${timeoutMs} ms:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  while (url && !(await answers(`${url}/ready`))) {
    if (exitedEarly()) throw new Error(`parley exited before /ready answered:\n${child.output()}`);
    if (Date.now() > deadline) throw new Error(`${url}/ready did not answer 200 within ${timeoutMs} ms:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).status === 200;
  } catch {
    return false;
  }
}

/**
 * Run a Parley CLI command (`npm run parley -- <args>`, from the TypeScript sources) to completion.
 *
 * @example
 * const { code, stderr } = await runParleyCli(['operators', 'list'], { cwd: emptyDir });
 */
export async function runParleyCli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnParley(opts.env ?? {}, { args, ...(opts.cwd ? { cwd: opts.cwd } : {}) });
  let stdout = '';
  let stderr = '';
  child.proc.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const { code } = await child.exited;
  return { code, stdout, stderr };
}

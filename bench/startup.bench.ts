/**
 * Start-up time: from spawning Parley to its first `GET /health` 200, and a CLI command to its
 * exit. Each figure is the median (and max) of BENCH_STARTUP_RUNS runs (default 3), printed next
 * to the baseline measured in the same run: the TypeScript sources run through tsx (what
 * `npm start` did before the build step).
 *
 * - cold: nothing built and no data folder (the first admin is created): `scripts/build.mjs`
 *   into an empty folder, then start. For tsx: its transform cache disabled.
 * - first start: built (as `npm install` leaves it), new data folder.
 * - warm: a restart: the build (or tsx cache) and the data folder exist.
 *
 * Loopback only; every child is stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { percentile, type BenchResult } from './support.js';
import { freePort } from '../test/support/ports.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 3);
const DEADLINE_MS = 180_000;
const TSX = ['--import', pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href];

interface Command {
  args: string[];
  env?: Record<string, string>;
}

function childEnv(dataDir: string, port?: number): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PARLEY_DATA_DIR: dataDir, HOST: '127.0.0.1', LOG_LEVEL: 'warn', LOG_FORMAT: 'json', ...(port ? { PORT: String(port) } : {}) };
}


async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`)).status === 200;
  } catch {
    return false;
  }
}

function launchChild(cmd: Command, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, cmd.args, { cwd: ROOT, env: { ...env, ...cmd.env }, stdio: 'ignore' });
}

function exited(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (proc.exitCode !== null ? resolve(proc.exitCode) : proc.once('exit', (code) => resolve(code))));
}

/** Milliseconds from spawning `before` (if any) then `server` until /health answers 200. */
async function timeToHealth(server: Command, dataDir: string, before?: Command): Promise<number> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  if (before && (await exited(launchChild(before, childEnv(dataDir, port)))) !== 0) throw new Error(`${before.args.join(' ')} failed`);
  const proc = launchChild(server, childEnv(dataDir, port));
  try {
    while (!(await healthy(url))) {
      if (proc.exitCode !== null) throw new Error(`${server.args.join(' ')} exited with ${proc.exitCode}`);
      if (performance.now() - started > DEADLINE_MS) throw new Error(`${server.args.join(' ')}: no /health within ${DEADLINE_MS} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return performance.now() - started;
  } finally {
    proc.kill('SIGTERM');
    await exited(proc);
  }
}

async function timeToExit(cmd: Command, dataDir: string): Promise<number> {
  const started = performance.now();
  const code = await exited(launchChild(cmd, childEnv(dataDir)));
  if (code !== 0) throw new Error(`${cmd.args.join(' ')} exited with ${code}`);
  return performance.now() - started;
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `${(percentile(sorted, 0.5) / 1000).toFixed(2)} s (max ${((sorted.at(-1) ?? 0) / 1000).toFixed(2)})`;
}

export async function run(): Promise<BenchResult[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'parley-bench-startup-'));
  const tmp = (name: string) => mkdtempSync(join(scratch, `${name}-`));
  const tsx = (...args: string[]): Command => ({ args: [...TSX, join(ROOT, 'bin', 'parley.ts'), ...args] });
  // Builds go inside the repository (node_modules must resolve); dist.*/ is git-ignored. The
  // bench uses its own build, not dist/: other work on the sources would make npm start rebuild.
  const builds: string[] = [];
  const newBuild = () => {
    builds.push(join(ROOT, `dist.bench-${process.pid}-${builds.length}`));
    return builds.at(-1) as string;
  };
  const buildInto = (out: string): Command => ({ args: [join(ROOT, 'scripts', 'build.mjs'), '--outdir', out] });
  const built = (out: string, ...args: string[]): Command => ({ args: [join(out, 'bin', 'parley.js'), ...args] });
  const samples: Record<string, number[]> = { buildCold: [], buildWarm: [], buildFirst: [], tsxCold: [], tsxWarm: [], tsxFirst: [], cliBuild: [], cliTsx: [], check: [] };
  try {
    const warmBuild = newBuild();
    await timeToExit(buildInto(warmBuild), scratch);
    // A data folder with its first admin, for the warm runs; the tsx cache filled.
    const warmData = tmp('warm');
    await timeToHealth(built(warmBuild, 'start'), warmData);
    await timeToHealth(tsx('start'), warmData);
    for (let i = 0; i < RUNS; i++) {
      const out = newBuild();
      samples.buildCold!.push(await timeToHealth(built(out, 'start'), tmp('cold'), buildInto(out)));
      samples.tsxCold!.push(await timeToHealth({ ...tsx('start'), env: { TSX_DISABLE_CACHE: '1' } }, tmp('cold')));
      samples.buildWarm!.push(await timeToHealth(built(warmBuild, 'start'), warmData));
      samples.tsxWarm!.push(await timeToHealth(tsx('start'), warmData));
      samples.cliBuild!.push(await timeToExit(built(warmBuild, 'operators', 'list'), warmData));
      samples.cliTsx!.push(await timeToExit(tsx('operators', 'list'), warmData));
      samples.buildFirst!.push(await timeToHealth(built(warmBuild, 'start'), tmp('first')));
      samples.tsxFirst!.push(await timeToHealth(tsx('start'), tmp('first')));
      // What npm start adds to every start: hashing the inputs to see whether dist/ is fresh (a
      // rebuild, when they changed, is the cold case).
      samples.check!.push(await timeToExit({ args: ['--input-type=module', '-e', `(await import(${JSON.stringify(pathToFileURL(join(ROOT, 'scripts', 'build.mjs')).href)})).isFresh(${JSON.stringify(warmBuild)})`] }, scratch));
    }
  } finally {
    for (const dir of [scratch, ...builds]) rmSync(dir, { recursive: true, force: true });
  }
  const { loadavg } = await import('node:os');
  const load = loadavg()[0]?.toFixed(1) ?? '?';
  return [
    { name: 'startup: cold to /health', metrics: { build: summary(samples.buildCold!), tsx: summary(samples.tsxCold!), load }, goal: 'nothing built yet: build + first start' },
    { name: 'startup: first start', metrics: { build: summary(samples.buildFirst!), tsx: summary(samples.tsxFirst!), load }, goal: 'built by npm install, new data folder: < 3 s' },
    { name: 'startup: warm to /health', metrics: { build: summary(samples.buildWarm!), tsx: summary(samples.tsxWarm!), load }, goal: '< 3 s' },
    { name: 'startup: CLI operators list', metrics: { build: summary(samples.cliBuild!), tsx: summary(samples.cliTsx!), load }, goal: '< 3 s' },
    { name: 'startup: build check', metrics: { 'node + is dist/ fresh': summary(samples.check!), load } },
  ];
}

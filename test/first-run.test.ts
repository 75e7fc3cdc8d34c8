/**
 * What a first-time user meets: the start-up log of `npm start`, the operators CLI run from a
 * folder that is not Parley's, and the compiled build that `npm start` runs from (dist/).
 * Every Parley here is a real child process.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startParley } from './support/harness.js';
import { FakeTelegramBotApi } from './fakes/telegram-bot-api.js';
import { CHILD_TEST_TIMEOUT_MS, freePort, READY_TIMEOUT_MS, ROOT, runParleyCli, spawnParley, waitForReady, type ChildParley } from './support/child.js';
import type { Logger } from '../core/ports/index.js';

const dirs: string[] = [];
const children: ChildParley[] = [];
afterAll(() => {
  children.forEach((c) => c.proc.kill('SIGKILL'));
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

interface LogLine {
  msg: string;
  [field: string]: unknown;
}
const logLines = (output: string): LogLine[] =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);

/** Start a child Parley the way a user does (cwd = its own folder, no keys) and wait for /ready. */
async function startChild(command: (env: Record<string, string>, cwd: string) => ChildParley): Promise<{ child: ChildParley; url: string; lines: () => LogLine[] }> {
  const dataDir = tempDir('parley-first-run-');
  const port = await freePort();
  const child = command({ PORT: String(port), HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'info', LOG_FORMAT: 'json' }, dataDir);
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitForReady(child, READY_TIMEOUT_MS, url);
  return { child, url, lines: () => logLines(child.output()) };
}

/** `npm start` from the TypeScript sources (as every child-process test runs it). */
let fromSources: Awaited<ReturnType<typeof startChild>>;
beforeAll(async () => {
  fromSources = await startChild((env, cwd) => spawnParley(env, { cwd }));
}, CHILD_TEST_TIMEOUT_MS);

describe('the start-up log', () => {
  it('says per feature what is on, what is off and why, with no Telegram token and no WhatsApp provider', () => {
    const messages = fromSources.lines().map((l) => l.msg);
    expect(messages).toContain('telegram: off (TELEGRAM_BOT_TOKEN is not set)');
    expect(messages).toContain('voice: on, not transcribed (set OPENAI_API_KEY or VOICE_TRANSCRIBER=pocketsphinx): candidates are asked to type');
    expect(messages).toContain('opt-out: on (STOP and START on every channel)');
    expect(messages).toContainEqual(expect.stringMatching(/^whatsapp: off \(no provider is configured: set WHATSAPP_ACCESS_TOKEN .* see docs\/whatsapp\.md\)$/));
    expect(messages).toContainEqual(expect.stringMatching(/^interview: on \(\d+ roles, \d+ questions, rubric evaluator; set OPENAI_API_KEY for the LLM evaluator\)$/));
    expect(messages).toContainEqual(expect.stringMatching(/^console: on at http:\/\/127\.0\.0\.1:\d+\/console$/));
    expect(messages.filter((m) => /plugin enabled/.test(m))).toEqual([]);
  });

  it('prints the first admin\'s password with a command that exists', () => {
    const admin = fromSources.lines().find((l) => typeof l.generatedPassword === 'string');
    expect(admin?.msg).toContain('change it with "npm run parley -- operators password <email>"');
    expect(admin?.msg).not.toMatch(/"parley operators/);
    expect(admin?.generatedPassword).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{19}$/);
  });

  it('says Telegram is on, and how, when a token is set', async () => {
    const fake = await FakeTelegramBotApi.start();
    const messages: string[] = [];
    const capture: Logger = {
      trace: () => {},
      debug: () => {},
      info: (obj, msg) => void messages.push(typeof obj === 'string' ? obj : (msg ?? '')),
      warn: () => {},
      error: () => {},
      fatal: () => {},
      child: () => capture,
    };
    try {
      const app = await startParley({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TELEGRAM_HR_USERS: '42:admin', TELEGRAM_POLL_TIMEOUT_SEC: '1' }, { log: capture });
      await app.stop();
      expect(messages).toContain('telegram: on (polling, 1 HR user)');
    } finally {
      await fake.stop();
    }
  });
});

describe('the operators CLI', () => {
  it('refuses `operators list` in a folder with no database, names the path, and creates nothing', async () => {
    const cwd = tempDir('parley-cli-cwd-');
    const { code, stdout, stderr } = await runParleyCli(['operators', 'list'], { cwd });
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toContain(`No Parley database at ${join(cwd, 'data', 'parley.db')} (PARLEY_DATA_DIR is not set, so ./data in the working directory was used).`);
    expect(readdirSync(cwd)).toEqual([]);
  }, CHILD_TEST_TIMEOUT_MS);

  it('names the database it opens, and the one `add` creates', async () => {
    const dataDir = join(tempDir('parley-cli-data-'), 'data');
    const db = join(dataDir, 'parley.db');
    const env = { PARLEY_DATA_DIR: dataDir };
    const added = await runParleyCli(['operators', 'add', 'vic@acme.test', '--name', 'Vic', '--role', 'viewer'], { env });
    expect(added).toMatchObject({ code: 0, stderr: `Creating a new database: ${db}\n` });
    expect(added.stdout).toMatch(/^Added viewer Vic <vic@acme\.test>\. Password: [A-Za-z0-9][A-Za-z0-9_-]{19} \(shown only this once\)\n$/);
    expect(await runParleyCli(['operators', 'list'], { env })).toEqual({ code: 0, stdout: 'vic@acme.test\tVic\tviewer\tactive\n', stderr: `Database: ${db}\n` });
  }, CHILD_TEST_TIMEOUT_MS);
});

/** `node scripts/build.mjs <args>` to completion. */
function build(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    let output = '';
    const proc = spawn(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
    proc.once('error', reject);
    proc.once('exit', (code) => resolve({ code, output }));
  });
}

describe('the build npm start runs from', () => {
  it('serves the same web chat, console and question banks as the sources (assets resolve from dist/)', async () => {
    // Exactly what `npm start` runs: build dist/ if missing or stale, then start from it.
    const fromBuild = await startChild((env, cwd) => {
      const proc = spawn(process.execPath, [join(ROOT, 'scripts', 'launch.mjs'), 'start'], { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
      proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
      return { proc, output: () => out, exited: new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal }))) };
    });
    expect(existsSync(join(ROOT, 'dist', 'bin', 'parley.js'))).toBe(true);
    const interviewLine = (lines: LogLine[]) => lines.find((l) => l.msg.startsWith('interview: on'))?.msg;
    expect(interviewLine(fromBuild.lines())).toBe(interviewLine(fromSources.lines()));
    expect(interviewLine(fromBuild.lines())).toMatch(/^interview: on \([1-9]\d* roles, [1-9]\d* questions/);

    const chat = await fetch(`${fromBuild.url}/chat`);
    expect(chat.status).toBe(200);
    expect(await chat.text()).toBe(readFileSync(join(ROOT, 'channels', 'webchat', 'public', 'chat.html'), 'utf8'));
    const consolePage = await fetch(`${fromBuild.url}/console`);
    expect(consolePage.status).toBe(200);
    expect(await consolePage.text()).toBe(readFileSync(join(ROOT, 'operator-console', 'public', 'index.html'), 'utf8'));
    expect((await fetch(`${fromBuild.url}/health`)).status).toBe(200);
  }, CHILD_TEST_TIMEOUT_MS);

  it('rebuilds only when its inputs changed', async () => {
    const outdir = join(tempDir('parley-build-'), 'dist');
    expect(await build(['--outdir', outdir, '--if-stale'])).toMatchObject({ code: 0, output: expect.stringMatching(/^Building Parley into .* \(first start, or the sources changed\)\.\.\.\nBuilt \d+ files/) });
    expect(existsSync(join(outdir, 'bots', 'interviewer', 'banks'))).toBe(true);
    // Nothing changed: nothing to do, nothing printed.
    expect(await build(['--outdir', outdir, '--if-stale'])).toEqual({ code: 0, output: '' });
    // A stamp from other inputs (a pull, an edit, another Node version): rebuilt.
    writeFileSync(join(outdir, '.build-stamp.json'), JSON.stringify({ signature: 'from another checkout' }));
    expect(await build(['--outdir', outdir, '--if-stale'])).toMatchObject({ code: 0, output: expect.stringContaining('Building Parley into') });
  }, CHILD_TEST_TIMEOUT_MS);
});

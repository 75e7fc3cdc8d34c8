import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOperatorsCli } from '../bin/operators-cli.js';
import { api, login } from '../operator-console/testing.js';
import { startParley, type TestParley } from './support/harness.js';

let dataDir: string;
let app: TestParley | undefined;

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runOperatorsCli(args, { env: { PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'parley-operators-cli-'));
});
afterAll(async () => {
  await app?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('parley operators', () => {
  it('adds, lists, deactivates and reactivates operators, and sets passwords, against the running server\'s store', async () => {
    const db = join(dataDir, 'parley.db');
    // No database yet: a read command refuses instead of creating an empty one; `add` creates it.
    expect(await cli('list')).toEqual({ code: 1, out: '', err: `No Parley database at ${db}.\nRun this command where Parley runs, or set PARLEY_DATA_DIR to Parley's data directory.\n` });
    expect(existsSync(db)).toBe(false);
    expect(await cli('add', 'ana@acme.test', '--name', 'Ana Lima', '--role', 'recruiter', '--password', 'ana-password-1')).toEqual({ code: 0, out: 'Added recruiter Ana Lima <ana@acme.test>.\n', err: `Creating a new database: ${db}\n` });
    const generated = await cli('add', 'vic@acme.test', '--name', 'Vic', '--role', 'viewer');
    const password = /Password: (\S+) \(shown only this once\)/.exec(generated.out)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{20}$/);

    // The server uses the same store: no first-admin is generated because operators exist.
    app = await startParley({ PARLEY_DATA_DIR: dataDir });
    expect((await login(app.url, 'vic@acme.test', password!)).operator.role).toBe('viewer');
    const { token } = await login(app.url, 'ana@acme.test', 'ana-password-1');

    expect(await cli('deactivate', 'ana@acme.test')).toMatchObject({ code: 0, out: 'ana@acme.test is now deactivated.\n' });
    expect((await api(app.url, token, '/auth/me')).status).toBe(401);
    expect((await cli('list')).out).toBe('ana@acme.test\tAna Lima\trecruiter\tdeactivated\nvic@acme.test\tVic\tviewer\tactive\n');
    expect(await cli('activate', 'ana@acme.test')).toMatchObject({ code: 0, out: 'ana@acme.test is now active.\n' });
    // Deactivation ended the old session for good; signing in again works.
    expect((await api(app.url, token, '/auth/me')).status).toBe(401);
    expect((await api(app.url, (await login(app.url, 'ana@acme.test', 'ana-password-1')).token, '/auth/me')).status).toBe(200);

    expect(await cli('password', 'ana@acme.test', '--password', 'a-brand-new-one')).toMatchObject({ code: 0, out: 'New password for ana@acme.test set.\n' });
    await expect(login(app.url, 'ana@acme.test', 'ana-password-1')).rejects.toThrow(/401/);
    expect((await login(app.url, 'ana@acme.test', 'a-brand-new-one')).operator.name).toBe('Ana Lima');
  });

  it('explains what is wrong with a command', async () => {
    const opened = `Database: ${join(dataDir, 'parley.db')}\n`;
    expect(await cli('add', 'bo@acme.test', '--name', 'Bo', '--role', 'boss', '--password', 'short')).toEqual({
      code: 1,
      out: '',
      err: opened + 'Invalid operator:\n  - role: role must be one of admin, recruiter, viewer\n  - password: password must be at least 8 characters\n',
    });
    expect(await cli('add', 'ana@acme.test', '--name', 'Ana again', '--role', 'admin', '--password', 'long-enough-1')).toEqual({ code: 1, out: '', err: opened + 'An operator with the email ana@acme.test already exists\n' });
    expect(await cli('deactivate', 'nobody@acme.test')).toEqual({ code: 1, out: '', err: opened + 'Operator nobody@acme.test not found\n' });
    expect((await cli('frobnicate', 'x')).code).toBe(64);
    expect((await cli('add')).err).toContain('Usage: npm run parley -- operators <command>');
    expect((await cli('list', '--colour')).err).toMatch(/Unknown option '--colour'/);
  });
});

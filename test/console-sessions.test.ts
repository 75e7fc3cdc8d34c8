/**
 * An operator deactivated, or given a new password, from the command line (another process)
 * loses their open console at once: the server re-checks open sockets every
 * CONSOLE_SESSION_RECHECK_SEC. Driven through the real CLI in a child process.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { addOperator } from '../operator-console/index.js';
import { api, ConsoleClient, login } from '../operator-console/testing.js';
import { ROOT } from './support/child.js';
import { startParley, type TestParley } from './support/harness.js';

const PASSWORD = 'correct-horse-battery';
let app: TestParley;

beforeAll(async () => {
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD, CONSOLE_SESSION_RECHECK_SEC: '0.2' });
  const operators = app.parley.ports.operators;
  for (const [email, name] of [['cy@acme.test', 'Cy'], ['dee@acme.test', 'Dee'], ['eli@acme.test', 'Eli']] as const) {
    await addOperator(operators, { email, name, role: 'recruiter', password: PASSWORD }, new Date());
  }
});
afterAll(async () => {
  await app.stop();
});

/** `npm run parley -- operators <args>` as a separate process on the server's data folder. */
function operatorsCli(...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    let output = '';
    const proc = spawn(process.execPath, ['--import', 'tsx', 'bin/parley.ts', 'operators', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PARLEY_DATA_DIR: app.dataDir, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
    proc.once('error', reject);
    proc.once('exit', (code) => resolve({ code, output }));
  });
}

/** Resolves with the disconnect reason when the server closes the socket. */
function closed(client: ConsoleClient): Promise<string> {
  return new Promise((resolve) => client.socket.once('disconnect', (reason) => resolve(reason)));
}

describe('operator changes made by the CLI in another process', () => {
  it('close the operator\'s listening console within the re-check interval, and leave other operators connected', async () => {
    const cy = await ConsoleClient.connect(app.url, (await login(app.url, 'cy@acme.test', PASSWORD)).token);
    const dee = await login(app.url, 'dee@acme.test', PASSWORD);
    const deeSocket = await ConsoleClient.connect(app.url, dee.token);
    const eli = await ConsoleClient.connect(app.url, (await login(app.url, 'eli@acme.test', PASSWORD)).token);
    const cyClosed = closed(cy);
    const deeClosed = closed(deeSocket);

    const deactivated = await operatorsCli('deactivate', 'cy@acme.test');
    expect(deactivated).toMatchObject({ code: 0, output: expect.stringContaining('cy@acme.test is now deactivated.') });
    expect(await cyClosed).toBe('io server disconnect');
    expect(cy.all('session:expired')).toEqual([{ reason: 'This account has been deactivated. Ask an admin.' }]);

    const changed = await operatorsCli('password', 'dee@acme.test', '--password', 'a-brand-new-one');
    expect(changed.code).toBe(0);
    expect(await deeClosed).toBe('io server disconnect');
    expect(deeSocket.all('session:expired')).toEqual([{ reason: 'Your session has ended (signed out, or the password was changed): sign in again' }]);
    expect((await api(app.url, dee.token, '/auth/me')).status).toBe(401);

    // Eli's socket went through the same re-checks and still answers.
    expect(eli.socket.connected).toBe(true);
    expect(await eli.request('sync', {})).toMatchObject({ ok: true });
    eli.close();
  }, 180_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley } from '../bin/app.js';
import { loadConfig } from '../bin/config.js';
import { ManualClock, silentLogger, type Logger } from '../core/ports/index.js';
import { addOperator, setOperatorActive, setOperatorPassword, type OperatorStore } from '../operator-console/index.js';
import { api, ConsoleClient, login } from '../operator-console/testing.js';
import { startParley, type TestParley } from './support/harness.js';

const PASSWORD = 'correct-horse-battery';
const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
let app: TestParley;
let operators: OperatorStore;

beforeAll(async () => {
  // Re-checks are an hour apart here: whatever closes a socket in this file is the in-process signal.
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD, CONSOLE_TOKEN_TTL_SEC: '3600', CONSOLE_SESSION_RECHECK_SEC: '3600' }, { clock });
  operators = app.parley.ports.operators;
  await addOperator(operators, { email: 'ana@acme.test', name: 'Ana', role: 'recruiter', password: PASSWORD }, clock.now());
});
afterAll(async () => {
  await app.stop();
});

async function refusal(token: string | undefined): Promise<{ message: string; code?: string }> {
  try {
    (await ConsoleClient.connect(app.url, token)).close();
  } catch (err) {
    return { message: (err as Error).message, code: (err as { data?: { code?: string } }).data?.code };
  }
  throw new Error('the connection was accepted');
}

/** Resolves with the disconnect reason when the server closes the socket. */
function closed(client: ConsoleClient): Promise<string> {
  return new Promise((resolve) => client.socket.once('disconnect', (reason) => resolve(reason)));
}

const SESSION_ENDED = 'Your session has ended (signed out, or the password was changed): sign in again';

describe('console sign-in', () => {
  it('returns a token for the right password and who it belongs to', async () => {
    const session = await login(app.url, 'ANA@acme.test ', PASSWORD);
    expect(session.operator).toEqual({ id: expect.stringMatching(/^op_/), email: 'ana@acme.test', name: 'Ana', role: 'recruiter' });
    expect(session.expiresAt).toBe('2026-03-02T10:00:00.000Z');
    expect((await api(app.url, session.token, '/auth/me')).body).toEqual(session.operator);
    const signedIn = await app.parley.store.listEvents({ types: ['OperatorAction'] });
    expect(signedIn.at(-1)).toMatchObject({ action: 'signed-in', operatorId: session.operator.id, actor: `operator:${session.operator.id}` });
  });

  it('refuses a wrong password or unknown email with the same message, and bad bodies with a clear one', async () => {
    for (const body of [{ email: 'ana@acme.test', password: 'nope-nope' }, { email: 'who@acme.test', password: PASSWORD }]) {
      const res = await api<{ error: { code: string; message: string } }>(app.url, undefined, '/auth/login', { method: 'POST', body });
      expect(res.status).toBe(401);
      expect(res.body.error).toEqual({ code: 'UNAUTHORIZED', message: 'Wrong email or password' });
    }
    const bad = await api<{ error: { message: string } }>(app.url, undefined, '/auth/login', { method: 'POST', body: { email: 'ana@acme.test' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('Invalid sign-in request: password is required');
    const notJson = await fetch(`${app.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toMatch(/not valid JSON/);
  });

  it('rate-limits failed sign-ins per IP and email: 429 with Retry-After, even for the right password, until the window passes', async () => {
    await addOperator(operators, { email: 'bo@acme.test', name: 'Bo', role: 'recruiter', password: PASSWORD }, clock.now());
    const attempt = (password: string) => api<{ error: { code: string; message: string } }>(app.url, undefined, '/auth/login', { method: 'POST', body: { email: 'bo@acme.test', password } });
    for (let i = 0; i < 5; i++) expect((await attempt(`wrong-${i}-password`)).status).toBe(401);
    const limited = await attempt(PASSWORD);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(limited.body.error).toEqual({ code: 'RATE_LIMITED', message: 'Too many failed sign-in attempts. Try again in 60 seconds.' });
    clock.advance(30_000);
    expect((await attempt(PASSWORD)).headers.get('retry-after')).toBe('30');
    clock.advance(30_000);
    expect((await attempt(PASSWORD)).status).toBe(200);
  });
});

describe('console socket authentication', () => {
  it('refuses connections without a token, with a forged or malformed one, and with an expired one', async () => {
    expect(await refusal(undefined)).toEqual({ message: 'Sign in first: no token was sent', code: 'UNAUTHORIZED' });
    expect(await refusal('not-a-jwt')).toEqual({ message: 'Invalid token: sign in again', code: 'UNAUTHORIZED' });
    const { operator } = await login(app.url, 'ana@acme.test', PASSWORD);
    const forged = jwt.sign({}, 'another-secret-that-is-long-enough-000000', { algorithm: 'HS256', subject: operator.id, expiresIn: 3600, issuer: 'parley-console', audience: 'parley-console' });
    expect(await refusal(forged)).toEqual({ message: 'Invalid token: sign in again', code: 'UNAUTHORIZED' });

    const { token } = await login(app.url, 'ana@acme.test', PASSWORD);
    (await ConsoleClient.connect(app.url, token)).close();
    clock.advance(3600_000);
    expect(await refusal(token)).toEqual({ message: 'Your session has expired: sign in again', code: 'UNAUTHORIZED' });
    const me = await api<{ error: { message: string } }>(app.url, token, '/auth/me');
    expect(me.status).toBe(401);
    expect(me.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(me.body.error.message).toBe('Your session has expired: sign in again');
  });

  it('stops a deactivated operator at once: an open socket is closed, new connections and sign-in refused', async () => {
    await addOperator(operators, { email: 'cy@acme.test', name: 'Cy', role: 'recruiter', password: PASSWORD }, clock.now());
    const { token } = await login(app.url, 'cy@acme.test', PASSWORD);
    const open = await ConsoleClient.connect(app.url, token);
    const bystander = await ConsoleClient.connect(app.url, (await login(app.url, 'ana@acme.test', PASSWORD)).token);
    const gone = closed(open);
    await setOperatorActive(operators, 'cy@acme.test', false, clock.now());
    expect(await gone).toBe('io server disconnect');
    expect(open.all('session:expired')).toEqual([{ reason: 'This account has been deactivated. Ask an admin.' }]);
    expect(await refusal(token)).toEqual({ message: 'This account has been deactivated. Ask an admin.', code: 'UNAUTHORIZED' });
    await expect(login(app.url, 'cy@acme.test', PASSWORD)).rejects.toThrow('login failed (401): This account has been deactivated. Ask an admin.');
    // Reactivation does not revive the old token: deactivation ended that session for good.
    await setOperatorActive(operators, 'cy@acme.test', true, clock.now());
    expect((await api<{ error: { message: string } }>(app.url, token, '/auth/me')).body.error.message).toBe(SESSION_ENDED);
    // Someone else's socket is untouched (it still answers requests).
    expect(await bystander.request('sync', {})).toMatchObject({ ok: true });
    bystander.close();
  });

  it('ends every session of an operator whose password changes: open sockets closed at once, old tokens refused on REST and sockets', async () => {
    await addOperator(operators, { email: 'dee@acme.test', name: 'Dee', role: 'recruiter', password: PASSWORD }, clock.now());
    const laptop = await login(app.url, 'dee@acme.test', PASSWORD);
    const phone = await login(app.url, 'dee@acme.test', PASSWORD);
    const open = await ConsoleClient.connect(app.url, laptop.token);
    const gone = closed(open);
    await setOperatorPassword(operators, 'dee@acme.test', 'a-brand-new-password', clock.now());
    expect(await gone).toBe('io server disconnect');
    expect(open.all('session:expired')).toEqual([{ reason: SESSION_ENDED }]);
    for (const token of [laptop.token, phone.token]) {
      const me = await api<{ error: { code: string; message: string } }>(app.url, token, '/auth/me');
      expect([me.status, me.body.error]).toEqual([401, { code: 'UNAUTHORIZED', message: SESSION_ENDED }]);
      expect(await refusal(token)).toEqual({ message: SESSION_ENDED, code: 'UNAUTHORIZED' });
    }
    const fresh = await login(app.url, 'dee@acme.test', 'a-brand-new-password');
    expect((await api(app.url, fresh.token, '/auth/me')).status).toBe(200);
  });

  it('signs out everywhere with POST /auth/logout: every token of the operator refused, their open consoles closed', async () => {
    await addOperator(operators, { email: 'eve@acme.test', name: 'Eve', role: 'viewer', password: PASSWORD }, clock.now());
    const tab1 = await login(app.url, 'eve@acme.test', PASSWORD);
    const tab2 = await login(app.url, 'eve@acme.test', PASSWORD);
    const sockets = [await ConsoleClient.connect(app.url, tab1.token), await ConsoleClient.connect(app.url, tab2.token)];
    const gone = sockets.map(closed);
    expect((await api(app.url, undefined, '/auth/logout', { method: 'POST' })).status).toBe(401);

    const out = await api(app.url, tab1.token, '/auth/logout', { method: 'POST' });
    expect(out.status).toBe(204);
    expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
    for (const s of sockets) expect(s.all('session:expired')).toEqual([{ reason: SESSION_ENDED }]);
    for (const token of [tab1.token, tab2.token]) {
      expect((await api<{ error: { message: string } }>(app.url, token, '/auth/me')).body.error.message).toBe(SESSION_ENDED);
      expect(await refusal(token)).toEqual({ message: SESSION_ENDED, code: 'UNAUTHORIZED' });
    }
    expect((await api(app.url, tab2.token, '/auth/logout', { method: 'POST' })).status).toBe(401);
    const signedOut = await app.parley.store.listEvents({ types: ['OperatorAction'] });
    expect(signedOut.filter((e) => e.type === 'OperatorAction' && e.action === 'signed-out')).toMatchObject([{ operatorId: tab1.operator.id }]);
    // Signing in again works, with a token that is good.
    const again = await login(app.url, 'eve@acme.test', PASSWORD);
    expect((await api(app.url, again.token, '/auth/me')).status).toBe(200);
  });

  it('requires a token on every REST endpoint', async () => {
    for (const path of ['/conversations', '/notifications', '/canned-responses', '/analytics/funnel', '/operators']) {
      const res = await api<{ error: { code: string } }>(app.url, undefined, path);
      expect([path, res.status, res.body.error.code]).toEqual([path, 401, 'UNAUTHORIZED']);
    }
  });
});

describe('the first admin', () => {
  function captureLog(): { log: Logger; warnings: { obj: unknown; msg: string }[] } {
    const warnings: { obj: unknown; msg: string }[] = [];
    const log: Logger = { ...silentLogger, warn: (obj, msg) => void warnings.push({ obj, msg: msg ?? String(obj) }), child: () => log };
    return { log, warnings };
  }

  it('is created with a generated password printed once in the log when no admin settings are given, and the signing secret survives restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-console-first-'));
    const config = { ...loadConfig({ PORT: '1', HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), PORT: 0 };
    try {
      const first = captureLog();
      const parley = await createParley(config, { log: first.log });
      await parley.start();
      const lines = first.warnings.filter((w) => w.msg.startsWith('Operator console: created the first admin'));
      expect(lines).toHaveLength(1);
      const password = /with password (\S+) /.exec(lines[0]!.msg)?.[1];
      expect(lines[0]!.msg).toContain(`Sign in at ${config.publicUrl}/console as admin@parley.local with password ${password}`);
      const { token, operator } = await login(parley.url, 'admin@parley.local', password!);
      expect(operator.role).toBe('admin');
      await parley.stop();

      const second = captureLog();
      const again = await createParley(config, { log: second.log });
      await again.start();
      expect(second.warnings.filter((w) => w.msg.includes('first admin'))).toEqual([]);
      expect((await api(again.url, token, '/auth/me')).status).toBe(200);
      await again.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('needs both PARLEY_ADMIN_EMAIL and PARLEY_ADMIN_PASSWORD', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-console-half-'));
    try {
      const config = loadConfig({ PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'silent', PARLEY_ADMIN_EMAIL: 'boss@acme.test' });
      await expect(createParley(config, { log: silentLogger })).rejects.toThrow('PARLEY_ADMIN_EMAIL and PARLEY_ADMIN_PASSWORD go together');
      expect(() => loadConfig({ PARLEY_ADMIN_EMAIL: 'not-an-email' })).toThrow('PARLEY_ADMIN_EMAIL: expected an email address (got "not-an-email")');
      expect(() => loadConfig({ CONSOLE_JWT_SECRET: 'short' })).toThrow(/CONSOLE_JWT_SECRET: expected at least 32 characters/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/**
 * Sign-in limits through POST /api/v1/auth/login: a per-account back-off that no number of
 * client addresses gets around (but that never locks the account out), and X-Forwarded-For
 * believed only when TRUST_PROXY says so.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../core/ports/index.js';
import { startParley, type TestParley } from './support/harness.js';

const PASSWORD = 'correct-horse-battery';

async function attempt(app: TestParley, email: string, password: string, forwardedFor?: string): Promise<{ status: number; retryAfter: string | null }> {
  const res = await fetch(`${app.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    body: JSON.stringify({ email, password }),
  });
  await res.body?.cancel();
  return { status: res.status, retryAfter: res.headers.get('retry-after') };
}

describe('behind a trusted proxy (TRUST_PROXY=loopback): every address is a different client', () => {
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  let app: TestParley;
  beforeAll(async () => {
    app = await startParley({ TRUST_PROXY: 'loopback', PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD, CONSOLE_LOGIN_MAX_DELAY_SEC: '8' }, { clock });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('50 wrong passwords against one account from 10 addresses: after 5 failures the account is slowed down whatever the address (429)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) statuses.push((await attempt(app, 'admin@acme.test', `wrong-${i}-password`, `203.0.113.${i % 10}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual(Array(45).fill(429));
    // A fresh address changes nothing, and the wait is announced.
    expect(await attempt(app, 'admin@acme.test', PASSWORD, '198.51.100.7')).toEqual({ status: 429, retryAfter: '1' });
  }, 120_000);

  it('the delay doubles with each further failure up to the cap, and the right password gets in once it has passed: never a lock-out', async () => {
    let n = 0;
    const fresh = () => `198.51.100.${++n}`;
    for (const wait of [1, 2, 4, 8, 8]) {
      expect(await attempt(app, 'admin@acme.test', 'still-wrong-password', fresh())).toEqual({ status: 429, retryAfter: String(wait) });
      clock.advance(wait * 1000);
      expect((await attempt(app, 'admin@acme.test', 'still-wrong-password', fresh())).status).toBe(401);
    }
    expect((await attempt(app, 'admin@acme.test', PASSWORD, fresh())).status).toBe(429);
    clock.advance(8000);
    expect((await attempt(app, 'admin@acme.test', PASSWORD, fresh())).status).toBe(200);
    // A sign-in clears the account: the next mistake is an ordinary 401.
    expect((await attempt(app, 'admin@acme.test', 'one-more-typo', fresh())).status).toBe(401);
  }, 120_000);
});

describe('without TRUST_PROXY (the default): X-Forwarded-For is ignored', () => {
  let app: TestParley;
  beforeAll(async () => {
    app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD }, { clock: new ManualClock(new Date('2026-03-02T09:00:00Z')) });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('60 rotated X-Forwarded-For values are one client: its 20 failed sign-ins (4 x CONSOLE_LOGIN_MAX_ATTEMPTS), then 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await attempt(app, `guess-${i}@acme.test`, 'some-password', `192.0.2.${i}`)).status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.slice(20)).toEqual(Array(40).fill(429));
  }, 120_000);
});

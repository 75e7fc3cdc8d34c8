import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley, type Parley, type ParleyOptions } from '../bin/app.js';
import { loadConfig } from '../bin/config.js';
import { IngressPressure, INGRESS_BURST } from '../bin/ingress-pressure.js';
import { silentLogger } from '../core/ports/index.js';
import { FakeTelegramBotApi, TelegramChat } from './fakes/telegram-bot-api.js';

/**
 * Issue 13: a burst of Telegram webhooks is answered ahead of its turns (bin/ingress-pressure.ts,
 * the turn queue's pressure), and nothing is lost: every update is stored before its 200 and gets
 * its reply once the burst is over, or once a held turn reaches the queue's bound.
 */
const SECRET = 'test-secret_0123456789';
let nextChat = 730_000_001;
let fake: FakeTelegramBotApi | undefined;
let parley: Parley | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  await parley?.stop();
  await fake?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  parley = undefined;
  fake = undefined;
});

async function start(ingress?: ParleyOptions['ingress']): Promise<{ parley: Parley; chats: (n: number) => TelegramChat[] }> {
  fake = await FakeTelegramBotApi.start();
  dataDir = mkdtempSync(join(tmpdir(), 'parley-test-'));
  const config = loadConfig({ PORT: '1', HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'silent', PARLEY_COMPANY_NAME: 'Acme', INTERVIEW_ANSWER_QUIET_MS: '0', TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: 'https://parley.example.com' });
  parley = await createParley({ ...config, PORT: 0 }, { log: silentLogger, ...(ingress ? { ingress } : {}) });
  await parley.start();
  const app = parley;
  const f = fake;
  return { parley: app, chats: (n) => Array.from({ length: n }, () => new TelegramChat(f, { webhook: `${app.url}/webhooks/telegram`, secret: SECRET }, nextChat++)) };
}

/** Timers and I/O passes the test runs by hand; a clock that stands still unless moved. */
function handTime() {
  const t = {
    ms: 0,
    timers: [] as (() => void)[],
    io: [] as (() => void)[],
    now: () => t.ms,
    schedule: (fn: () => void) => {
      t.timers.push(fn);
      return () => void (t.timers = t.timers.filter((x) => x !== fn));
    },
    afterIo: (fn: () => void) => void t.io.push(fn),
    /** Fire every pending timer and I/O pass. */
    run: () => {
      t.timers.splice(0).forEach((fn) => fn());
      t.io.splice(0).forEach((fn) => fn());
    },
  };
  return t;
}

const GREETING = /recruiting assistant for Acme/;

describe('Telegram webhook burst (issue 13)', () => {
  it('a burst is answered before its turns run, and every update gets its reply once the burst is over', async () => {
    // The signal's clock stands still: every webhook arrives "at once", a burst from the 16th.
    const signalTime = handTime();
    const queueTime = handTime();
    const signal = new IngressPressure({ now: signalTime.now, schedule: signalTime.schedule, afterIo: signalTime.afterIo });
    const { parley, chats } = await start({ signal, queue: { now: queueTime.now, schedule: queueTime.schedule } });
    // The burst's first webhooks, noted here so that the test's are all inside it.
    for (let i = 1; i < INGRESS_BURST.webhooks; i++) signal.arrived();
    const burst = chats(20);
    const statuses = await Promise.all(burst.map((c) => c.say('hi')));
    expect(statuses).toEqual(burst.map(() => 200));
    expect(signal.raised).toBe(true);
    // Every update stored (durable, re-driven after a crash) and none of its turns started: no
    // reply.
    expect(await parley.store.listPendingInbound()).toHaveLength(20);
    expect(parley.engine.queueDepth()).toBe(20);
    expect(burst.every((c) => c.replies.length === 0)).toBe(true);
    // The burst is over (quiet for longer than the hold): the signal drops and the queue starts
    // every held turn.
    signalTime.ms = 1000;
    signalTime.run();
    expect(signal.raised).toBe(false);
    for (const c of burst) await c.waitForBot(GREETING);
    await parley.engine.idle();
    expect(await parley.store.listPendingInbound()).toHaveLength(0);
  });

  it('a burst that outlasts maxDeferMs gets its turns run while it lasts', async () => {
    const signalTime = handTime();
    const queueTime = handTime();
    const signal = new IngressPressure({ now: signalTime.now, schedule: signalTime.schedule, afterIo: signalTime.afterIo });
    const { parley, chats } = await start({ signal, queue: { now: queueTime.now, schedule: queueTime.schedule, maxDeferMs: 2000 } });
    for (let i = 1; i < INGRESS_BURST.webhooks; i++) signal.arrived();
    const burst = chats(10);
    expect(await Promise.all(burst.map((c) => c.say('hi')))).toEqual(burst.map(() => 200));
    expect(parley.engine.queueDepth()).toBe(10);
    // 2 s later, still in the burst: the queue's deadline timer starts the held turns.
    queueTime.ms = 2001;
    queueTime.run();
    expect(signal.raised).toBe(true);
    for (const c of burst) await c.waitForBot(GREETING);
    expect(signal.raised).toBe(true);
  });

  it('stopping during a burst runs its held turns before the store closes (graceful shutdown)', async () => {
    const signalTime = handTime();
    const queueTime = handTime();
    const signal = new IngressPressure({ now: signalTime.now, schedule: signalTime.schedule, afterIo: signalTime.afterIo });
    const { parley: app, chats } = await start({ signal, queue: { now: queueTime.now, schedule: queueTime.schedule } });
    for (let i = 1; i < INGRESS_BURST.webhooks; i++) signal.arrived();
    const burst = chats(10);
    expect(await Promise.all(burst.map((c) => c.say('hi')))).toEqual(burst.map(() => 200));
    expect(app.engine.queueDepth()).toBe(10);
    parley = undefined;
    // stop() must run the held turns although the burst is still on (the signal stays raised).
    // A stop that waits for the burst to end would hang: after 10 s the test moves the queue's
    // clock past its bound so that it can finish, and fails.
    const stopped = app.stop().then(() => 'stopped' as const);
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([stopped, new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 10_000)))]);
    clearTimeout(timer);
    if (outcome === 'hung') {
      queueTime.ms += 3_600_000;
      queueTime.run();
      await stopped;
    }
    expect(outcome).toBe('stopped');
    expect(signal.raised).toBe(true);
    expect(burst.every((c) => c.replies.some((r) => GREETING.test(r.text)))).toBe(true);
  }, 30_000);

  it('with the real signal and bounds, a burst from many posters is all accepted and all processed', async () => {
    const { parley, chats } = await start();
    const burst = chats(48);
    expect(await Promise.all(burst.map((c) => c.say('hi')))).toEqual(burst.map(() => 200));
    for (const c of burst) await c.waitForBot(GREETING);
    await parley.engine.idle();
    expect(await parley.store.listPendingInbound()).toHaveLength(0);
  });
});

/**
 * The whole product, as `npm start` wires it: `createParley` with every default plugin (interview,
 * jobs, console, conversation, opt-out, voice, Telegram, WhatsApp, email), SQLite on disk, driven
 * through its real entry points on loopback: Socket.IO web chat clients, and Telegram webhooks
 * (secret header) answered through a fake Bot API, over at most 40 connections kept open as
 * Telegram keeps them (`max_connections`), opened before each window. Printed next to, in the same
 * run: the engine alone (bench/engine.bench.ts), a bare SQLite insert loop, and a bare express
 * server that checks the webhook secret and inserts the update into SQLite (the ceiling of this
 * design).
 *
 * Per inbound message: statement executions and `prepare()` calls (counted by patching the
 * driver in this process, bench only), CPU ms (process CPU: the simulated web chat clients run in
 * this process too, so for web chat it is an upper bound; Telegram's side of the wire, the fake Bot
 * API and the webhook posters, runs in a child process, bench/telegram-driver.child.ts, so the
 * Telegram lines' CPU is Parley's own and the child's is printed apart as `driver cpu ms/msg`),
 * and peak RSS. Every loop is bounded. The light-load web chat line's clients run in the driver's
 * child process too (a reply counts when it leaves Parley's process, as for a remote browser); the
 * same window with the clients in this process is printed beside it.
 *
 * Two things differ from production: INTERVIEW_ANSWER_QUIET_MS=0, so an interview answer is
 * graded at once instead of after the quiet period (a deliberate wait, not a cost); and Telegram's
 * send limit (25/s, the Bot API's) is lifted for the run, since the fake has none and the figure
 * is meant to be the product's own cost.
 *
 * Sizes: BENCH_FP_CLIENTS (web chat clients, 100), BENCH_FP_CHATS (Telegram chats, 50),
 * BENCH_FP_UPDATES (webhook ingress updates, 1000), BENCH_FP_OPERATORS (console operators, 1000,
 * spread over BENCH_FP_OPERATOR_PROCS child processes; BENCH_FP_OPERATOR_CLIENT and
 * BENCH_FP_CPU_PROFILE: see bench/console-operators.ts); BENCH_SQL_DETAIL=1 prints the hottest
 * statements (=callers: split by the code that ran them).
 */
import Database from 'better-sqlite3';
import express from 'express';
import { fork } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { createParley, type Parley } from '../bin/app.js';
import { loadConfig } from '../bin/config.js';
import type { WebchatClientToServer, WebchatServerToClient } from '../channels/webchat/index.js';
import type { EventBus } from '../core/ports/event-bus.js';
import { silentLogger } from '../core/ports/index.js';
import { telegramCapabilities } from '../channels/telegram/definition.js';
import { machineBusy, OperatorFleet, operatorClient, operatorProcesses, percent, recordPushes, windowProfile } from './console-operators.js';
import type { FromChild as FromDriver, ToChild as ToDriver } from './telegram-driver.child.js';
import { engineLoop, ReplyCounter, scriptLine, sqliteCeiling } from './engine.bench.js';
import { hottest, installSqlCounter, sqlCounts, uninstallSqlCounter } from './sql-counter.js';
import { percentile, rssMb, type BenchResult } from './support.js';

const STEPS = 8;
const SECRET = 'bench-secret_0123456789';
const WEBHOOK_CONCURRENCY = 32;
const ADMIN = { email: 'bench@parley.test', password: 'bench-password-1' };

type Client = Socket<WebchatServerToClient, WebchatClientToServer>;

interface Window {
  messages: number;
  secs: number;
  latencies: number[];
  statements: number;
  prepares: number;
  cpuMs: number;
  /** This process's event loop busy time in the window (ELU's active ms). */
  busyMs: number;
  peakRss: number;
  hot: string[];
  /** The latencies of each conversation's first message (web chat windows only), sorted. */
  firstTurns?: number[];
}

export async function run(): Promise<BenchResult[]> {
  const clients = Number(process.env.BENCH_FP_CLIENTS ?? 100);
  const chats = Number(process.env.BENCH_FP_CHATS ?? 50);
  const updates = Number(process.env.BENCH_FP_UPDATES ?? 1000);
  const operators = Number(process.env.BENCH_FP_OPERATORS ?? 1000);
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-fp-'));
  const sendLimit = telegramCapabilities.maxSendsPerSecond;
  const fake = await TelegramDriver.start();
  let app: Parley | undefined;
  try {
    const ceiling = sqliteCeiling(join(dir, 'ceiling.db'));
    const bare = await bareExpressIngress(join(dir, 'bare.db'), fake, updates);
    const engine = await engineLoop(join(dir, 'engine.db'), clients, STEPS);
    telegramCapabilities.maxSendsPerSecond = Infinity;
    installSqlCounter({ detail: !!process.env.BENCH_SQL_DETAIL, callers: process.env.BENCH_SQL_DETAIL === 'callers' });
    app = await startApp(join(dir, 'app'), fake);
    const webchat = await webchatLoad(app, clients, STEPS);
    // Light load: 4 candidates who each take 20-180 ms before each message, so the process
    // is mostly idle and a message rarely waits behind another (about 36 msg/s in all).
    // Played from the driver's process: the latency a browser on another machine sees (the goal's
    // line). In this process a client reads its reply only once Parley's event loop has finished
    // the rest of the pass the reply was sent in (the turn's events, risk, console feed), which a
    // remote browser does not wait for; that in-process figure is printed beside it.
    const { window: webchatLight, driverCpuMs: webchatLightDriverMs } = await remoteWebchatLoad(app, fake, 4, 40, [20, 180]);
    const webchatLightHere = await webchatLoad(app, 4, 40, { pause: [20, 180] });
    // The same 4 candidates with no pause: a closed loop that keeps the process busy (what the
    // light-load line measured until December 2026).
    const webchatFour = await webchatLoad(app, 4, 40);
    const telegram = await telegramLoad(app, fake, chats, STEPS);
    // Light load on Telegram too: 4 chats pausing 20-180 ms before each message, as on web chat.
    const telegramLight = await telegramLoad(app, fake, 4, 40, [20, 180]);
    const ingress = await telegramIngress(app, fake, updates);
    const online = await webchatWithOperators(app, operators, Math.min(clients, 50), STEPS);
    const figures = (w: Window) => ({
      messages: w.messages,
      'msg/s': Math.round(w.messages / w.secs),
      'p50 ms': percentile(w.latencies, 0.5).toFixed(2),
      'p99 ms': percentile(w.latencies, 0.99).toFixed(2),
      'cpu ms/msg': (w.cpuMs / w.messages).toFixed(2),
      'stmts/msg': (w.statements / w.messages).toFixed(1),
      'prepares/msg': (w.prepares / w.messages).toFixed(2),
      'peak rss MB': w.peakRss,
    });
    const perSec = webchat.messages / webchat.secs;
    if (webchat.hot.length) console.log(`hottest statements per inbound web chat message:\n${webchat.hot.join('\n')}`);
    if (telegramLight.window.hot.length) console.log(`hottest statements per inbound Telegram message at light load:\n${telegramLight.window.hot.join('\n')}`);
    const lightPrepares = webchatLight.hot.filter((l) => l.includes('prepare:'));
    if (lightPrepares.length) console.log(`prepares per message in the light-load window:\n${lightPrepares.join('\n')}`);
    return [
      { name: 'fp:sqlite-ceiling', metrics: { 'inserts/s': Math.round(ceiling) } },
      { name: 'fp:bare-express+sqlite', metrics: { 'webhooks/s': Math.round(bare) } },
      { name: 'fp:engine-only', goal: '>= 5000 msg/s', metrics: { candidates: clients, 'msg/s': Math.round(engine.perSec), 'p50 ms': engine.p50.toFixed(2), 'p99 ms': engine.p99.toFixed(2), 'vs ceiling': ratio(engine.perSec, ceiling) } },
      {
        name: 'fp:webchat',
        goal: '>= 3000 msg/s, <= 15 stmts and 0 prepares per msg',
        metrics: { clients, ...figures(webchat), 'vs engine': ratio(perSec, engine.perSec), 'vs ceiling': ratio(perSec, ceiling) },
      },
      { name: 'fp:webchat-light-load', goal: 'p99 < 10 ms', metrics: { clients: 4, 'pause ms': '20-180', ...figures(webchatLight), 'first turns p50 ms': percentile(webchatLight.firstTurns ?? [], 0.5).toFixed(2), 'loop busy': percent(webchatLight.busyMs / (webchatLight.secs * 1000)), 'driver cpu ms/msg': (webchatLightDriverMs / webchatLight.messages).toFixed(2) } },
      { name: 'fp:webchat-light-load-in-process', metrics: { clients: 4, 'pause ms': '20-180', ...figures(webchatLightHere), 'first turns p50 ms': percentile(webchatLightHere.firstTurns ?? [], 0.5).toFixed(2), 'loop busy': percent(webchatLightHere.busyMs / (webchatLightHere.secs * 1000)) } },
      { name: 'fp:webchat-4-clients', metrics: { clients: 4, 'pause ms': 0, ...figures(webchatFour), 'loop busy': percent(webchatFour.busyMs / (webchatFour.secs * 1000)) } },
      { name: 'fp:telegram', metrics: { chats, ...figures(telegram.window), 'driver cpu ms/msg': (telegram.driverCpuMs / telegram.window.messages).toFixed(2) } },
      { name: 'fp:telegram-light-load', metrics: { chats: 4, 'pause ms': '20-180', ...figures(telegramLight.window), 'driver cpu ms/msg': (telegramLight.driverCpuMs / telegramLight.window.messages).toFixed(2) } },
      {
        name: 'fp:webchat+operators',
        goal: 'console push p99 < 100 ms',
        metrics: {
          operators: online.fleet.operators,
          'operator procs': online.procs,
          'operator client': operatorClient(),
          clients: Math.min(clients, 50),
          ...figures(online.window),
          'push p50 ms': percentile(online.fleet.lags, 0.5).toFixed(1),
          'push p99 ms': percentile(online.fleet.lags, 0.99).toFixed(1),
          'first-operator p99 ms': percentile(online.fleet.firstLags, 0.99).toFixed(1),
          'fan-out start p99 ms': percentile(online.queued, 0.99).toFixed(1),
          'from fan-out p99 ms': percentile(online.fleet.fromEmit, 0.99).toFixed(1),
          pushes: online.fleet.lags.length,
          'pushes/msg per operator': perMessage(online.fleet.received, online.window.messages),
        },
      },
      {
        name: 'fp:telegram-ingress',
        goal: '>= 50% of bare express+sqlite',
        metrics: { updates, 'accepted/s': Math.round(ingress.acceptedPerSec), 'processed/s': Math.round(ingress.processedPerSec), 'vs bare': ratio(ingress.acceptedPerSec, bare), 'cpu ms/update': ingress.cpuMsPerUpdate.toFixed(2) },
      },
    ];
  } finally {
    await app?.stop();
    telegramCapabilities.maxSendsPerSecond = sendLimit;
    uninstallSqlCounter();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `message=2.4 conversation:upsert=1.9`: pushes per inbound message, by event. */
function perMessage(counts: Record<string, number>, messages: number): string {
  return Object.entries(counts)
    .filter(([event]) => event !== 'hello')
    .map(([event, n]) => `${event}=${(n / messages).toFixed(1)}`)
    .join(' ');
}

function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}x`;
}

async function startApp(dataDir: string, fake: TelegramDriver): Promise<Parley> {
  const config = loadConfig({
    PORT: '1',
    HOST: '127.0.0.1',
    PARLEY_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    INTERVIEW_ANSWER_QUIET_MS: '0',
    PARLEY_ADMIN_EMAIL: ADMIN.email,
    PARLEY_ADMIN_PASSWORD: ADMIN.password,
    // Every simulated browser shares 127.0.0.1: lift the per-address limits (per-session ones stay).
    WEBCHAT_IP_RATE_LIMIT: '100000',
    WEBCHAT_NEW_SESSIONS_PER_IP: '100000',
    SOCKET_MAX_CONNECTIONS_PER_IP: '100000',
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.url,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    PUBLIC_URL: 'https://parley.example.com',
  });
  const app = await createParley({ ...config, PORT: 0 }, { log: silentLogger });
  await app.start();
  return app;
}

/** Measure a window of load: wall time, statements, prepares, CPU and peak RSS around `load`. */
async function measure(messages: number, load: (latencies: number[]) => Promise<void>): Promise<Window> {
  const latencies: number[] = [];
  let peakRss = rssMb();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb())), 50);
  const sql0 = sqlCounts();
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  await load(latencies);
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  const sql1 = sqlCounts();
  clearInterval(sampler);
  latencies.sort((a, b) => a - b);
  return {
    messages,
    secs,
    latencies,
    statements: sql1.statements - sql0.statements,
    prepares: sql1.prepares - sql0.prepares,
    cpuMs: (cpu.user + cpu.system) / 1000,
    busyMs: elu.active,
    peakRss: Math.max(peakRss, rssMb()),
    hot: hottest(sql0, sql1, messages),
  };
}

/**
 * Replies per step of the script, from one calibration conversation: each step waits for the
 * engine to be idle, then for the last reply to cross the loopback.
 */
export async function calibrate(idle: () => Promise<void>, steps: number, say: (i: number) => Promise<void>, count: () => number): Promise<number[]> {
  const replies: number[] = [];
  for (let i = 0; i < steps; i++) {
    const before = count();
    await say(i);
    await idle();
    await new Promise((r) => setTimeout(r, 100));
    replies.push(count() - before);
  }
  return replies;
}

/**
 * Closed loop: each chat sends a step, waits for every reply that step gets, then the next.
 * `pause`: how long the candidate takes before each message (reading and typing), in ms;
 * none by default. `firstTurns`: gets the latency of each conversation's first message too (a
 * new conversation's turn: the candidate and conversation created, greeting and consent).
 */
export async function converse(chat: string, replies: number[], counter: ReplyCounter, say: (i: number) => Promise<void>, latencies: number[], pause?: () => number, firstTurns?: number[]): Promise<void> {
  let expected = counter.count(chat);
  for (let i = 0; i < replies.length; i++) {
    if (pause) await new Promise((r) => setTimeout(r, pause()));
    const start = performance.now();
    // The latency a candidate sees: until the turn's first reply.
    const first = counter.atLeast(chat, expected + 1).then(() => performance.now() - start);
    await say(i);
    if (replies[i]) {
      const ms = await first;
      latencies.push(ms);
      if (i === 0) firstTurns?.push(ms);
    }
    expected += replies[i] ?? 0;
    await counter.atLeast(chat, expected);
  }
}

/**
 * A pause of `min`..`max` ms, uniform, from a fixed seed: paced clients send at independent,
 * reproducible moments instead of in step with each other.
 */
export function pauses(seed: number, min: number, max: number): () => number {
  // Spread small seeds over the 32 bits, and skip the first draws (xorshift starts low from them).
  let state = Math.imul(seed, 0x9e3779b9) >>> 0 || 1;
  const next = () => {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return min + ((state >>> 0) / 0x1_0000_0000) * (max - min);
  };
  for (let i = 0; i < 8; i++) next();
  return next;
}

/**
 * `onWindow`: called as the measured window begins (after the calibration conversation).
 * `pause`: each client's pause before each of its messages (none: a closed loop at full speed).
 */
async function webchatLoad(app: Parley, clients: number, steps: number, opts: { onWindow?: () => void; pause?: [number, number] } = {}): Promise<Window> {
  const { onWindow, pause } = opts;
  const counter = new ReplyCounter();
  const sockets = await Promise.all(Array.from({ length: clients + 1 }, (_, c) => connect(app.url, String(c), counter)));
  const say = (socket: Client, c: number, i: number) =>
    new Promise<void>((resolve) => socket.emit('message', { text: scriptLine(i), clientMessageId: `b${c}-${i}-${Date.now()}` }, () => resolve()));
  try {
    const calibration = sockets[clients] as Client;
    const replies = await calibrate(() => app.engine.idle(), steps, (i) => say(calibration, clients, i), () => counter.count(String(clients)));
    onWindow?.();
    const firstTurns: number[] = [];
    const window = await measure(clients * steps, (latencies) =>
      Promise.all(sockets.slice(0, clients).map((s, c) => converse(String(c), replies, counter, (i) => say(s, c, i), latencies, pause && pauses(c + 1, pause[0], pause[1]), firstTurns))).then(() => undefined),
    );
    return { ...window, firstTurns: firstTurns.sort((a, b) => a - b) };
  } finally {
    sockets.forEach((s) => s.close());
    await app.engine.idle();
  }
}

/** A web chat client of `url`, counting the bot's replies under `chat`; resolves once its history has arrived. */
export function connect(url: string, chat: string, counter: ReplyCounter): Promise<Client> {
  const socket: Client = io(`${url}/webchat`, { transports: ['websocket'], reconnection: false, forceNew: true });
  socket.on('message', (m) => m.author !== 'candidate' && counter.add(chat));
  return new Promise((resolve, reject) => {
    socket.once('history', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/**
 * Telegram's side of the wire in a child process (bench/telegram-driver.child.ts): the fake Bot
 * API and the webhook posters, so this process's CPU is Parley's.
 */
class TelegramDriver {
  private readonly listeners = new Set<(m: FromDriver) => void>();
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly token: string,
  ) {}

  static async start(): Promise<TelegramDriver> {
    const child = fork(fileURLToPath(new URL('./telegram-driver.child.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
    const ready = await new Promise<Extract<FromDriver, { type: 'ready' }>>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`telegram driver exited (${code})`)));
      child.on('message', (m: FromDriver) => m.type === 'ready' && resolve(m));
    });
    const driver = new TelegramDriver(child, ready.url, ready.token);
    child.on('message', (m: FromDriver) => driver.listeners.forEach((l) => l(m)));
    return driver;
  }

  /** Send `request`; answer the child's `idle` and `window` with `onIdle` / `onWindow` until it answers `type`. */
  run<T extends FromDriver['type']>(request: ToDriver, type: T, handlers: { onIdle?: () => Promise<void>; onWindow?: () => void } = {}): Promise<Extract<FromDriver, { type: T }>> {
    return new Promise((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`telegram driver exited (${code}) before answering '${type}'`));
      this.child.once('exit', exited);
      const listener = (m: FromDriver) => {
        if (m.type === 'idle') void (handlers.onIdle?.() ?? Promise.resolve()).then(() => this.child.send({ type: 'idle', id: m.id } satisfies ToDriver));
        else if (m.type === 'window') {
          handlers.onWindow?.();
          this.child.send({ type: 'go' } satisfies ToDriver);
        } else if (m.type === type) {
          this.listeners.delete(listener);
          this.child.off('exit', exited);
          resolve(m as Extract<FromDriver, { type: T }>);
        }
      };
      this.listeners.add(listener);
      this.child.send(request);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    await exited;
  }
}

async function telegramLoad(app: Parley, driver: TelegramDriver, chats: number, steps: number, pause?: [number, number]): Promise<{ window: Window; driverCpuMs: number }> {
  return driverLoad(app, driver, { type: 'load', url: app.url, secret: SECRET, chats, steps, ...(pause ? { pause } : {}) }, chats * steps);
}

/** Web chat clients in the driver's process: the latency a browser on another machine sees. */
async function remoteWebchatLoad(app: Parley, driver: TelegramDriver, clients: number, steps: number, pause?: [number, number]): Promise<{ window: Window; driverCpuMs: number }> {
  return driverLoad(app, driver, { type: 'webchat', url: app.url, clients, steps, ...(pause ? { pause } : {}) }, clients * steps);
}

/** A closed-loop window played by the driver child, measured here (statements, CPU, RSS) while it runs. */
async function driverLoad(app: Parley, driver: TelegramDriver, request: Extract<ToDriver, { type: 'load' | 'webchat' }>, messages: number): Promise<{ window: Window; driverCpuMs: number }> {
  let finished: ((latencies: number[]) => void) | undefined;
  let started: (() => void) | undefined;
  const windowStarted = new Promise<void>((resolve) => (started = resolve));
  let measured: Promise<Window> | undefined;
  const loaded = driver.run(request, 'loaded', {
    onIdle: () => app.engine.idle(),
    onWindow: () => {
      measured = measure(messages, (latencies) => new Promise<void>((resolve) => (finished = (l) => (latencies.push(...l), resolve()))));
      started?.();
    },
  });
  await windowStarted;
  const result = await loaded;
  finished?.(result.latencies);
  const window = await (measured as Promise<Window>);
  await app.engine.idle();
  return { window: { ...window, firstTurns: (result.firstTurns ?? []).sort((a, b) => a - b) }, driverCpuMs: result.cpuMs };
}

async function telegramIngress(app: Parley, driver: TelegramDriver, total: number): Promise<{ acceptedPerSec: number; processedPerSec: number; cpuMsPerUpdate: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { perSec } = await driver.run({ type: 'ingress', url: app.url, secret: SECRET, total, concurrency: WEBHOOK_CONCURRENCY }, 'ingested');
  await app.engine.idle();
  const cpu = process.cpuUsage(cpu0);
  return { acceptedPerSec: perSec, processedPerSec: total / ((performance.now() - t0) / 1000), cpuMsPerUpdate: (cpu.user + cpu.system) / 1000 / total };
}

/** The ceiling of this design: express checks the secret and inserts the update into SQLite. */
async function bareExpressIngress(file: string, driver: TelegramDriver, total: number): Promise<number> {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE updates (seq INTEGER PRIMARY KEY, update_id INTEGER UNIQUE, doc TEXT NOT NULL)');
  const insert = db.prepare('INSERT OR IGNORE INTO updates (update_id, doc) VALUES (?, ?)');
  const expected = Buffer.from(SECRET);
  const web = express();
  web.post('/webhooks/telegram', express.json({ limit: '1mb' }), (req, res) => {
    const given = Buffer.from(req.get('x-telegram-bot-api-secret-token') ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.sendStatus(401);
      return;
    }
    const body = req.body as { update_id?: number };
    insert.run(body.update_id ?? null, JSON.stringify(body));
    res.sendStatus(200);
  });
  const server: Server = createServer(web);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return (await driver.run({ type: 'ingress', url: `http://127.0.0.1:${port}`, secret: SECRET, total, concurrency: WEBHOOK_CONCURRENCY }, 'ingested')).perSec;
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    db.close();
  }
}

/**
 * The console under load: `operators` signed-in console sockets (spread over child processes,
 * bench/console-operators.ts) while web chat clients talk. Each candidate message's push is timed
 * to its receipt by every operator, from its stored time and from when this process's Socket.IO
 * server handed it to the sockets. Printed apart: each child's figures and CPU (a saturated one
 * bounds its own lags), this process's CPU and event loop, the machine's (every core).
 */
async function webchatWithOperators(app: Parley, operators: number, clients: number, steps: number) {
  const res = await fetch(`${app.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  const { token } = (await res.json()) as { token: string };
  const procs = operatorProcesses();
  const fleet = await OperatorFleet.start(app.url, token, operators, procs);
  // The engine's bus (not on Parley's interface; bench only): when each turn's MessageReceived went out.
  const pushes = recordPushes(app.io.of('/console'), (app.engine as unknown as { deps: { bus: EventBus } }).deps.bus);
  try {
    let since = cpus();
    let windowStart = 0;
    const profile = windowProfile();
    const window = await webchatLoad(app, clients, steps, {
      onWindow: () => {
        // The calibration conversation's pushes are not the window's.
        pushes.clear();
        fleet.start();
        profile.start();
        since = cpus();
        windowStart = performance.now();
      },
    });
    // The last batch goes out on setImmediate after the engine is idle.
    await new Promise((r) => setImmediate(r));
    // The server's work is done (the rest is the wire and the operators): the profile stops here.
    await profile.stop();
    const figures = await fleet.report(pushes);
    const wallMs = performance.now() - windowStart;
    const busy = machineBusy(since);
    const queued = [...pushes.emits.values()].map(([start, , stored]) => start - stored).sort((a, b) => a - b);
    // Stored -> published (the turn: queue, run, commit) and published -> fan-out (the batch's wait for its flush).
    const turns: number[] = [];
    const batched: number[] = [];
    for (const [key, [start, , stored]] of pushes.emits) {
      const published = pushes.published.get(key.slice(0, key.lastIndexOf('/')));
      if (published === undefined) continue;
      turns.push(published - stored);
      batched.push(start - published);
    }
    turns.sort((a, b) => a - b);
    batched.sort((a, b) => a - b);
    const fanouts = [...pushes.fanouts].sort((a, b) => a - b);
    const p = (xs: number[], q: number) => percentile(xs, q).toFixed(1);
    console.log(
      `console operators: ${figures.operators} (${operatorClient()} clients) in ${procs} processes, ${figures.complete} got every one of the ${pushes.toEveryone} candidate pushes; ` +
        `first operator to get each: p50 ${p(figures.firstLags, 0.5)} / p99 ${p(figures.firstLags, 0.99)} ms from stored`,
    );
    console.log(
      `console operators: server side: stored -> fan-out start p50 ${p(queued, 0.5)} / p99 ${p(queued, 0.99)} ms ` +
        `(stored -> MessageReceived published, the turn: p50 ${p(turns, 0.5)} / p99 ${p(turns, 0.99)}; published -> fan-out start: p50 ${p(batched, 0.5)} / p99 ${p(batched, 0.99)}); ` +
        `fan-out (encode + hand to every socket) p50 ${p(fanouts, 0.5)} / p99 ${p(fanouts, 0.99)} / max ${p(fanouts, 1)} ms over ${fanouts.length} broadcasts, ` +
        `${percent(pushes.copies ? pushes.deferred / pushes.copies : 0)} of the ${pushes.copies} copies behind the socket's previous frame (written on its drain); ` +
        `receipt from fan-out start p50 ${p(figures.fromEmit, 0.5)} / p99 ${p(figures.fromEmit, 0.99)} ms, after its end p50 ${p(figures.afterFanout, 0.5)} / p99 ${p(figures.afterFanout, 0.99)} ms`,
    );
    console.log(
      `console operators: server process ${percent(window.cpuMs / (window.secs * 1000))} CPU, event loop busy ${percent(window.busyMs / (window.secs * 1000))} over its ${Math.round(window.secs * 1000)} ms window; ` +
        `busiest operator process ${percent(figures.maxCpu)} CPU, event loop ${percent(figures.maxBusy)}${figures.saturated ? ` (${figures.saturated} saturated)` : ''}; ` +
        `machine (${cpus().length} cores) ${percent(busy)} busy over ${Math.round(wallMs)} ms` +
        (busy >= 0.9 ? ': every process waited for a core (these lags are the machine\'s as much as the server\'s)' : ''),
    );
    return { window, fleet: figures, queued, procs };
  } finally {
    pushes.stop();
    fleet.kill();
  }
}

/**
 * Child process of bench/full-product.bench.ts: everything on Telegram's side of the wire. The
 * fake Bot API (answering grammY's sendMessage, sendChatAction, ...) and the webhook posters run
 * here, so the bench process's CPU is Parley's own. Reports its own CPU per window too. It also
 * plays web chat candidates' browsers (`webchat`: Socket.IO clients) for the light-load line, so
 * their latency is what a browser on another machine sees: a reply is received when it leaves
 * Parley's process, not when Parley's event loop has finished the rest of its pass (in-process
 * clients read their socket only then).
 *
 * Protocol (IPC): the child sends `ready` with the fake's root and token; the parent sends `load`
 * (closed-loop chats), `webchat` (closed-loop web chat clients) or `ingress` (open-loop posting to
 * a URL) and gets `loaded` / `ingested`.
 * While calibrating, the child asks the parent to wait for the engine (`idle`, answered with the
 * same id); before a measured window it sends `window` and starts when the parent answers `go`.
 */
import { Agent, request as httpRequest, type RequestOptions } from 'node:http';
import { FakeTelegramBotApi, telegramUpdate } from '../test/fakes/telegram-bot-api.js';
import { ReplyCounter, scriptLine } from './engine.bench.js';
import { calibrate, connect, converse, pauses } from './full-product.bench.js';

export type ToChild =
  | { type: 'load'; url: string; secret: string; chats: number; steps: number; pause?: [number, number] }
  | { type: 'webchat'; url: string; clients: number; steps: number; pause?: [number, number] }
  | { type: 'ingress'; url: string; secret: string; total: number; concurrency: number }
  | { type: 'idle'; id: number }
  | { type: 'go' };
export type FromChild =
  | { type: 'ready'; url: string; token: string }
  | { type: 'idle'; id: number }
  | { type: 'window' }
  | { type: 'loaded'; latencies: number[]; cpuMs: number; firstTurns?: number[] }
  | { type: 'ingested'; perSec: number; cpuMs: number };

/** Telegram's webhook connections: at most `max_connections` (setWebhook's default, 40), kept open. */
const TELEGRAM_MAX_CONNECTIONS = 40;
const agent = new Agent({ keepAlive: true, maxSockets: TELEGRAM_MAX_CONNECTIONS });
const send = (m: FromChild) => process.send?.(m);
let nextUpdateId = 500_000_000;
let nextChatId = 800_000_000;
let nextIdle = 0;
const idleWaiters = new Map<number, () => void>();
let go: (() => void) | undefined;

const fake = await FakeTelegramBotApi.start();
const counter = countReplies(fake);

process.on('message', (m: ToChild) => {
  if (m.type === 'idle') idleWaiters.get(m.id)?.();
  else if (m.type === 'go') go?.();
  else if (m.type === 'load') void load(m).then(send);
  else if (m.type === 'webchat') void webchat(m).then(send);
  else if (m.type === 'ingress') void ingress(m).then(send);
});
process.on('disconnect', () => void fake.stop().then(() => process.exit(0)));
send({ type: 'ready', url: fake.url, token: fake.token });

function idle(): Promise<void> {
  const id = nextIdle++;
  return new Promise((resolve) => {
    idleWaiters.set(id, () => {
      idleWaiters.delete(id);
      resolve();
    });
    send({ type: 'idle', id });
  });
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const cpu = process.cpuUsage(since);
  return (cpu.user + cpu.system) / 1000;
}

function postUpdate(url: string, secret: string, chatId: number, text: string, messageId: number): Promise<number> {
  const update = telegramUpdate('text', { updateId: nextUpdateId++, chatId, messageId, text });
  const body = JSON.stringify(update);
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-telegram-bot-api-secret-token': secret };
  return call(`${url}/webhooks/telegram`, { method: 'POST', headers }, body);
}

/** One request over Telegram's connections (`agent`); resolves with the status once the body is read. */
function call(url: string, opts: RequestOptions, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { ...opts, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Opens Telegram's connections to `url` before a window: `max_connections` requests at once (a
 * GET of /health; any answer will do), whose sockets the agent keeps. Without this the window's
 * first updates each open a connection, and a busy Node server accepts one connection per
 * event-loop iteration (libuv >= 1.45), so 50 new chats' first replies took up to 2.3 s
 * (docs/performance.md); Telegram keeps its connections open instead.
 */
async function openConnections(url: string): Promise<void> {
  await Promise.all(Array.from({ length: TELEGRAM_MAX_CONNECTIONS }, () => call(`${url}/health`, { method: 'GET' })));
}

/** Counts the fake's successful sendMessage calls per chat (the fake records every call). */
function countReplies(api: FakeTelegramBotApi): ReplyCounter {
  const replies = new ReplyCounter();
  const calls = api.calls;
  const push = calls.push.bind(calls);
  calls.push = (...items) => {
    for (const c of items) if (c.method === 'sendMessage' && c.status === 200) replies.add(String(c.payload.chat_id));
    return push(...items);
  };
  return replies;
}

async function load(m: Extract<ToChild, { type: 'load' }>): Promise<FromChild> {
  const ids = Array.from({ length: m.chats + 1 }, () => nextChatId++);
  const say = async (chatId: number, i: number) => {
    const status = await postUpdate(m.url, m.secret, chatId, scriptLine(i), i + 1);
    if (status !== 200) throw new Error(`webhook answered ${status}`);
  };
  const calibration = ids[m.chats] as number;
  const replies = await calibrate(idle, m.steps, (i) => say(calibration, i), () => counter.count(String(calibration)));
  await openConnections(m.url);
  await new Promise<void>((resolve) => {
    go = resolve;
    send({ type: 'window' });
  });
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  const { pause } = m;
  await Promise.all(ids.slice(0, m.chats).map((id, c) => converse(String(id), replies, counter, (i) => say(id, i), latencies, pause && pauses(c + 1, pause[0], pause[1]))));
  return { type: 'loaded', latencies, cpuMs: cpuMs(cpu0) };
}

/** Web chat candidates: one Socket.IO client each (and one calibrating), each in a closed loop. */
async function webchat(m: Extract<ToChild, { type: 'webchat' }>): Promise<FromChild> {
  const replies = new ReplyCounter();
  const sockets = await Promise.all(Array.from({ length: m.clients + 1 }, (_, c) => connect(m.url, String(c), replies)));
  const say = (c: number, i: number) => new Promise<void>((resolve) => sockets[c]!.emit('message', { text: scriptLine(i), clientMessageId: `w${c}-${i}-${Date.now()}` }, () => resolve()));
  try {
    const steps = await calibrate(idle, m.steps, (i) => say(m.clients, i), () => replies.count(String(m.clients)));
    await new Promise<void>((resolve) => {
      go = resolve;
      send({ type: 'window' });
    });
    const latencies: number[] = [];
    const firstTurns: number[] = [];
    const cpu0 = process.cpuUsage();
    const { pause } = m;
    await Promise.all(sockets.slice(0, m.clients).map((_, c) => converse(String(c), steps, replies, (i) => say(c, i), latencies, pause && pauses(c + 1, pause[0], pause[1]), firstTurns)));
    return { type: 'loaded', latencies, cpuMs: cpuMs(cpu0), firstTurns };
  } finally {
    sockets.forEach((s) => s.close());
  }
}

/** Open loop: `concurrency` posters deliver `total` updates (one per new chat) as fast as they are accepted. */
async function ingress(m: Extract<ToChild, { type: 'ingress' }>): Promise<FromChild> {
  let sent = 0;
  const chatBase = nextChatId;
  nextChatId += m.total;
  await openConnections(m.url);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: m.concurrency }, async () => {
      while (sent < m.total) {
        const n = sent++;
        const status = await postUpdate(m.url, m.secret, chatBase + n, 'hi', 1);
        if (status !== 200) throw new Error(`webhook answered ${status}`);
      }
    }),
  );
  return { type: 'ingested', perSec: m.total / ((performance.now() - t0) / 1000), cpuMs: cpuMs(cpu0) };
}

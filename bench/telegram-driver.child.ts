/**
 * Child process of bench/full-product.bench.ts: everything on Telegram's side of the wire. The
 * fake Bot API (answering grammY's sendMessage, sendChatAction, ...) and the webhook posters run
 * here, so the bench process's CPU is Parley's own. Reports its own CPU per window too.
 *
 * Protocol (IPC): the child sends `ready` with the fake's root and token; the parent sends `load`
 * (closed-loop chats) or `ingress` (open-loop posting to a URL) and gets `loaded` / `ingested`.
 * While calibrating, the child asks the parent to wait for the engine (`idle`, answered with the
 * same id); before a measured window it sends `window` and starts when the parent answers `go`.
 */
import { FakeTelegramBotApi, telegramUpdate } from '../test/fakes/telegram-bot-api.js';
import { ReplyCounter, scriptLine } from './engine.bench.js';
import { calibrate, converse } from './full-product.bench.js';

export type ToChild =
  | { type: 'load'; url: string; secret: string; chats: number; steps: number }
  | { type: 'ingress'; url: string; secret: string; total: number; concurrency: number }
  | { type: 'idle'; id: number }
  | { type: 'go' };
export type FromChild =
  | { type: 'ready'; url: string; token: string }
  | { type: 'idle'; id: number }
  | { type: 'window' }
  | { type: 'loaded'; latencies: number[]; cpuMs: number }
  | { type: 'ingested'; perSec: number; cpuMs: number };

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
  return fetch(`${url}/webhooks/telegram`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
    body: JSON.stringify(update),
  }).then(async (res) => {
    await res.arrayBuffer();
    return res.status;
  });
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
  await new Promise<void>((resolve) => {
    go = resolve;
    send({ type: 'window' });
  });
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  await Promise.all(ids.slice(0, m.chats).map((id) => converse(String(id), replies, counter, (i) => say(id, i), latencies)));
  return { type: 'loaded', latencies, cpuMs: cpuMs(cpu0) };
}

/** Open loop: `concurrency` posters deliver `total` updates (one per new chat) as fast as they are accepted. */
async function ingress(m: Extract<ToChild, { type: 'ingress' }>): Promise<FromChild> {
  let sent = 0;
  const chatBase = nextChatId;
  nextChatId += m.total;
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

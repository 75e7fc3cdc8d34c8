import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderError, newId, type Candidate, type Conversation, type ConversationRef, type Message, type OutboundMessage } from '../domain/index.js';
import { ManualClock, silentLogger, type ChannelAdapter, type ChannelCapabilities } from '../ports/index.js';
import { SqliteStore } from '../store/embedded/sqlite-store.js';
import { InProcessEventBus } from './event-bus.js';
import { OutboundDispatcher } from './outbound.js';

const caps: ChannelCapabilities = { maxTextLength: 20, buttons: false, maxButtons: 0, lists: false, maxListItems: 0, templates: false, voice: false, typing: false, maxSendsPerSecond: Infinity };

/** A scripted channel: each send takes the next outcome (an error to throw, or success). */
class ScriptedChannel implements ChannelAdapter {
  readonly id = 'telegram' as const;
  readonly sent: OutboundMessage[] = [];
  constructor(
    private readonly outcomes: (Error | 'ok')[],
    readonly capabilities: ChannelCapabilities = caps,
  ) {}
  async send(_ref: ConversationRef, message: OutboundMessage) {
    const next = this.outcomes.shift() ?? 'ok';
    if (next instanceof Error) throw next;
    this.sent.push(message);
    return { providerMessageId: `p${this.sent.length}` };
  }
}

let store: SqliteStore;
let sleeps: number[];
beforeEach(() => {
  store = SqliteStore.open(':memory:');
  sleeps = [];
});
afterEach(async () => store.close());

interface Situation {
  /** The stored row as a previous process left it (e.g. `sending` after a crash). */
  row?: Partial<Message>;
  candidate?: Partial<Pick<Candidate, 'optedOut' | 'unreachable'>>;
  mode?: Conversation['mode'];
}

async function setup(channel: ScriptedChannel, text = 'hello', situation: Situation = {}) {
  const { conversation, candidate } = await store.ensureConversation({ channel: 'telegram', externalId: '42' }, { id: '42' }, new Date());
  if (situation.candidate) await store.saveCandidate({ ...candidate, ...situation.candidate });
  if (situation.mode) await store.commitTurn({ conversation: { ...conversation, mode: situation.mode }, messages: [], events: [] });
  const now = new Date();
  const message: Message = { id: newId('msg'), conversationId: conversation.id, channel: 'telegram', direction: 'out', author: 'bot', kind: 'text', text, status: 'queued', attempts: 0, createdAt: now, updatedAt: now, ...situation.row };
  await store.insertMessage(message);
  const bus = new InProcessEventBus();
  const events: string[] = [];
  bus.subscribe((e) => events.push(e.type));
  const dispatcher = new OutboundDispatcher({
    store,
    adapters: new Map([['telegram', channel]]),
    bus,
    clock: new ManualClock(),
    log: silentLogger,
    backoff: { maxAttempts: 4, baseMs: 100, maxMs: 1000 },
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 1,
  });
  dispatcher.enqueue(message);
  await dispatcher.drain();
  return { message: (await store.getMessage(message.id)) as Message, events, conversationId: conversation.id };
}

describe('OutboundDispatcher', () => {
  it('sends and records the provider id', async () => {
    const channel = new ScriptedChannel(['ok']);
    const { message, events } = await setup(channel);
    expect(message).toMatchObject({ status: 'sent', providerMessageId: 'p1', attempts: 1 });
    expect(events).toEqual(['MessageSent']);
  });

  it('retries 429 and 5xx with exponential backoff, honouring retry-after', async () => {
    const channel = new ScriptedChannel([
      new ProviderError('telegram', 'Too Many Requests', { status: 429, retryAfterMs: 3000 }),
      new ProviderError('telegram', 'Bad Gateway', { status: 502 }),
      'ok',
    ]);
    const { message } = await setup(channel);
    expect(sleeps).toEqual([3000, 200]);
    expect(message).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('gives up after maxAttempts and marks the message failed with the reason', async () => {
    const err = () => new ProviderError('telegram', 'Service Unavailable', { status: 503 });
    const { message, events } = await setup(new ScriptedChannel([err(), err(), err(), err(), err()]));
    expect(message).toMatchObject({ status: 'failed', attempts: 4, error: 'telegram: Service Unavailable' });
    expect(sleeps).toEqual([100, 200, 400]);
    expect(events).toEqual(['MessageFailed']);
  });

  it('does not retry permanent errors; an unreachable recipient marks the candidate', async () => {
    const { message, conversationId } = await setup(new ScriptedChannel([new ProviderError('telegram', 'Forbidden: bot was blocked by the user', { status: 403, unreachable: true })]));
    expect(message).toMatchObject({ status: 'failed', attempts: 1 });
    expect(sleeps).toEqual([]);
    const conversation = await store.getConversation(conversationId);
    expect(await store.getCandidate(conversation!.candidateId)).toMatchObject({ unreachable: true });
  });

  it('splits text longer than the channel allows into several sends', async () => {
    const channel = new ScriptedChannel([]);
    await setup(channel, 'one two three four five six seven eight');
    expect(channel.sent.map((m) => m.text)).toEqual(['one two three four', 'five six seven eight']);
  });

  it('sends the row it was handed without reading it back (in-process queue)', async () => {
    const channel = new ScriptedChannel([]);
    const { conversation } = await store.ensureConversation({ channel: 'telegram', externalId: '7' }, { id: '7' }, new Date());
    const now = new Date();
    const row: Message = { id: newId('msg'), conversationId: conversation.id, channel: 'telegram', direction: 'out', author: 'bot', kind: 'text', text: 'hi', status: 'queued', attempts: 0, createdAt: now, updatedAt: now };
    await store.insertMessage(row);
    const reads: string[] = [];
    const counting = new Proxy(store, { get: (target, key, receiver) => (key === 'getMessage' ? (id: string) => (reads.push(id), target.getMessage(id)) : Reflect.get(target, key, receiver)) });
    const dispatcher = new OutboundDispatcher({ store: counting, adapters: new Map([['telegram', channel]]), bus: new InProcessEventBus(), clock: new ManualClock(), log: silentLogger });
    dispatcher.enqueue(row);
    await dispatcher.drain();
    expect(channel.sent.map((m) => m.text)).toEqual(['hi']);
    expect(await store.getMessage(row.id)).toMatchObject({ status: 'sent' });
    expect(reads).toEqual([]);
  });

  it('skips a message that is already sent (re-drive is idempotent)', async () => {
    const channel = new ScriptedChannel([]);
    const { message } = await setup(channel);
    expect(channel.sent).toHaveLength(1);
    const again = new OutboundDispatcher({ store, adapters: new Map([['telegram', channel]]), bus: new InProcessEventBus(), clock: new ManualClock(), log: silentLogger });
    again.enqueue(message);
    await again.drain();
    expect(channel.sent).toHaveLength(1);
  });
});

describe('OutboundDispatcher: outbound policy', () => {
  const cases: [string, Situation, { status: string; suppressedReason?: string; sends: number }][] = [
    ['a bot message to a reachable candidate in bot mode goes out', {}, { status: 'sent', sends: 1 }],
    ['a bot message to an opted-out candidate is suppressed', { candidate: { optedOut: true } }, { status: 'suppressed', suppressedReason: 'opted-out', sends: 0 }],
    ['an operator message to an opted-out candidate is suppressed', { candidate: { optedOut: true }, mode: 'human', row: { author: 'operator' } }, { status: 'suppressed', suppressedReason: 'opted-out', sends: 0 }],
    ['the opt-out confirmation reaches an opted-out candidate', { candidate: { optedOut: true }, row: { purpose: 'opt-out-confirmation' } }, { status: 'sent', sends: 1 }],
    ['the opt-out confirmation passes in human mode too', { candidate: { optedOut: true }, mode: 'human', row: { purpose: 'opt-out-confirmation' } }, { status: 'sent', sends: 1 }],
    ['a bot message in human mode is suppressed', { mode: 'human' }, { status: 'suppressed', suppressedReason: 'human-mode', sends: 0 }],
    ['a system message (the apology) in human mode is suppressed', { mode: 'human', row: { author: 'system' } }, { status: 'suppressed', suppressedReason: 'human-mode', sends: 0 }],
    ['an operator message in human mode goes out', { mode: 'human', row: { author: 'operator' } }, { status: 'sent', sends: 1 }],
    ['nothing reaches an unreachable candidate', { candidate: { unreachable: true }, mode: 'human', row: { author: 'operator' } }, { status: 'suppressed', suppressedReason: 'unreachable', sends: 0 }],
  ];
  it.each(cases)('%s', async (_name, situation, expected) => {
    const channel = new ScriptedChannel([]);
    const { message, events } = await setup(channel, 'hello', situation);
    expect(channel.sent).toHaveLength(expected.sends);
    expect(message.status).toBe(expected.status);
    expect(message.suppressedReason).toBe(expected.suppressedReason);
    expect(events).toEqual(expected.sends ? ['MessageSent'] : ['MessageSuppressed']);
  });
});

describe('OutboundDispatcher: crash safety', () => {
  it('commits `sending` before the provider call, then `sent`', async () => {
    await store.close();
    const dir = mkdtempSync(join(tmpdir(), 'parley-outbound-'));
    store = SqliteStore.open(join(dir, 'parley.db'));
    // What a kill -9 would leave on disk: a second connection sees only committed data.
    const disk = new Database(join(dir, 'parley.db'), { readonly: true });
    const onDisk = () => (disk.prepare("SELECT status FROM messages WHERE direction = 'out'").get() as { status: string }).status;
    let statusDuringCall: string | undefined;
    const channel = new ScriptedChannel([]);
    const send = channel.send.bind(channel);
    channel.send = async (ref, message) => {
      statusDuringCall = onDisk();
      return send(ref, message);
    };
    const { message } = await setup(channel);
    expect(onDisk()).toBe('sent');
    disk.close();
    rmSync(dir, { recursive: true, force: true });
    expect(statusDuringCall).toBe('sending');
    expect(message).toMatchObject({ status: 'sent', attempts: 1 });
    expect(message.lastAttemptAt).toBeInstanceOf(Date);
  });

  it('resends a message a crash left `sending` (the default), from the first unacknowledged part', async () => {
    const channel = new ScriptedChannel([]);
    const { message } = await setup(channel, 'one two three four five six seven eight', { row: { status: 'sending', attempts: 1, partsSent: 1 } });
    expect(channel.sent.map((m) => m.text)).toEqual(['five six seven eight']);
    expect(message).toMatchObject({ status: 'sent', attempts: 2, partsSent: 2 });
  });

  it('holds a message a crash left `sending` on a channel that chose `hold`: not resent, failed for an operator', async () => {
    const channel = new ScriptedChannel([], { ...caps, inFlightAfterCrash: 'hold' });
    const { message, events } = await setup(channel, 'hello', { row: { status: 'sending', attempts: 1 } });
    expect(channel.sent).toHaveLength(0);
    expect(message.status).toBe('failed');
    expect(message.error).toMatch(/delivery unknown/);
    expect(events).toEqual(['MessageFailed']);
  });
});

describe('OutboundDispatcher: a first attempt reserved in the row\'s own commit', () => {
  /** A dispatcher over `store` (optionally wrapped) with `channel`, and a reserved row it stored and queued. */
  async function reservedSetup(channel: ScriptedChannel, situation: Situation = {}, wrap: (s: SqliteStore) => SqliteStore = (s) => s) {
    const { conversation, candidate } = await store.ensureConversation({ channel: 'telegram', externalId: '42' }, { id: '42' }, new Date());
    if (situation.candidate) await store.saveCandidate({ ...candidate, ...situation.candidate });
    const dispatcher = new OutboundDispatcher({ store: wrap(store), adapters: new Map([['telegram', channel]]), bus: new InProcessEventBus(), clock: new ManualClock(), log: silentLogger, sleep: async () => {}, random: () => 1 });
    const now = new Date();
    const row = dispatcher.reserveFirstAttempt({ id: newId('msg'), conversationId: conversation.id, channel: 'telegram', direction: 'out', author: 'bot', kind: 'text', text: 'hello', status: 'queued', attempts: 0, createdAt: now, updatedAt: now });
    return { dispatcher, row };
  }

  it('is reserved only for a channel that resends after a crash', async () => {
    const { row } = await reservedSetup(new ScriptedChannel([]));
    expect(row).toMatchObject({ status: 'queued', attempts: 1, lastAttemptAt: row.createdAt });
    const { row: held } = await reservedSetup(new ScriptedChannel([], { ...caps, inFlightAfterCrash: 'hold' }));
    expect(held).toMatchObject({ status: 'queued', attempts: 0 });
    expect(held.lastAttemptAt).toBeUndefined();
  });

  it('a reserved reply the policy stops gives its attempt back', async () => {
    const channel = new ScriptedChannel([]);
    const { dispatcher, row } = await reservedSetup(channel, { candidate: { optedOut: true } });
    await store.insertMessage(row);
    dispatcher.enqueue(row, { committedHere: true });
    await dispatcher.drain();
    expect(channel.sent).toHaveLength(0);
    const stored = await store.getMessage(row.id);
    expect(stored).toMatchObject({ status: 'suppressed', attempts: 0 });
    expect(stored?.lastAttemptAt).toBeUndefined();
  });

  it('after a store write of the dispatcher failed, a reserved first attempt commits `sending` first, so a failing store stops it before the call', async () => {
    const channel = new ScriptedChannel([]);
    let failing = false;
    const wrap = (raw: SqliteStore) =>
      new Proxy(raw, {
        get: (target, key, receiver) =>
          key === 'updateMessage' && failing
            ? async () => {
                throw new Error('SQLITE_IOERR: disk I/O error');
              }
            : (Reflect.get(target, key, receiver) as unknown),
      });
    const { dispatcher, row } = await reservedSetup(channel, {}, wrap);
    // A first reply goes out (reserved, no write before the call); its `sent` cannot be recorded.
    await store.insertMessage(row);
    failing = true;
    dispatcher.enqueue(row, { committedHere: true });
    await dispatcher.drain();
    expect(channel.sent).toHaveLength(1);
    // The next reserved reply, with the store still failing: no call without a write before it.
    const now = new Date();
    const { lastAttemptAt: _reserved, ...unreserved } = row;
    const second = dispatcher.reserveFirstAttempt({ ...unreserved, id: newId('msg'), attempts: 0, createdAt: now, updatedAt: now });
    expect(second.attempts).toBe(1);
    await store.insertMessage(second);
    dispatcher.enqueue(second, { committedHere: true });
    await dispatcher.drain();
    expect(channel.sent).toHaveLength(1);
    // The store back: a re-drive records the first as sent without a second call, and sends the other.
    failing = false;
    dispatcher.enqueue(row);
    dispatcher.enqueue(second);
    await dispatcher.drain();
    expect(channel.sent).toHaveLength(2);
    expect(await store.getMessage(row.id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await store.getMessage(second.id)).toMatchObject({ status: 'sent' });
  });
});

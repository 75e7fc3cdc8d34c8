import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Conversation, Message } from '../../core/domain/index.js';
import { SqliteStore } from '../../core/store/embedded/index.js';
import { SqliteConsoleStore } from '../store/sqlite-console-store.js';
import type { ConsoleStore, OperatorStore } from '../store/types.js';
import { ConversationViews } from './conversation-views.js';

/**
 * The list marks' writes (issue 13): a reply writes none (its preview is read with the marks), a
 * risk assessment and a needs-human change are one in-place write each, and the needs-human flag
 * is written only when it changed.
 */
const NOW = new Date('2026-12-01T10:00:00.000Z');
const risk = (minutes: number, level = 'high') => ({ level, score: 0.8, at: new Date(NOW.getTime() + minutes * 60_000).toISOString(), atRisk: level === 'high' });

let store: SqliteStore;
let consoleStore: SqliteConsoleStore;
let writes: string[];
let views: ConversationViews;
let conversation: Conversation;
let inbound: Message;

/** The console store, noting every marks write (and read) by method name. */
function countingWrites(target: ConsoleStore): ConsoleStore {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver) as unknown;
      if (typeof prop !== 'string' || !/^(changeMarks|saveMarks|getMarks)$/.test(prop) || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        writes.push(prop);
        return (value as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
}

beforeEach(async () => {
  store = SqliteStore.open(':memory:');
  consoleStore = new SqliteConsoleStore(store.database);
  writes = [];
  const operators = { findById: async () => undefined } as unknown as OperatorStore;
  views = new ConversationViews({ store, consoleStore: countingWrites(consoleStore), operators });
  const r = await store.recordInbound({ ref: { channel: 'webchat', externalId: 's1' }, providerMessageId: 'p1', sender: { id: 's1' }, kind: 'text', text: 'hi', receivedAt: NOW }, NOW);
  conversation = r.conversation;
  inbound = r.message;
});
afterEach(async () => {
  await store.close();
});

describe('conversation list marks writes', () => {
  it('a sent or failed reply writes no marks', async () => {
    await views.onInbound(inbound);
    writes = [];
    await views.onOutbound({ ...inbound, id: 'msg_reply', direction: 'out', author: 'bot', status: 'sent' });
    await views.onOutbound({ ...inbound, id: 'msg_failed', direction: 'out', author: 'bot', status: 'failed' });
    expect(writes).toEqual([]);
  });

  it('the needs-human flag: written in place when it changes (true once when it turns on), not written when it did not', async () => {
    await views.onInbound(inbound);
    writes = [];
    // The inbound write returned the flag a moment ago: the burst's sync reads nothing.
    expect(await views.syncNeedsHuman(conversation)).toBe(false);
    expect(writes).toEqual([]);
    expect(await views.syncNeedsHuman({ ...conversation, needsHuman: true })).toBe(true);
    expect(await views.syncNeedsHuman({ ...conversation, needsHuman: true })).toBe(false);
    expect(writes).toEqual(['getMarks', 'changeMarks']);
    expect(await consoleStore.getMarks(conversation.id)).toMatchObject({ unread: 1, needsHuman: true });
    expect(await views.syncNeedsHuman(conversation)).toBe(false);
    expect(await consoleStore.getMarks(conversation.id)).toMatchObject({ unread: 1, needsHuman: false });
  });

  it('a flag that differs from the one seen is read from the store (another process may have written it)', async () => {
    await views.onInbound(inbound);
    await consoleStore.changeMarks(conversation.id, { needsHuman: true });
    writes = [];
    expect(await views.syncNeedsHuman({ ...conversation, needsHuman: true })).toBe(false);
    expect(writes).toEqual(['getMarks']);
    expect(await consoleStore.getMarks(conversation.id)).toMatchObject({ unread: 1, needsHuman: true });
  });

  it('marks not stored yet are computed from the store before the flag is recorded (never "turned on")', async () => {
    expect(await views.syncNeedsHuman({ ...conversation, needsHuman: true })).toBe(false);
    expect(await consoleStore.getMarks(conversation.id)).toEqual({ conversationId: conversation.id, unread: 1, needsHuman: true });
  });

  it('a risk assessment is one in-place write; one assessed earlier and handled late leaves the later one', async () => {
    // Not stored yet: computed from the store (the message counted unread), with the risk.
    expect(await views.setRisk(conversation.id, risk(5))).toEqual({ conversationId: conversation.id, unread: 1, needsHuman: false, risk: risk(5) });
    await views.onInbound({ ...inbound, id: 'msg_2' });
    writes = [];
    expect((await views.setRisk(conversation.id, risk(1, 'low')))?.risk).toEqual(risk(5));
    expect((await views.setRisk(conversation.id, risk(9, 'medium')))?.risk).toEqual(risk(9, 'medium'));
    expect(writes).toEqual(['changeMarks', 'changeMarks']);
    expect(await consoleStore.getMarks(conversation.id)).toEqual({ conversationId: conversation.id, unread: 2, needsHuman: false, status: 'open', risk: risk(9, 'medium') });
  });
});

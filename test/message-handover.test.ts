/**
 * The message rows behind `MessageReceived` and `MessageSent` are handed to subscribers with their
 * events in process (`handOverMessage`), so the console feed pushes them without reading each one
 * back, and voice replies read the sent question from it (issue 13). The handed-over row must be
 * the stored row exactly: what operators see is unchanged.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import type { DomainEvent, Message } from '../core/domain/index.js';
import type { Middleware } from '../core/engine/index.js';
import { handedOverMessage, silentLogger, type Store } from '../core/ports/index.js';
import type { SqliteStore } from '../core/store/embedded/sqlite-store.js';
import type { Broadcaster } from '../operator-console/live/broadcaster.js';
import { LiveFeed } from '../operator-console/live/feed.js';
import type { Escalation } from '../operator-console/notifications/escalation.js';
import { SqliteConsoleStore } from '../operator-console/store/sqlite-console-store.js';
import type { OperatorStore } from '../operator-console/store/types.js';
import { ConversationViews } from '../operator-console/views/conversation-views.js';
import { toConsoleMessage } from '../operator-console/wire.js';
import { VoiceReplies } from '../core/voice/voice-replies.js';
import { TestAdapter } from './support/test-adapter.js';

let flow: TestAdapter | undefined;
afterEach(async () => {
  await flow?.close();
  flow = undefined;
});

/** A turn step that rewrites the candidate's text (as the voice middleware does with a transcript): the inbound row is patched. */
const rewrite: Middleware = async (ctx, next) => {
  if (ctx.message.text === 'rewrite me') ctx.message = { ...ctx.message, text: 'rewritten' };
  await next();
};

function messageEvents(flow: TestAdapter): { event: DomainEvent & { messageId: string }; row: Message | undefined }[] {
  const seen: { event: DomainEvent & { messageId: string }; row: Message | undefined }[] = [];
  flow.bus.subscribe((e) => {
    if (e.type === 'MessageReceived' || e.type === 'MessageSent') seen.push({ event: e, row: handedOverMessage(e) });
  });
  return seen;
}

/** The store, noting every `getMessage` id (the engine itself uses the raw store). */
function countingMessageReads(raw: SqliteStore, reads: string[]): Store {
  return new Proxy(raw, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== 'getMessage' || typeof value !== 'function') return value;
      return (id: string) => {
        reads.push(id);
        return (value as (id: string) => unknown).call(target, id);
      };
    },
  });
}

describe('message rows handed over with their events', () => {
  it('MessageReceived and MessageSent carry the row exactly as stored (patched inbound text included)', async () => {
    flow = await TestAdapter.start({ middleware: (chain) => [rewrite, ...chain] });
    const seen = messageEvents(flow);
    await flow.receive('hi');
    await flow.receive('rewrite me');
    expect(seen.filter((s) => s.event.type === 'MessageReceived')).toHaveLength(2);
    expect(seen.filter((s) => s.event.type === 'MessageSent').length).toBeGreaterThanOrEqual(2);
    for (const { event, row } of seen) expect(row).toEqual(await flow.raw.getMessage(event.messageId));
    const rewritten = seen.find((s) => s.event.type === 'MessageReceived' && s.row?.text === 'rewritten');
    expect(rewritten?.row?.status).toBe('processed');
  });

  it('the console feed pushes them and updates the list marks without reading them back', async () => {
    flow = await TestAdapter.start();
    const raw = flow.raw;
    const reads: string[] = [];
    const store = countingMessageReads(raw, reads);
    const consoleStore = new SqliteConsoleStore(raw.database);
    const operators = { findById: async () => undefined } as unknown as OperatorStore;
    const views = new ConversationViews({ store, consoleStore, operators });
    const pushed: { event: string; payload: unknown }[] = [];
    const broadcaster = { listening: () => true, toAll: (event: string, payload: unknown) => pushed.push({ event, payload }), toConversation: () => undefined } as unknown as Broadcaster;
    const escalation = { onConversationStarted: async () => undefined, onDeliveryFailed: async () => undefined, onInterviewCompleted: async () => undefined } as unknown as Escalation;
    const feed = new LiveFeed({ store, views, escalation, broadcaster, log: silentLogger });
    feed.start(flow.bus);
    await flow.receive('hi');
    await flow.receive('yes');
    await feed.idle();
    const conversation = await flow.conversation();
    const stored = await raw.listMessages(conversation.id);
    expect(stored.length).toBeGreaterThanOrEqual(4);
    // Every message pushed as stored, in order; none read back by the feed.
    expect(pushed.filter((p) => p.event === 'message').map((p) => p.payload)).toEqual(stored.map((m) => toConsoleMessage(m)));
    expect(reads).toEqual([]);
    const marks = await consoleStore.getMarks(conversation.id);
    expect(marks?.unread).toBe(2);
    expect((await views.summary(conversation)).lastMessage?.id).toBe(stored.at(-1)?.id);
  });

  it('voice replies read the sent bot message from its event, not the store', async () => {
    flow = await TestAdapter.start();
    const reads: string[] = [];
    const spoken: string[] = [];
    const replies = new VoiceReplies({ store: countingMessageReads(flow.raw, reads), log: silentLogger, synthesizer: () => undefined, adapter: () => undefined });
    flow.bus.subscribe((e) => {
      if (e.type === 'MessageSent' && e.actor === 'bot') spoken.push(e.messageId);
      return replies.onEvent(e);
    });
    await flow.receive('hi');
    await flow.receive('yes');
    expect(spoken.length).toBeGreaterThanOrEqual(2);
    expect(reads).toEqual([]);
  });
});

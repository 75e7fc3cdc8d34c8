import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ProviderError, newId, type ConversationRef, type Message, type OutboundMessage } from '../domain/index.js';
import { ManualClock, silentLogger, type ChannelAdapter, type ChannelCapabilities } from '../ports/index.js';
import { SqliteStore } from '../store/embedded/sqlite-store.js';
import { InProcessEventBus } from './event-bus.js';
import { OutboundDispatcher } from './outbound.js';

const caps: ChannelCapabilities = { maxTextLength: 20, buttons: false, maxButtons: 0, lists: false, maxListItems: 0, templates: false, voice: false, typing: false, maxSendsPerSecond: Infinity };

/** A scripted channel: each send takes the next outcome (an error to throw, or success). */
class ScriptedChannel implements ChannelAdapter {
  readonly id = 'telegram' as const;
  readonly capabilities = caps;
  readonly sent: OutboundMessage[] = [];
  constructor(private readonly outcomes: (Error | 'ok')[]) {}
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

async function setup(channel: ScriptedChannel, text = 'hello') {
  const { conversation } = await store.ensureConversation({ channel: 'telegram', externalId: '42' }, { id: '42' }, new Date());
  const now = new Date();
  const message: Message = { id: newId('msg'), conversationId: conversation.id, channel: 'telegram', direction: 'out', author: 'bot', kind: 'text', text, status: 'queued', attempts: 0, createdAt: now, updatedAt: now };
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

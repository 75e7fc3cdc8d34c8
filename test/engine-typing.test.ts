/**
 * "typing…" while a turn is slow, as botbuilder's ShowTypingMiddleware does it: shown once a turn
 * has run `delayMs` without finishing, then every `periodMs` until it does; a turn whose reply is
 * ready sooner shows none (Telegram recommends a chat action only "when a response from the bot
 * will take a noticeable amount of time"). A turn that sends nothing but asks for it (the
 * interview collecting an answer over its quiet period) shows it after its commit.
 *
 * A real Engine over a real SQLite store; the bot is the middleware below. Every "no typing" claim
 * is ordered against a later conversation's typing on timers of the same length: a leaked or
 * immediate indicator of the earlier turn would be recorded before it.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConversationRef, OutboundMessage } from '../core/domain/index.js';
import type { EngineDeps, Middleware } from '../core/engine/index.js';
import type { ChannelAdapter, ChannelCapabilities, Scheduler } from '../core/ports/index.js';
import { SqliteStore } from '../core/store/embedded/sqlite-store.js';
import { bareEngine } from './support/bare-engine.js';

const CAPS: ChannelCapabilities = { maxTextLength: 4096, buttons: false, maxButtons: 0, lists: false, maxListItems: 0, templates: false, voice: false, typing: true, maxSendsPerSecond: Infinity };

/** A chat app that records, in order, what each chat was shown: replies and "typing". */
class Chat implements ChannelAdapter {
  readonly id = 'telegram' as const;
  readonly capabilities = CAPS;
  readonly shown: string[] = [];
  private readonly waiters: { chat: string; n: number; resolve: () => void }[] = [];
  async send(ref: ConversationRef, message: OutboundMessage) {
    this.shown.push(`${ref.externalId}: ${message.text}`);
    return {};
  }
  async typing(ref: ConversationRef) {
    this.shown.push(`${ref.externalId}: typing`);
    for (const w of this.waiters.filter((w) => this.typings(w.chat) >= w.n)) w.resolve();
  }
  typings(chat: string): number {
    return this.shown.filter((s) => s === `${chat}: typing`).length;
  }
  /** Resolves once `chat` has been shown "typing" `n` times. */
  typed(chat: string, n = 1): Promise<void> {
    if (this.typings(chat) >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ chat, n, resolve }));
  }
}

const dirs: string[] = [];
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

async function boot(bot: (chat: Chat) => Middleware, typing: EngineDeps['typing'], scheduler?: Scheduler) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-typing-'));
  dirs.push(dir);
  const store = SqliteStore.open(join(dir, 'parley.db'));
  closers.push(() => store.close());
  const chat = new Chat();
  const engine = bareEngine({ store, adapters: new Map([['telegram', chat]]), middleware: [bot(chat)], typing, ...(scheduler ? { scheduler } : {}) });
  await engine.start();
  closers.push(() => engine.idle());
  let n = 0;
  const say = async (who: string, text: string) => {
    await engine.receive({ ref: { channel: 'telegram', externalId: who }, providerMessageId: `in-${++n}`, sender: { id: who }, kind: 'text', text, receivedAt: new Date() });
    await engine.idle();
  };
  return { chat, say, store, engine };
}

describe('"typing…" while a turn is slow', () => {
  it('a reply ready before the delay shows no typing; a turn still running after it shows typing, then its reply', async () => {
    const { chat, say } = await boot(
      (c) => async (ctx) => {
        // "slow": the turn is still running until its chat has been shown "typing".
        if (ctx.message.text === 'slow') await c.typed(ctx.conversation.ref.externalId);
        ctx.reply(`${ctx.message.text}: done`);
      },
      { delayMs: 30, periodMs: 60_000 },
    );
    await say('ana', 'quick');
    await say('bruno', 'slow');
    expect(chat.shown).toEqual(['ana: quick: done', 'bruno: typing', 'bruno: slow: done']);
  });

  it('stops once the turn is committed: effects still running after its reply never show typing', async () => {
    // Ana's job takes until Bruno's turn has shown typing: by then a timer of Ana's still running
    // (armed earlier, same delay) would have shown her "typing" after her reply.
    const scheduler: Scheduler = { schedule: () => booted.chat.typed('bruno'), cancel: async () => {} };
    const booted = await boot(
      (c) => async (ctx) => {
        if (ctx.message.text === 'slow') await c.typed(ctx.conversation.ref.externalId);
        ctx.reply(`${ctx.message.text}: done`);
        if (ctx.message.text === 'quick, then a job') ctx.effects.push({ type: 'schedule', job: { name: 'follow-up', key: 'k', runAt: new Date(), data: {} } });
      },
      { delayMs: 30, periodMs: 60_000 },
      scheduler,
    );
    const { chat, engine } = booted;
    const receive = (who: string, text: string) => engine.receive({ ref: { channel: 'telegram', externalId: who }, providerMessageId: `in-${who}`, sender: { id: who }, kind: 'text', text, receivedAt: new Date() });
    await receive('ana', 'quick, then a job');
    while (!chat.shown.includes('ana: quick, then a job: done')) await new Promise((resolve) => setImmediate(resolve));
    await receive('bruno', 'slow');
    await engine.idle();
    expect(chat.shown).toEqual(['ana: quick, then a job: done', 'bruno: typing', 'bruno: slow: done']);
  });

  it('shows typing again every period while the turn runs, and stops when it ends', async () => {
    const { chat, say } = await boot(
      (c) => async (ctx) => {
        const who = ctx.conversation.ref.externalId;
        if (ctx.message.text === 'slow') await c.typed(who, 3);
        if (ctx.message.text === 'slower') await c.typed(who, 4);
        ctx.reply(`${ctx.message.text}: done`);
      },
      { delayMs: 10, periodMs: 10 },
    );
    await say('ana', 'slow');
    // Carla's turn lasts four of the same periods after Ana's ended: a timer of Ana's still running
    // would have shown her "typing" again meanwhile.
    await say('carla', 'slower');
    expect(chat.shown).toEqual(['ana: typing', 'ana: typing', 'ana: typing', 'ana: slow: done', 'carla: typing', 'carla: typing', 'carla: typing', 'carla: typing', 'carla: slower: done']);
  });

  it('a turn that sends nothing and asks for typing (an answer being collected) shows it after its commit; with a reply it is not needed', async () => {
    let committed: boolean | undefined;
    const { chat, say, store } = await boot(
      () => async (ctx) => {
        if (ctx.message.text.startsWith('part')) ctx.effects.push({ type: 'typing' });
        if (ctx.message.text === 'part and reply') ctx.reply('got it');
      },
      { delayMs: 60_000 },
    );
    const typing = chat.typing.bind(chat);
    chat.typing = async (ref) => {
      // The inbound message is processed (the turn committed) when "typing" is shown.
      const conversation = await store.findConversationByRef(ref);
      committed = (await store.listMessages(conversation!.id)).every((m) => m.direction !== 'in' || m.status === 'processed');
      return typing(ref);
    };
    await say('ana', 'part');
    await say('bruno', 'part and reply');
    expect(chat.shown).toEqual(['ana: typing', 'bruno: got it']);
    expect(committed).toBe(true);
  });
});

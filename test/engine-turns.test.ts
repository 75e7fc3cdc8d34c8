import { afterEach, describe, expect, it } from '@jest/globals';
import { ManualClock, type ScheduledJob, type Scheduler, type TurnCommit } from '../core/ports/index.js';
import type { Middleware } from '../core/engine/index.js';
import type { SqliteStore } from '../core/store/embedded/sqlite-store.js';
import { eventually } from './support/harness.js';
import { TestAdapter } from './support/test-adapter.js';

// Written by hand, not read from the engine: what the candidate sees when a turn fails.
const APOLOGY = 'Sorry, something went wrong on our side. Please send that again in a moment.';
const GREETING = /recruiting assistant for Acme/;
const CONSENT = /agree to continue/;

let flow: TestAdapter | undefined;
afterEach(async () => {
  await flow?.close();
  flow = undefined;
});

/**
 * A store where someone else (the console, a job) writes the conversation right before the
 * turn's commit, `times` times: the turn's commit then meets a real version conflict.
 */
function concurrentWrites(times: number) {
  let left = times;
  return (raw: SqliteStore) =>
    new Proxy(raw, {
      get(target, prop, receiver) {
        if (prop !== 'commitTurn') return Reflect.get(target, prop, receiver) as unknown;
        return async (commit: TurnCommit) => {
          if (commit.inboundMessageId && left > 0) {
            left--;
            const current = await target.getConversation(commit.conversation.id);
            if (current) await target.commitTurn({ conversation: { ...current, needsHuman: true }, messages: [], events: [] });
          }
          return target.commitTurn(commit);
        };
      },
    });
}

const failOn = (text: string): Middleware => async (ctx, next) => {
  if (ctx.message.text === text) throw new Error('the interview bank is unreadable');
  await next();
};

async function eventsOf(f: TestAdapter, type: string) {
  const conversation = await f.conversation();
  return (await f.raw.listEvents({ conversationId: conversation.id })).filter((e) => e.type === type);
}

describe('TestAdapter drives the real engine and chain', () => {
  it('reads like a script', async () => {
    flow = await TestAdapter.start();
    await flow.send('hi').assertReply(GREETING).assertReply(CONSENT).assertNoReply();
  });
});

describe('commit on a concurrent write', () => {
  it.each([
    ['one concurrent write', 1],
    ['four concurrent writes', 4],
  ])('%s: the turn re-runs on the new state and commits once', async (_name, writes) => {
    flow = await TestAdapter.start({ wrapStore: concurrentWrites(writes) });
    await flow.send('hi').assertReply(GREETING).assertReply(CONSENT).assertNoReply();
    const conversation = await flow.conversation();
    const messages = await flow.raw.listMessages(conversation.id);
    expect(messages.map((m) => [m.direction, m.status])).toEqual([
      ['in', 'processed'],
      ['out', 'sent'],
      ['out', 'sent'],
    ]);
    expect(await eventsOf(flow, 'MessageReceived')).toHaveLength(1);
    expect(await eventsOf(flow, 'TurnFailed')).toHaveLength(0);
    // The other writer's change survived: the turn re-read, it did not overwrite.
    expect(conversation.needsHuman).toBe(true);
    expect(flow.errors).toEqual([]);
  });
});

describe('a turn that fails', () => {
  it.each([
    { name: 'a middleware throws, bot mode', mode: 'bot' as const, cause: 'throw' as const, told: [APOLOGY], error: 'the interview bank is unreadable' },
    { name: 'a middleware throws, a recruiter holds the chat', mode: 'human' as const, cause: 'throw' as const, told: [], error: 'the interview bank is unreadable' },
    { name: 'every commit meets a concurrent write, bot mode', mode: 'bot' as const, cause: 'conflicts' as const, told: [APOLOGY], error: 'changed since version' },
  ])('$name: TurnFailed stored, message failed, apology sent $told.length time(s)', async ({ mode, cause, told, error }) => {
    let conflicts = false;
    const writes = concurrentWrites(Infinity);
    flow = await TestAdapter.start({
      middleware: (chain) => [failOn('break'), ...chain],
      wrapStore: (raw) => {
        const racing = writes(raw);
        return new Proxy(raw, { get: (t, p, r) => (conflicts ? Reflect.get(racing, p, r) : Reflect.get(t, p, r)) as unknown });
      },
    });
    await flow.send('hi').assertReply(GREETING).assertReply(CONSENT);
    const before = await flow.conversation();
    if (mode === 'human') await flow.engine.mutate(before.id, ({ conversation }) => ({ conversation: { ...conversation, mode: 'human', assignedOperatorId: 'op_1', assignedOperatorName: 'Rita' } }));
    if (cause === 'conflicts') conflicts = true;

    let script = flow.send(cause === 'throw' ? 'break' : 'hello again');
    for (const text of told) script = script.assertReply(text);
    await script.assertNoReply();

    const messages = await flow.raw.listMessages(before.id);
    const inbound = messages.filter((m) => m.direction === 'in').at(-1)!;
    expect(inbound.status).toBe('failed');
    expect(inbound.error).toContain(error);
    const failed = await eventsOf(flow, 'TurnFailed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ messageId: inbound.id });
    // In human mode the apology is not even written: the recruiter speaks for the bot.
    expect(messages.filter((m) => m.text === APOLOGY)).toHaveLength(told.length);
    expect(flow.errors.filter((e) => e.source === 'turn')).toHaveLength(1);
  });
});

describe('an effect that fails after the commit', () => {
  it('a schedule the scheduler refused is kept in the outbox and runs on the next start, once', async () => {
    const clock = new ManualClock(new Date('2026-03-02T10:00:00Z'));
    const scheduled: ScheduledJob[] = [];
    let schedulerUp = false;
    const scheduler: Scheduler = {
      schedule: async (job) => {
        if (!schedulerUp) throw new Error('agenda: connection lost');
        scheduled.push(job);
      },
      cancel: async () => {},
    };
    const runAt = new Date('2026-03-03T09:00:00Z');
    const remind: Middleware = async (ctx, next) => {
      if (ctx.message.text === 'remind me') ctx.effects.push({ type: 'schedule', job: { name: 'reminder', key: `reminder:${ctx.conversation.id}`, runAt, data: { conversationId: ctx.conversation.id } } });
      await next();
    };
    flow = await TestAdapter.start({ clock, scheduler, middleware: (chain) => [remind, ...chain] });
    await flow.send('remind me').assertReply(GREETING).assertReply(CONSENT).assertNoReply();
    const conversation = await flow.conversation();
    expect(scheduled).toEqual([]);
    expect(await flow.engine.outbox.size()).toBe(1);
    expect(flow.errors.map((e) => [e.source, e.what, e.outcome])).toEqual([['effect', 'schedule', 'retried']]);

    // Still down at the next drain: kept, not dropped.
    clock.advance(60 * 60_000);
    expect(await flow.engine.outbox.drain()).toBe(0);
    expect(await flow.engine.outbox.size()).toBe(1);

    schedulerUp = true;
    clock.advance(2 * 60 * 60_000);
    await flow.engine.start();
    expect(scheduled).toEqual([{ name: 'reminder', key: `reminder:${conversation.id}`, runAt, data: { conversationId: conversation.id } }]);
    expect(await flow.engine.outbox.size()).toBe(0);
    expect(await flow.engine.outbox.drain({ all: true })).toBe(0);
    expect(scheduled).toHaveLength(1);
  });
});

describe('the effect outbox, drained periodically', () => {
  it('a notice the console could not store is delivered by a later drain, without a restart', async () => {
    const clock = new ManualClock(new Date('2026-03-02T10:00:00Z'));
    const delivered: string[] = [];
    let consoleUp = true;
    const escalate: Middleware = async (ctx, next) => {
      if (ctx.message.text === 'blue sky') ctx.effects.push({ type: 'notifyOperators', kind: 'needs-human', title: 'Ana asked for a recruiter', body: 'She wrote /human' });
      await next();
    };
    // A console that goes down for a while.
    const notifyOperators = async (n: { title: string }) => {
      if (!consoleUp) throw new Error('console store locked');
      delivered.push(n.title);
    };
    flow = await TestAdapter.start({ clock, outboxRetryMs: 20, notifyOperators, middleware: (chain) => [escalate, ...chain] });
    await flow.send('hi');
    const before = delivered.length;
    consoleUp = false;
    await flow.send('blue sky');
    expect(await flow.engine.outbox.size()).toBe(1);
    consoleUp = true;
    clock.advance(60 * 60_000);
    await eventually(async () => delivered.length > before && (await flow!.engine.outbox.size()) === 0, 'a periodic drain to deliver the notice');
    expect(delivered.slice(before)).toEqual(['Ana asked for a recruiter']);
  });
});

describe('a send the dispatcher could not record', () => {
  // The reply's first attempt was counted in the turn's commit (web chat resends after a crash),
  // so the reply goes out; its `sent` cannot be recorded. The acknowledgement is kept: a re-drive
  // records it without a second send. (A channel that holds, or a retry, commits `sending` first,
  // so a failing store stops those before the provider call: core/engine/outbound.test.ts.)
  it('reaches the error sink, stays queued, and is recorded sent on the next start without a second send', async () => {
    let storeDown = false;
    flow = await TestAdapter.start({
      wrapStore: (raw) =>
        new Proxy(raw, {
          get(target, prop, receiver) {
            if (prop !== 'updateMessage' || !storeDown) return Reflect.get(target, prop, receiver) as unknown;
            return async () => {
              throw new Error('SQLITE_IOERR: disk I/O error');
            };
          },
        }),
    });
    await flow.send('hi').assertReply(GREETING).assertReply(CONSENT);
    storeDown = true;
    await flow.send('yes').assertReply(/What is your name/).assertNoReply();
    expect(flow.errors.map((e) => [e.source, String(e.err)])).toEqual([['queue', 'Error: SQLITE_IOERR: disk I/O error']]);
    const conversation = await flow.conversation();
    const reply = (await flow.raw.listMessages(conversation.id)).at(-1)!;
    expect([reply.direction, reply.status, reply.attempts]).toEqual(['out', 'queued', 1]);

    storeDown = false;
    await flow.engine.start();
    await flow.assertNoReply();
    expect(await flow.raw.getMessage(reply.id)).toMatchObject({ status: 'sent', attempts: 1 });
  });
});

// TakeoverService against an in-memory engine that keeps the `mutate`/`send` contract
// (engine.ts): what each desk gets back, what the candidate is sent, and what is recorded.
import { describe, expect, it } from '@jest/globals';
import type { Candidate, Conversation, Message, MessageAuthor, NewDomainEvent, OutboundMessage } from '../domain/index.js';
import type { TakeoverActor } from './rules.js';
import { TakeoverService } from './takeover-service.js';

const at = new Date('2026-01-01T00:00:00Z');
const rui: TakeoverActor = { id: 'telegram:1', name: 'Rui', role: 'recruiter' };
const teo: TakeoverActor = { id: 'op_2', name: 'Teo', role: 'recruiter' };
const adele: TakeoverActor = { id: 'op_3', name: 'Adele', role: 'admin' };
const vera: TakeoverActor = { id: 'op_4', name: 'Vera', role: 'viewer' };
const botMode: Conversation = { id: 'conv_1', ref: { channel: 'telegram', externalId: '1' }, candidateId: 'cand_1', mode: 'bot', stage: 'screening', needsHuman: true, state: {}, version: 1, lastActivityAt: at, createdAt: at, updatedAt: at };
const heldBy = (op: TakeoverActor): Conversation => ({ ...botMode, mode: 'human', needsHuman: false, assignedOperatorId: op.id, assignedOperatorName: op.name });
const person: Candidate = { id: 'cand_1', stage: 'screening', optedOut: false, unreachable: false, createdAt: at, updatedAt: at };

interface Sent { text: string; purpose?: string; author: MessageAuthor; authorId?: string }

/** One conversation and its candidate; `mutate` commits like the engine (events, bot replies, actor). */
function desk(conversation: Conversation, candidate: Candidate = person, pending?: (c: Conversation) => OutboundMessage | undefined) {
  const state = { conversation, sent: [] as Sent[], events: [] as (NewDomainEvent & { by: string })[], commits: 0 };
  const engine = {
    async mutate(id: string, change: (c: { conversation: Conversation; candidate: Candidate; now: Date }) => { conversation: Conversation; events?: NewDomainEvent[]; replies?: OutboundMessage[]; actor?: string } | undefined) {
      if (id !== state.conversation.id) return undefined;
      const result = change({ conversation: structuredClone(state.conversation), candidate: structuredClone(candidate), now: at });
      if (!result) return state.conversation;
      state.commits++;
      state.conversation = { ...result.conversation, version: state.conversation.version + 1 };
      for (const e of result.events ?? []) state.events.push({ ...e, by: result.actor ?? 'system' });
      for (const r of result.replies ?? []) state.sent.push({ text: r.text, ...(r.purpose ? { purpose: r.purpose } : {}), author: 'bot' });
      return state.conversation;
    },
    async send(id: string, message: OutboundMessage, author: MessageAuthor, authorId?: string) {
      state.sent.push({ text: message.text, ...(message.purpose ? { purpose: message.purpose } : {}), author, ...(authorId ? { authorId } : {}) });
      return { id: `msg_${state.sent.length}`, conversationId: id, text: message.text, author } as unknown as Message;
    },
  };
  const service = new TakeoverService({ engine: () => engine, pendingPrompt: () => pending });
  return { service, state };
}

describe('takeover', () => {
  it('holds the conversation and tells the candidate who joined, as that operator', async () => {
    const { service, state } = desk(botMode);
    const result = await service.takeover(rui, 'conv_1');
    expect(result).toEqual({ ok: true, changed: true, conversation: state.conversation });
    expect(state.conversation).toMatchObject({ mode: 'human', assignedOperatorId: 'telegram:1', assignedOperatorName: 'Rui', needsHuman: false });
    expect(state.sent).toEqual([{ text: 'Rui from the recruiting team has joined the chat.', purpose: 'takeover-joined', author: 'operator', authorId: 'telegram:1' }]);
    expect(state.events).toEqual([{ type: 'OperatorTakeover', operatorId: 'telegram:1', by: 'operator:telegram:1' }]);
  });

  it('an admin forcing it says whom it was taken from', async () => {
    const { service, state } = desk(heldBy(teo));
    const result = await service.takeover(adele, 'conv_1', { force: true });
    expect(result).toMatchObject({ ok: true, changed: true, previous: 'op_2' });
    expect(state.conversation.assignedOperatorId).toBe('op_3');
    expect(state.sent.map((m) => m.text)).toEqual(['Adele from the recruiting team has joined the chat.']);
  });

  it('refuses when someone else holds it, naming them, and changes and sends nothing', async () => {
    const { service, state } = desk(heldBy(teo));
    expect(await service.takeover(rui, 'conv_1')).toEqual({ ok: false, refused: 'held', heldBy: 'op_2', heldByName: 'Teo', conversation: heldBy(teo) });
    expect(await service.takeover(vera, 'conv_1')).toEqual({ ok: false, refused: 'viewer', conversation: heldBy(teo) });
    expect(state).toMatchObject({ commits: 0, sent: [], conversation: heldBy(teo) });
  });

  it('taking one you already hold changes nothing and tells the candidate nothing', async () => {
    const { service, state } = desk(heldBy(rui));
    expect(await service.takeover(rui, 'conv_1')).toEqual({ ok: true, changed: false, conversation: heldBy(rui) });
    expect(state.sent).toEqual([]);
  });

  it('an unknown conversation gives undefined everywhere', async () => {
    const { service } = desk(botMode);
    expect(await service.takeover(rui, 'conv_x')).toBeUndefined();
    expect(await service.handback(rui, 'conv_x')).toBeUndefined();
    expect(await service.lapse('telegram:1', 'conv_x', 'offline')).toBe(false);
  });
});

describe('handback', () => {
  const prompt = (c: Conversation): OutboundMessage => ({ text: `Back to the question for ${c.mode}: what is a closure?` });

  it('in one commit: the candidate is told who left, then the bot re-asks its pending question', async () => {
    const { service, state } = desk(heldBy(rui), person, prompt);
    const result = await service.handback(rui, 'conv_1', '  asked about salary  ');
    expect(result).toEqual({ ok: true, conversation: state.conversation, resumedWith: 'Back to the question for bot: what is a closure?' });
    expect(state.commits).toBe(1);
    expect(state.conversation).toMatchObject({ mode: 'bot', needsHuman: false });
    expect(state.conversation.assignedOperatorId).toBeUndefined();
    expect(state.sent).toEqual([
      { text: "Rui has left the chat. I'll take it from here.", purpose: 'takeover-left', author: 'bot' },
      { text: 'Back to the question for bot: what is a closure?', author: 'bot' },
    ]);
    expect(state.events).toEqual([{ type: 'OperatorHandback', operatorId: 'telegram:1', summary: 'asked about salary', by: 'operator:telegram:1' }]);
  });

  it('with nothing pending and a blank summary: only the goodbye, no summary recorded', async () => {
    const { service, state } = desk(heldBy(rui));
    expect(await service.handback(rui, 'conv_1', '   ')).toEqual({ ok: true, conversation: state.conversation });
    expect(state.sent.map((m) => m.text)).toEqual(["Rui has left the chat. I'll take it from here."]);
    expect(state.events).toEqual([{ type: 'OperatorHandback', operatorId: 'telegram:1', by: 'operator:telegram:1' }]);
  });

  it('an admin handing back for someone else: the candidate hears that person left', async () => {
    const { service, state } = desk(heldBy(teo));
    await service.handback(adele, 'conv_1');
    expect(state.sent.map((m) => m.text)).toEqual(["Teo has left the chat. I'll take it from here."]);
  });

  it('tells the operator when the bot may not write to the candidate (opted out)', async () => {
    const { service } = desk(heldBy(rui), { ...person, optedOut: true }, prompt);
    expect(await service.handback(rui, 'conv_1')).toMatchObject({ ok: true, suppressed: 'opted-out', resumedWith: expect.any(String) });
  });

  it('refuses when nobody holds it or someone else does', async () => {
    const bot = desk(botMode);
    expect(await bot.service.handback(rui, 'conv_1')).toEqual({ ok: false, refused: 'not-held', conversation: botMode });
    const other = desk(heldBy(teo));
    expect(await other.service.handback(rui, 'conv_1')).toEqual({ ok: false, refused: 'held', heldBy: 'op_2', heldByName: 'Teo', conversation: heldBy(teo) });
    expect([bot.state.sent, other.state.sent]).toEqual([[], []]);
  });
});

describe('reply', () => {
  it('the holder writes to the candidate as the operator', async () => {
    const { service, state } = desk(heldBy(rui));
    const result = await service.reply(rui, heldBy(rui), person, 'Hi, Rui here.');
    expect(result).toMatchObject({ ok: true, message: { text: 'Hi, Rui here.' } });
    expect(state.sent).toEqual([{ text: 'Hi, Rui here.', author: 'operator', authorId: 'telegram:1' }]);
  });

  it('anyone else is refused, and an opted-out candidate is not written to; nothing is sent', async () => {
    const { service, state } = desk(heldBy(rui));
    expect(await service.reply(teo, heldBy(rui), person, 'hi')).toEqual({ ok: false, refusal: { refused: 'held', heldBy: 'telegram:1', heldByName: 'Rui' } });
    expect(await service.reply(teo, botMode, person, 'hi')).toEqual({ ok: false, refusal: { refused: 'not-held' } });
    expect(await service.reply(vera, heldBy(rui), person, 'hi')).toEqual({ ok: false, refusal: { refused: 'viewer' } });
    expect(await service.reply(rui, heldBy(rui), { ...person, optedOut: true }, 'hi')).toEqual({ ok: false, suppressed: 'opted-out' });
    expect(state.sent).toEqual([]);
  });
});

describe('lapse', () => {
  it("releases the holder's lapsed hold for a human to pick up, recorded as the system", async () => {
    const { service, state } = desk(heldBy(rui));
    expect(await service.lapse('telegram:1', 'conv_1', 'offline past the grace period')).toBe(true);
    expect(state.conversation).toMatchObject({ mode: 'human', needsHuman: true });
    expect(state.conversation.assignedOperatorId).toBeUndefined();
    expect(state.events).toEqual([{ type: 'ConversationUnassigned', operatorId: 'telegram:1', reason: 'offline past the grace period', by: 'system' }]);
  });

  it('does nothing when the hold is no longer theirs', async () => {
    const { service, state } = desk(heldBy(teo));
    expect(await service.lapse('telegram:1', 'conv_1', 'offline')).toBe(false);
    expect(state).toMatchObject({ commits: 0, conversation: heldBy(teo) });
  });
});

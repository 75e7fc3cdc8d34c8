/**
 * The Store contract: one behaviour suite every Store adapter must pass. Call it from an
 * adapter's test file with a factory that returns a fresh, empty store.
 *
 * @example
 * runStoreContract('sqlite', async () => SqliteStore.open(':memory:'));
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConcurrencyError, newId, type DomainEvent, type InboundMessage, type Message } from '../../core/domain/index.js';
import type { Store } from '../../core/ports/index.js';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

export function inbound(externalId: string, providerMessageId: string, text = 'hi', extra: Partial<InboundMessage> = {}): InboundMessage {
  return {
    ref: { channel: 'webchat', externalId },
    providerMessageId,
    sender: { id: externalId },
    kind: 'text',
    text,
    receivedAt: T0,
    ...extra,
  };
}

function botMessage(conversationId: string, text: string, createdAt: Date, id = newId('msg')): Message {
  return {
    id,
    conversationId,
    channel: 'webchat',
    direction: 'out',
    author: 'bot',
    kind: 'text',
    text,
    status: 'queued',
    attempts: 0,
    createdAt,
    updatedAt: createdAt,
  };
}

export function runStoreContract(name: string, factory: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    it('creates a conversation and candidate on first contact, and finds them again', async () => {
      const first = await store.ensureConversation({ channel: 'webchat', externalId: 's1' }, { id: 's1' }, T0);
      expect(first.created).toBe(true);
      expect(first.conversation).toMatchObject({ mode: 'bot', stage: 'new', version: 0, candidateId: first.candidate.id });
      const again = await store.ensureConversation({ channel: 'webchat', externalId: 's1' }, { id: 's1' }, at(5));
      expect(again.created).toBe(false);
      expect(again.conversation.id).toBe(first.conversation.id);
      expect(await store.findConversationByRef({ channel: 'webchat', externalId: 's1' })).toMatchObject({ id: first.conversation.id });
      expect(await store.getCandidate(first.candidate.id)).toMatchObject({ id: first.candidate.id, stage: 'new' });
      expect(await store.findConversationByRef({ channel: 'telegram', externalId: 's1' })).toBeUndefined();
    });

    it('links conversations on two channels to one candidate by phone', async () => {
      const a = await store.ensureConversation({ channel: 'whatsapp', externalId: '+4915112345678', provider: 'twilio' }, { id: 'x', phone: '+4915112345678' }, T0);
      const b = await store.ensureConversation({ channel: 'telegram', externalId: '777' }, { id: '777', phone: '+4915112345678' }, at(1));
      expect(b.conversation.id).not.toBe(a.conversation.id);
      expect(b.candidate.id).toBe(a.candidate.id);
    });

    it('records an inbound message as pending and deduplicates on (channel, providerMessageId)', async () => {
      const r1 = await store.recordInbound(inbound('s1', 'p1', 'hello'), at(1));
      expect(r1.duplicate).toBe(false);
      expect(r1.message).toMatchObject({ direction: 'in', author: 'candidate', status: 'pending', text: 'hello', providerMessageId: 'p1' });
      expect(r1.conversation.lastCandidateMessageAt?.toISOString()).toBe(at(1).toISOString());
      const r2 = await store.recordInbound(inbound('s1', 'p1', 'hello again'), at(2));
      expect(r2.duplicate).toBe(true);
      expect(r2.message.id).toBe(r1.message.id);
      expect(await store.listMessages(r1.conversation.id)).toHaveLength(1);
      // Same provider id on another channel is another message.
      const other = await store.recordInbound({ ...inbound('s1', 'p1'), ref: { channel: 'telegram', externalId: 's1' } }, at(3));
      expect(other.duplicate).toBe(false);
      expect(await store.findMessageByProviderId('webchat', 'p1')).toMatchObject({ id: r1.message.id });
    });

    it('lists pending inbound oldest first until the turn commits', async () => {
      const a = await store.recordInbound(inbound('s1', 'p1', 'one'), at(1));
      await store.recordInbound(inbound('s2', 'p2', 'two'), at(2));
      expect((await store.listPendingInbound()).map((m) => m.text)).toEqual(['one', 'two']);
      await store.commitTurn({ inboundMessageId: a.message.id, conversation: a.conversation, messages: [], events: [] });
      expect((await store.listPendingInbound()).map((m) => m.text)).toEqual(['two']);
      expect(await store.getMessage(a.message.id)).toMatchObject({ status: 'processed' });
    });

    it('commits a turn atomically, bumps the version, and rejects a stale version', async () => {
      const r = await store.recordInbound(inbound('s1', 'p1'), at(1));
      const reply = botMessage(r.conversation.id, 'Hello!', at(2));
      const event: DomainEvent = { id: newId('evt'), type: 'CandidateStateChanged', at: at(2), actor: 'bot', conversationId: r.conversation.id, candidateId: r.candidate.id, from: 'new', to: 'intake' };
      const next = await store.commitTurn({
        inboundMessageId: r.message.id,
        conversation: { ...r.conversation, stage: 'intake', state: { step: 'consent' }, updatedAt: at(2) },
        candidate: { ...r.candidate, stage: 'intake', updatedAt: at(2) },
        messages: [reply],
        events: [event],
      });
      expect(next.version).toBe(r.conversation.version + 1);
      expect(await store.getConversation(r.conversation.id)).toMatchObject({ stage: 'intake', state: { step: 'consent' }, version: next.version });
      expect(await store.getCandidate(r.candidate.id)).toMatchObject({ stage: 'intake' });
      expect((await store.listMessages(r.conversation.id)).map((m) => [m.author, m.text])).toEqual([
        ['candidate', 'hi'],
        ['bot', 'Hello!'],
      ]);
      expect(await store.listEvents({ conversationId: r.conversation.id })).toEqual([event]);
      await expect(store.commitTurn({ conversation: r.conversation, messages: [], events: [] })).rejects.toBeInstanceOf(ConcurrencyError);
    });

    it('is idempotent when a turn is re-applied with the same message ids', async () => {
      const r = await store.recordInbound(inbound('s1', 'p1'), at(1));
      const reply = botMessage(r.conversation.id, 'Hello!', at(2), 'msg_fixed');
      const v1 = await store.commitTurn({ conversation: r.conversation, messages: [reply], events: [] });
      await store.commitTurn({ conversation: v1, messages: [reply], events: [] });
      expect((await store.listMessages(r.conversation.id)).filter((m) => m.direction === 'out')).toHaveLength(1);
    });

    it('keeps activity stamps moving forward when a turn commits an older read', async () => {
      const r = await store.recordInbound(inbound('s1', 'p1'), at(1));
      await store.recordInbound(inbound('s1', 'p2'), at(10));
      const committed = await store.commitTurn({ conversation: { ...r.conversation, lastActivityAt: at(2) }, messages: [], events: [] });
      expect(committed.lastActivityAt.toISOString()).toBe(at(10).toISOString());
      expect(committed.lastCandidateMessageAt?.toISOString()).toBe(at(10).toISOString());
    });

    it('tracks outbound delivery status and lists unsent messages for re-drive', async () => {
      const { conversation } = await store.ensureConversation({ channel: 'webchat', externalId: 's1' }, { id: 's1' }, T0);
      const a = botMessage(conversation.id, 'a', at(1));
      const b = botMessage(conversation.id, 'b', at(2));
      await store.insertMessage(a);
      await store.insertMessage(b);
      await store.insertMessage(a); // idempotent
      expect((await store.listUnsentOutbound()).map((m) => m.text)).toEqual(['a', 'b']);
      const sent = await store.updateMessage(a.id, { status: 'sent', providerMessageId: 'prov-a', attempts: 1 }, at(3));
      expect(sent).toMatchObject({ status: 'sent', providerMessageId: 'prov-a', attempts: 1 });
      expect(sent?.updatedAt.toISOString()).toBe(at(3).toISOString());
      expect((await store.listUnsentOutbound()).map((m) => m.text)).toEqual(['b']);
      expect(await store.findMessageByProviderId('webchat', 'prov-a')).toMatchObject({ id: a.id });
      expect(await store.statusCounts('out')).toEqual({ sent: 1, queued: 1 });
      expect(await store.updateMessage('missing', { status: 'sent' }, at(4))).toBeUndefined();
    });

    it('appends events in the same update as a status change', async () => {
      const { conversation } = await store.ensureConversation({ channel: 'webchat', externalId: 's1' }, { id: 's1' }, T0);
      const m = botMessage(conversation.id, 'a', at(1));
      await store.insertMessage(m);
      const sent: DomainEvent = { id: newId('evt'), type: 'MessageSent', at: at(2), actor: 'bot', conversationId: conversation.id, messageId: m.id, channel: 'webchat' };
      await store.updateMessage(m.id, { status: 'sent' }, at(2), [sent]);
      expect(await store.listEvents({ conversationId: conversation.id })).toEqual([sent]);
    });

    it('refuses an invalid date with a ValidationError naming the field, and keeps the row as it was', async () => {
      const { conversation } = await store.ensureConversation({ channel: 'webchat', externalId: 's1' }, { id: 's1' }, T0);
      const m = botMessage(conversation.id, 'a', at(1));
      await store.insertMessage(m);
      const invalid = new Date(Number.NaN);
      await expect(store.updateMessage(m.id, { status: 'delivered' }, invalid)).rejects.toMatchObject({ code: 'VALIDATION', issues: [expect.stringContaining('updatedAt')] });
      const event: DomainEvent = { id: newId('evt'), type: 'MessageSent', at: invalid, actor: 'bot', conversationId: conversation.id, messageId: m.id, channel: 'webchat' };
      await expect(store.updateMessage(m.id, { status: 'sent' }, at(2), [event])).rejects.toMatchObject({ code: 'VALIDATION' });
      await expect(store.insertMessage(botMessage(conversation.id, 'b', invalid))).rejects.toMatchObject({ code: 'VALIDATION' });
      const stored = await store.getMessage(m.id);
      expect(stored?.status).toBe('queued');
      expect(stored?.updatedAt.toISOString()).toBe(at(1).toISOString());
      expect(await store.listEvents({ conversationId: conversation.id })).toEqual([]);
    });

    it('returns the newest N messages oldest first', async () => {
      const { conversation } = await store.ensureConversation({ channel: 'webchat', externalId: 's1' }, { id: 's1' }, T0);
      for (let i = 0; i < 5; i++) await store.insertMessage(botMessage(conversation.id, `m${i}`, at(i)));
      expect((await store.listMessages(conversation.id, { limit: 3 })).map((m) => m.text)).toEqual(['m2', 'm3', 'm4']);
    });

    it('lists and filters conversations, counts candidates by stage', async () => {
      const a = await store.recordInbound(inbound('s1', 'p1'), at(1));
      await store.recordInbound(inbound('s2', 'p2'), at(2));
      await store.commitTurn({
        conversation: { ...a.conversation, stage: 'screening', mode: 'human', needsHuman: true },
        candidate: { ...a.candidate, stage: 'screening' },
        messages: [],
        events: [],
      });
      expect((await store.listConversations()).map((c) => c.ref.externalId)).toEqual(['s2', 's1']);
      expect((await store.listConversations({ mode: 'human' })).map((c) => c.ref.externalId)).toEqual(['s1']);
      expect((await store.listConversations({ needsHuman: true })).map((c) => c.ref.externalId)).toEqual(['s1']);
      expect((await store.listConversations({ stage: 'new' })).map((c) => c.ref.externalId)).toEqual(['s2']);
      expect(await store.listConversations({ limit: 1, offset: 1 })).toHaveLength(1);
      expect(await store.countByStage()).toEqual({ new: 1, screening: 1 });
      expect(await store.listCandidates()).toHaveLength(2);
    });

    it('lists only engaged conversations before applying the limit', async () => {
      const written = await store.recordInbound(inbound('s1', 'p1'), at(1));
      const touched = await store.ensureConversation({ channel: 'webchat', externalId: 's2' }, { id: 's2' }, at(2));
      await store.commitTurn({ conversation: { ...touched.conversation, needsHuman: true }, messages: [], events: [] });
      // Newer than both, but nobody wrote and nothing happened: empty chat pages.
      for (let i = 0; i < 3; i++) await store.ensureConversation({ channel: 'webchat', externalId: `empty-${i}` }, { id: `empty-${i}` }, at(10 + i));
      expect((await store.listConversations({ limit: 2 })).map((c) => c.ref.externalId)).toEqual(['empty-2', 'empty-1']);
      expect((await store.listConversations({ engaged: true, limit: 2 })).map((c) => c.ref.externalId)).toEqual(['s2', 's1']);
      expect((await store.listConversations({ engaged: true, candidateId: written.candidate.id })).map((c) => c.id)).toEqual([written.conversation.id]);
    });

    it('filters events by conversation, type and time', async () => {
      const mk = (type: 'ConversationStarted' | 'CandidateOptedOut', s: number, conversationId: string): DomainEvent =>
        type === 'ConversationStarted'
          ? { id: newId('evt'), type, at: at(s), actor: 'system', conversationId, channel: 'webchat' }
          : { id: newId('evt'), type, at: at(s), actor: 'candidate', conversationId };
      await store.appendEvents([mk('ConversationStarted', 1, 'c1'), mk('CandidateOptedOut', 2, 'c1'), mk('ConversationStarted', 3, 'c2')]);
      expect((await store.listEvents({ conversationId: 'c1' })).map((e) => e.type)).toEqual(['ConversationStarted', 'CandidateOptedOut']);
      expect((await store.listEvents({ types: ['ConversationStarted'] })).map((e) => e.conversationId)).toEqual(['c1', 'c2']);
      expect((await store.listEvents({ after: at(1) })).map((e) => e.at.toISOString())).toEqual([at(2).toISOString(), at(3).toISOString()]);
    });

    it('stores small JSON documents by namespace and key', async () => {
      await store.kvSet('baileys', 'creds', { me: { id: '1@s.whatsapp.net' }, n: 1 });
      await store.kvSet('baileys', 'keys:pre-key:1', [1, 2, 3]);
      await store.kvSet('other', 'creds', 'x');
      expect(await store.kvGet('baileys', 'creds')).toEqual({ me: { id: '1@s.whatsapp.net' }, n: 1 });
      await store.kvSet('baileys', 'creds', { n: 2 });
      expect(await store.kvGet('baileys', 'creds')).toEqual({ n: 2 });
      expect((await store.kvList('baileys')).map((e) => e.key)).toEqual(['creds', 'keys:pre-key:1']);
      await store.kvDelete('baileys', 'creds');
      expect(await store.kvGet('baileys', 'creds')).toBeUndefined();
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}

/**
 * Document <-> entity mapping of the MongoDB store, checked without a server: every entity shape
 * goes to a document, through BSON (what the driver sends and MongoDB keeps), and back.
 */
import { describe, expect, it } from '@jest/globals';
import { mongo } from 'mongoose';
import type { Candidate, Conversation, DomainEvent, Message } from '../../domain/index.js';
import {
  candidateDocument,
  candidateFrom,
  conversationDocument,
  conversationFrom,
  eventDocument,
  eventFrom,
  messageDocument,
  messageFrom,
} from './documents.js';
import { mentionsAny } from './erase.js';
import { CORE_INDEXES } from './indexes.js';
import { patchUpdate } from './mongo-store.js';
import { isDuplicateKey } from './transactions.js';

const T = (s: number) => new Date(Date.UTC(2026, 2, 1, 10, 0, s, 250));
/** What MongoDB stores and returns: the document through BSON. */
const throughBson = (doc: object) => mongo.BSON.deserialize(mongo.BSON.serialize(doc)) as Record<string, unknown>;

describe('MongoDB documents', () => {
  it('round-trips a candidate with every optional field, dates as BSON dates', () => {
    const full: Candidate = {
      id: 'cand_1', phone: '+4915112345678', email: 'ana@example.com', timeZone: 'Europe/Berlin', name: 'Ana', role: 'backend',
      stage: 'screening', optedOut: false, unreachable: false, consentAt: T(1), createdAt: T(0), updatedAt: T(2),
    } as Candidate;
    const stored = throughBson(candidateDocument(full));
    expect(stored._id).toBe('cand_1');
    expect(stored.consentAt).toBeInstanceOf(Date);
    expect(candidateFrom(stored)).toEqual(full);
    const bare: Candidate = { id: 'cand_2', stage: 'new', optedOut: false, unreachable: false, createdAt: T(0), updatedAt: T(0) };
    expect(candidateFrom(throughBson(candidateDocument(bare)))).toEqual(bare);
  });

  it('round-trips a conversation; state keeps keys MongoDB updates refuse, nested dates read back as ISO strings (as in SQLite)', () => {
    const c: Conversation = {
      id: 'conv_1', ref: { channel: 'whatsapp', externalId: '+4915112345678', provider: 'twilio' }, candidateId: 'cand_1', mode: 'human', stage: 'interviewing',
      assignedOperatorId: 'op_1', assignedOperatorName: 'Bruno', needsHuman: true,
      state: { 'skill.level': { 'js.closures': 3 }, $weird: true, askedAt: T(5), list: [1, 'two', { three: null }] },
      version: 7, lastActivityAt: T(9), lastCandidateMessageAt: T(8), createdAt: T(0), updatedAt: T(9),
    };
    const stored = throughBson(conversationDocument(c));
    expect(typeof stored.state).toBe('string');
    expect(stored.lastActivityAt).toBeInstanceOf(Date);
    expect(conversationFrom(stored)).toEqual({ ...c, state: { 'skill.level': { 'js.closures': 3 }, $weird: true, askedAt: '2026-03-01T10:00:05.250Z', list: [1, 'two', { three: null }] } });
    const fresh: Conversation = { ...c, state: {}, assignedOperatorId: undefined, assignedOperatorName: undefined, lastCandidateMessageAt: undefined };
    const back = conversationFrom(throughBson(conversationDocument(fresh)));
    expect(back).not.toHaveProperty('lastCandidateMessageAt');
    expect(back).not.toHaveProperty('assignedOperatorId');
    expect(back).toMatchObject({ state: {}, lastActivityAt: T(9) });
  });

  it('round-trips messages in and out (media, transcript, raw payload, choices, attempts), keeping the insertion key', () => {
    const inbound: Message = {
      id: 'msg_1', conversationId: 'conv_1', channel: 'telegram', direction: 'in', author: 'candidate', authorId: '777', kind: 'voice', text: '',
      media: { kind: 'voice', providerRef: 'file-1', mime: 'audio/ogg', size: 1234, durationSec: 3.5, storedPath: 'media/a.ogg', transcript: { text: 'hallo', language: 'de', confidence: 0.8 } },
      raw: { update_id: 1, 'a.b': { $c: 1 } }, providerMessageId: '42', status: 'pending', attempts: 0, createdAt: T(1), updatedAt: T(1),
    } as Message;
    const doc = throughBson(messageDocument(inbound, 's_0001'));
    expect(doc._seq).toBe('s_0001');
    expect(messageFrom(doc)).toEqual(inbound);
    const outbound: Message = {
      id: 'msg_1_r0', conversationId: 'conv_1', channel: 'telegram', direction: 'out', author: 'bot', kind: 'text', text: 'Pick one',
      choices: [{ id: 'a', label: 'A' }], status: 'sent', attempts: 2, lastAttemptAt: T(4), error: 'timeout', partsSent: 1, createdAt: T(2), updatedAt: T(4),
    } as Message;
    expect(messageFrom(throughBson(messageDocument(outbound)))).toEqual(outbound);
  });

  it('round-trips events of each payload kind (free-form details, removed counts, factors, a nested date)', () => {
    const events: DomainEvent[] = [
      { id: 'evt_1', type: 'MessageSent', at: T(1), actor: 'bot', conversationId: 'conv_1', messageId: 'msg_1', channel: 'webchat' },
      { id: 'evt_2', type: 'OperatorAction', at: T(2), actor: 'operator', conversationId: 'conv_1', operatorId: 'op_1', action: 'note', details: { 'a.b': 1, $x: ['y'] } },
      { id: 'evt_3', type: 'ErasureCompleted', at: T(3), actor: 'system', candidateId: 'cand_1', removed: { messages: 4 } },
      { id: 'evt_4', type: 'RiskAssessed', at: T(4), actor: 'system', conversationId: 'conv_1', score: 0.7, level: 'high', factors: [{ name: 'silence', contribution: 0.5 }] },
    ];
    for (const e of events) expect(eventFrom(throughBson(eventDocument(e)))).toEqual(e);
    const scheduled: DomainEvent = { id: 'evt_5', type: 'InterviewScheduled', at: T(5), actor: 'bot', conversationId: 'conv_1', scheduledAt: T(60) };
    // Only `at` is a date column; as in SQLite, another date field reads back as its ISO text.
    expect(eventFrom(throughBson(eventDocument(scheduled)))).toEqual({ ...scheduled, scheduledAt: '2026-03-01T10:01:00.250Z' });
  });

  it('repairs an unreadable stored date on read instead of throwing (as the SQLite codec does)', () => {
    const doc = throughBson({ ...messageDocument({ id: 'msg_9', conversationId: 'c', channel: 'webchat', direction: 'out', author: 'bot', kind: 'text', text: 'x', status: 'queued', attempts: 0, createdAt: T(1), updatedAt: T(1) }), updatedAt: null });
    expect(messageFrom(doc)?.updatedAt).toEqual(T(1));
  });

  it('turns a message patch into $set (dates as dates) and $unset for fields set to undefined', () => {
    expect(patchUpdate({ status: 'sent', error: undefined, lastAttemptAt: T(3), updatedAt: T(4) })).toEqual({
      $set: { status: 'sent', lastAttemptAt: T(3), updatedAt: T(4) },
      $unset: { error: '' },
    });
    expect(patchUpdate({ status: 'failed', updatedAt: T(4) })).toEqual({ $set: { status: 'failed', updatedAt: T(4) } });
  });

  it('declares the unique indexes the dedupe rules rely on', () => {
    const unique = CORE_INDEXES.filter((i) => i.options?.unique).map((i) => [i.collection, Object.keys(i.keys)]);
    expect(unique).toEqual([
      ['conversations', ['ref.channel', 'ref.externalId']],
      ['messages', ['channel', 'providerMessageId']],
      ['kv', ['namespace', 'key']],
    ]);
    expect(CORE_INDEXES.find((i) => i.options?.name === 'inbound_provider_id')?.options?.partialFilterExpression).toEqual({ direction: 'in', providerMessageId: { $type: 'string' } });
  });

  it('tells duplicate-key errors (single and bulk) from others', () => {
    expect(isDuplicateKey({ code: 11000 })).toBe(true);
    expect(isDuplicateKey({ writeErrors: [{ code: 11000 }, { code: 11000 }] })).toBe(true);
    expect(isDuplicateKey({ writeErrors: [{ code: 11000 }, { code: 121 }] })).toBe(false);
    expect(isDuplicateKey(new Error('E11000'))).toBe(false);
  });

  it('finds a needle as a whole token anywhere in a feature document, not inside a longer address', () => {
    const tokens = [/(?<![A-Za-z0-9._%+-])ana@example\.com(?![A-Za-z0-9_%+-]|\.[A-Za-z0-9])/i];
    expect(mentionsAny({ _id: 'n1', body: { lines: ['mail Ana@Example.com today'] } }, tokens)).toBe(true);
    expect(mentionsAny({ _id: 'n2', body: 'xana@example.com' }, tokens)).toBe(false);
    expect(mentionsAny({ _id: 'n3', at: T(1), n: 5 }, tokens)).toBe(false);
  });
});

/**
 * Issue 13, fewer statements per inbound message in the embedded store: the group's first write
 * takes no savepoint, an inbound is inserted before any duplicate look-up, a conversation is found
 * by its channel reference through the document cache, and a write's events are one multi-row
 * insert. Each test drives the store's public methods and checks what the file holds.
 */
import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, newId, type DomainEvent } from '../../domain/index.js';
import { countStatements } from '../../../test/support/statement-log.js';
import { inbound } from '../../../test/support/store-contract.js';
import { SqliteStore } from './sqlite-store.js';

const T = new Date('2026-03-02T09:00:00Z');
const at = (s: number) => new Date(T.getTime() + s * 1000);
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'parley-stmts-')), 'parley.db');
const badEvent = (conversationId: string) => ({ id: 'e-bad', type: 'MessageSent', conversationId, at: new Date(Number.NaN) }) as unknown as DomainEvent;
const event = (conversationId: string, n: number): DomainEvent => ({
  id: newId('evt'),
  type: 'MessageSent',
  at: at(n),
  actor: 'bot',
  conversationId,
  messageId: `m-${n}`,
  channel: 'webchat',
});

/** A store on a file, and a second connection that sees only what is committed (what a kill -9 would leave). */
async function onDisk(soleOwner: boolean) {
  const file = tempFile();
  const store = SqliteStore.open(file, { soleOwner });
  const r = await store.recordInbound(inbound('s1', 'p1', 'hello', { sender: { id: 's1', displayName: 'Ana Lima' } }), T);
  await store.saveCandidate({ ...r.candidate, name: 'Ana Lima' });
  await store.getConversation(r.conversation.id);
  await store.getCandidate(r.candidate.id);
  const disk = new Database(file, { readonly: true });
  const docOnDisk = (table: 'conversations' | 'candidates', id: string) =>
    JSON.parse((disk.prepare(`SELECT doc FROM ${table} WHERE id = ?`).get(id) as { doc: string }).doc) as Record<string, unknown>;
  return { store, disk, docOnDisk, conversation: r.conversation, candidate: { ...r.candidate, name: 'Ana Lima' } };
}

describe.each([
  ['sole owner (document cache)', true],
  ['without the cache', false],
])('the group commit, %s', (_name, soleOwner) => {
  it("a failing write that opened the group rolls the group back whole; a write in the same tick opens a new group and commits", async () => {
    const { store, disk, docOnDisk, conversation, candidate } = await onDisk(soleOwner);
    // Opens the group (nothing pending), writes the conversation, then its event fails validation.
    const failing = store.commitTurn({ conversation: { ...conversation, stage: 'screening' }, messages: [], events: [badEvent(conversation.id)] });
    const next = store.saveCandidate({ ...candidate, name: 'Ana Maria Lima' });
    await expect(failing).rejects.toMatchObject({ code: ErrorCodes.VALIDATION });
    await next;
    expect(docOnDisk('conversations', conversation.id)).toMatchObject({ stage: conversation.stage, version: conversation.version });
    expect(docOnDisk('candidates', candidate.id)).toMatchObject({ name: 'Ana Maria Lima' });
    // Through the store (and its cache, when on): the failed write left nothing behind.
    expect(await store.getConversation(conversation.id)).toMatchObject({ stage: conversation.stage, version: conversation.version });
    expect(await store.getCandidate(candidate.id)).toMatchObject({ name: 'Ana Maria Lima' });
    // The store goes on: the same turn, valid, commits.
    await store.commitTurn({ conversation: { ...conversation, stage: 'screening' }, messages: [], events: [] });
    expect(docOnDisk('conversations', conversation.id)).toMatchObject({ stage: 'screening', version: conversation.version + 1 });
    disk.close();
    await store.close();
  });

  it('a failing write that joined an open group rolls back alone: the write before it commits', async () => {
    const { store, disk, docOnDisk, conversation, candidate } = await onDisk(soleOwner);
    const first = store.saveCandidate({ ...candidate, name: 'Ana Maria Lima' });
    const failing = store.commitTurn({ conversation: { ...conversation, stage: 'screening' }, messages: [], events: [badEvent(conversation.id)] });
    await expect(failing).rejects.toMatchObject({ code: ErrorCodes.VALIDATION });
    await first;
    expect(docOnDisk('candidates', candidate.id)).toMatchObject({ name: 'Ana Maria Lima' });
    expect(docOnDisk('conversations', conversation.id)).toMatchObject({ stage: conversation.stage, version: conversation.version });
    expect(await store.getConversation(conversation.id)).toMatchObject({ stage: conversation.stage, version: conversation.version });
    disk.close();
    await store.close();
  });
});

describe('a group SQLite itself rolled back', () => {
  it.each([
    ['sole owner (document cache)', true],
    ['without the cache', false],
  ])('%s: the writes already in it are rejected, not acknowledged as committed', async (_name, soleOwner) => {
    const { store, disk, docOnDisk, conversation, candidate } = await onDisk(soleOwner);
    // Stands in for an error after which SQLite ends the transaction on its own (a full disk, an
    // I/O error, RAISE(ROLLBACK)): the group's earlier writes are gone with it.
    store.database.exec("CREATE TRIGGER roll_all BEFORE INSERT ON messages WHEN NEW.id = 'm-boom' BEGIN SELECT RAISE(ROLLBACK, 'boom'); END");
    const earlier = store.saveCandidate({ ...candidate, name: 'Never Committed' });
    const boom = store.insertMessage({ id: 'm-boom', conversationId: conversation.id, channel: 'webchat', direction: 'out', author: 'bot', kind: 'text', text: 'x', status: 'queued', attempts: 0, createdAt: T, updatedAt: T });
    // The same tick: a new group (the lost one must still settle).
    const later = store.saveCandidate({ ...candidate, name: 'Ana Maria Lima' }).then(() => docOnDisk('candidates', candidate.id));
    await expect(boom).rejects.toThrow('boom');
    await expect(earlier).rejects.toMatchObject({ code: ErrorCodes.STORE });
    expect(await later).toMatchObject({ name: 'Ana Maria Lima' });
    expect(await store.getCandidate(candidate.id)).toMatchObject({ name: 'Ana Maria Lima' });
    expect(store.database.prepare("SELECT COUNT(*) FROM messages WHERE id = 'm-boom'").pluck().get()).toBe(0);
    disk.close();
    await store.close();
  });
});

describe('recording an inbound message (insert first, look up only on conflict)', () => {
  it('a row the store refuses for another reason is an error, not a duplicate, and leaves nothing', async () => {
    const store = SqliteStore.open(':memory:', { soleOwner: true });
    // Stands in for any constraint OR IGNORE would skip silently (NOT NULL, CHECK): nothing inserted, no error.
    store.database.exec("CREATE TRIGGER refuse_p2 BEFORE INSERT ON messages WHEN NEW.provider_message_id = 'p2' BEGIN SELECT RAISE(IGNORE); END");
    const refused = store.recordInbound(inbound('s2', 'p2', 'refused'), T);
    await expect(refused).rejects.toMatchObject({ code: ErrorCodes.STORE, message: expect.stringContaining('refused') });
    // The conversation and candidate it created went with it.
    expect(await store.findConversationByRef({ channel: 'webchat', externalId: 's2' })).toBeUndefined();
    expect(await store.listCandidates()).toEqual([]);
    // A redelivery is still a duplicate, and the next message on that ref gets a conversation that exists.
    const a = await store.recordInbound(inbound('s2', 'p3', 'one'), at(1));
    const again = await store.recordInbound(inbound('s2', 'p3', 'one again'), at(2));
    expect(a.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, message: { id: a.message.id, text: 'one' } });
    expect(again.conversation.lastCandidateMessageAt?.toISOString()).toBe(at(1).toISOString());
    expect(await store.getConversation(a.conversation.id)).toMatchObject({ id: a.conversation.id, ref: { externalId: 's2' } });
    expect(await store.listMessages(a.conversation.id)).toHaveLength(1);
    await store.close();
  });
});

describe('a conversation by its channel reference (sole owner)', () => {
  it('an erased conversation is not found again by its old reference: the next inbound starts a new one', async () => {
    const store = SqliteStore.open(':memory:', { soleOwner: true });
    const first = await store.recordInbound(inbound('s1', 'p1', 'hello'), T);
    const second = await store.recordInbound(inbound('s1', 'p2', 'again'), at(1));
    expect(second.conversation.id).toBe(first.conversation.id);
    expect(second.created).toBe(false);
    await store.eraseCandidate(first.candidate.id, at(2));
    expect(await store.findConversationByRef({ channel: 'webchat', externalId: 's1' })).toBeUndefined();
    const after = await store.recordInbound(inbound('s1', 'p3', 'back'), at(3));
    expect(after.created).toBe(true);
    expect(after.conversation.id).not.toBe(first.conversation.id);
    expect(after.candidate.id).not.toBe(first.candidate.id);
    expect(await store.getConversation(first.conversation.id)).toMatchObject({ ref: { externalId: `erased:${first.conversation.id}` } });
    expect((await store.findConversationByRef({ channel: 'webchat', externalId: 's1' }))?.id).toBe(after.conversation.id);
    await store.close();
  });

  it('a conversation deleted under the store is not brought back', async () => {
    const store = SqliteStore.open(':memory:', { soleOwner: true });
    const first = await store.recordInbound(inbound('s1', 'p1', 'hello'), T);
    store.database.prepare('DELETE FROM messages WHERE conversation_id = ?').run(first.conversation.id);
    store.database.prepare('DELETE FROM conversations WHERE id = ?').run(first.conversation.id);
    expect(await store.findConversationByRef({ channel: 'webchat', externalId: 's1' })).toBeUndefined();
    const after = await store.recordInbound(inbound('s1', 'p2', 'back'), at(1));
    expect(after.created).toBe(true);
    expect(after.conversation.id).not.toBe(first.conversation.id);
    expect(await store.getConversation(after.conversation.id)).toMatchObject({ id: after.conversation.id });
    await store.close();
  });
});

describe('events in one statement', () => {
  it('keeps the order events were given across multi-row inserts and their chunks', async () => {
    const store = SqliteStore.open(':memory:');
    const { conversation } = await store.ensureConversation({ channel: 'webchat', externalId: 's1' }, { id: 's1' }, T);
    // Ids sort against the given order, so only seq can keep it.
    const many = Array.from({ length: 19 }, (_, i) => ({ ...event(conversation.id, 100 - i), id: `evt-${String(99 - i).padStart(3, '0')}` }));
    await store.appendEvents(many);
    const turn = [event(conversation.id, 1), event(conversation.id, 2), event(conversation.id, 3)];
    await store.commitTurn({ conversation, messages: [], events: turn });
    const expected = [...many, ...turn].map((e) => e.id);
    expect((await store.listEvents({ conversationId: conversation.id })).map((e) => e.id)).toEqual(expected);
    const seqOrder = store.database.prepare('SELECT id FROM events ORDER BY seq').pluck().all();
    expect(seqOrder).toEqual(expected);
    // Re-applied events are ignored one by one, new ones beside them stored.
    const extra = event(conversation.id, 4);
    await store.appendEvents([many[3] as DomainEvent, extra, turn[0] as DomainEvent]);
    expect((await store.listEvents({ conversationId: conversation.id })).map((e) => e.id)).toEqual([...expected, extra.id]);
    await store.close();
  });

  it('one invalid event among many stores none of them', async () => {
    const store = SqliteStore.open(':memory:');
    const { conversation } = await store.ensureConversation({ channel: 'webchat', externalId: 's1' }, { id: 's1' }, T);
    const batch = Array.from({ length: 12 }, (_, i) => event(conversation.id, i));
    batch[10] = badEvent(conversation.id);
    await expect(store.appendEvents(batch)).rejects.toMatchObject({ code: ErrorCodes.VALIDATION });
    expect(await store.listEvents({ conversationId: conversation.id })).toEqual([]);
    await store.close();
  });
});

describe('statements per inbound message (sole owner, warm cache)', () => {
  it('a new message on a known conversation, then its turn with three events: no savepoint, no look-up by ref or provider id, one events insert', async () => {
    const store = SqliteStore.open(':memory:', { soleOwner: true });
    const first = await store.recordInbound(inbound('s1', 'p1', 'hello'), T);
    const counter = countStatements();
    try {
      const r = await store.recordInbound(inbound('s1', 'p2', 'again'), at(1));
      const inboundStatements = counter.take().filter((sql) => sql !== 'PRAGMA data_version');
      expect(r).toMatchObject({ duplicate: false, created: false, conversation: { id: first.conversation.id } });
      expect(inboundStatements).toEqual([
        'BEGIN IMMEDIATE',
        expect.stringMatching(/^INSERT OR IGNORE INTO messages /),
        expect.stringMatching(/^UPDATE conversations SET last_activity_at/),
        'COMMIT',
      ]);
      const events = [event(r.conversation.id, 2), event(r.conversation.id, 3), event(r.conversation.id, 4)];
      await store.commitTurn({ inboundMessageId: r.message.id, conversation: r.conversation, messages: [], events });
      const turnStatements = counter.take().filter((sql) => sql !== 'PRAGMA data_version');
      expect(turnStatements).toEqual([
        'BEGIN IMMEDIATE',
        expect.stringMatching(/^INSERT INTO conversations /),
        expect.stringMatching(/^INSERT OR IGNORE INTO events .* VALUES \(\?, \?, \?, \?, \?, \?\), \(\?, \?, \?, \?, \?, \?\), \(\?, \?, \?, \?, \?, \?\)$/),
        expect.stringMatching(/^UPDATE messages SET /),
        'COMMIT',
      ]);
      // A redelivery: the insert is refused, then the stored one is read.
      const dup = await store.recordInbound(inbound('s1', 'p2', 'again'), at(5));
      expect(dup).toMatchObject({ duplicate: true, message: { id: r.message.id } });
      expect(counter.take().filter((sql) => sql !== 'PRAGMA data_version')).toEqual([
        'BEGIN IMMEDIATE',
        expect.stringMatching(/^INSERT OR IGNORE INTO messages /),
        expect.stringMatching(/^SELECT doc FROM messages WHERE direction = 'in'/),
        'COMMIT',
      ]);
    } finally {
      counter.restore();
    }
    expect((await store.listEvents({ conversationId: first.conversation.id })).length).toBe(3);
    await store.close();
  });
});

describe("a turn's replies in one statement", () => {
  const reply = (conversationId: string, n: number) => ({
    id: `m-reply-${n}`,
    conversationId,
    channel: 'webchat' as const,
    direction: 'out' as const,
    author: 'bot' as const,
    kind: 'text' as const,
    text: `reply ${n}`,
    status: 'queued' as const,
    attempts: 0,
    createdAt: at(n),
    updatedAt: at(n),
  });

  it('two replies are one multi-row insert, kept in order; a re-run turn stores them once', async () => {
    const store = SqliteStore.open(':memory:', { soleOwner: true });
    const r = await store.recordInbound(inbound('s1', 'p1', 'hello'), T);
    const replies = [reply(r.conversation.id, 2), reply(r.conversation.id, 1)];
    const counter = countStatements();
    let turn;
    try {
      turn = await store.commitTurn({ inboundMessageId: r.message.id, conversation: r.conversation, messages: replies, events: [event(r.conversation.id, 3)] });
      expect(counter.take().filter((sql) => sql !== 'PRAGMA data_version')).toEqual([
        'BEGIN IMMEDIATE',
        expect.stringMatching(/^INSERT INTO conversations /),
        expect.stringMatching(/^INSERT OR IGNORE INTO messages .* VALUES \(\?, \?, \?, \?, \?, \?, \?, \?\), \(\?, \?, \?, \?, \?, \?, \?, \?\)$/),
        expect.stringMatching(/^INSERT OR IGNORE INTO events /),
        expect.stringMatching(/^UPDATE messages SET /),
        'COMMIT',
      ]);
    } finally {
      counter.restore();
    }
    // A re-run turn (crash after the commit) re-creates the same rows: stored once, beside a new one.
    await store.commitTurn({ conversation: turn, messages: [...replies, reply(r.conversation.id, 4)], events: [] });
    expect((await store.listMessages(r.conversation.id)).map((m) => m.id)).toEqual([r.message.id, 'm-reply-2', 'm-reply-1', 'm-reply-4']);
    await store.close();
  });
});

describe('the first message on a new reference', () => {
  it('writes the new conversation once, with the activity stamps of its message; after a crash it shows as engaged with that time', async () => {
    const file = tempFile();
    const store = SqliteStore.open(file, { soleOwner: true });
    const counter = countStatements();
    let r;
    try {
      r = await store.recordInbound(inbound('s1', 'p1', 'hello'), at(7));
      expect(counter.take().filter((sql) => sql !== 'PRAGMA data_version')).toEqual([
        'BEGIN IMMEDIATE',
        expect.stringMatching(/^SELECT doc FROM conversations WHERE channel = \? AND external_id = \?$/),
        expect.stringMatching(/^INSERT INTO candidates /),
        expect.stringMatching(/^INSERT OR IGNORE INTO messages /),
        expect.stringMatching(/^INSERT INTO conversations /),
        'COMMIT',
      ]);
    } finally {
      counter.restore();
    }
    expect(r.conversation).toMatchObject({ lastActivityAt: at(7), lastCandidateMessageAt: at(7), version: 0 });
    // What a process killed before the turn ran leaves: the message and the conversation's stamps.
    const disk = new Database(file, { readonly: true });
    expect(disk.prepare('SELECT last_activity_at FROM conversations WHERE id = ?').pluck().get(r.conversation.id)).toBe(at(7).getTime());
    disk.close();
    const other = SqliteStore.open(file);
    expect((await other.listConversations({ engaged: true })).map((c) => c.id)).toEqual([r.conversation.id]);
    expect(await other.getConversation(r.conversation.id)).toMatchObject({ lastActivityAt: at(7), lastCandidateMessageAt: at(7) });
    expect((await other.listPendingInbound()).map((m) => m.text)).toEqual(['hello']);
    await other.close();
    await store.close();
  });
});

describe('the optimistic group (issue 13): writes join without savepoints', () => {
  it('a group of three writes is BEGIN, their statements, COMMIT; after a feature wrote in the group, the next joining write takes a savepoint', async () => {
    const store = SqliteStore.open(':memory:', { soleOwner: true });
    const a = await store.recordInbound(inbound('s1', 'p1', 'hello'), T);
    const b = await store.recordInbound(inbound('s2', 'p2', 'hi'), T);
    const counter = countStatements();
    try {
      const [again, turn, marked] = await Promise.all([
        store.recordInbound(inbound('s1', 'p3', 'again'), at(1)),
        store.commitTurn({ conversation: b.conversation, messages: [], events: [event(b.conversation.id, 2)] }),
        store.updateMessage(a.message.id, { status: 'processed' }, at(1), [event(a.conversation.id, 3)]),
      ]);
      expect(counter.take().filter((sql) => sql !== 'PRAGMA data_version')).toEqual([
        'BEGIN IMMEDIATE',
        expect.stringMatching(/^INSERT OR IGNORE INTO messages /),
        expect.stringMatching(/^UPDATE conversations SET last_activity_at/),
        expect.stringMatching(/^INSERT INTO conversations /),
        expect.stringMatching(/^INSERT OR IGNORE INTO events /),
        expect.stringMatching(/^UPDATE messages SET /),
        expect.stringMatching(/^INSERT OR IGNORE INTO events /),
        'COMMIT',
      ]);
      expect(again).toMatchObject({ duplicate: false, conversation: { id: a.conversation.id } });
      expect(turn.version).toBe(b.conversation.version + 1);
      expect(marked).toMatchObject({ id: a.message.id, status: 'processed' });

      // A feature's write through `database` in the group: the store could not replay it after a
      // rollback, so the writes that join after it take a savepoint each (the old path).
      const first = store.commitTurn({ conversation: turn, messages: [], events: [] });
      store.database.prepare("INSERT INTO kv (namespace, key, value) VALUES ('feature', 'k', '1')").run();
      const second = store.updateMessage(b.message.id, { status: 'processed' }, at(2), [event(b.conversation.id, 4)]);
      await Promise.all([first, second]);
      expect(counter.take().filter((sql) => sql !== 'PRAGMA data_version')).toEqual([
        'BEGIN IMMEDIATE',
        expect.stringMatching(/^INSERT INTO conversations /),
        "INSERT INTO kv (namespace, key, value) VALUES ('feature', 'k', '1')",
        'SAVEPOINT parley_write',
        expect.stringMatching(/^UPDATE messages SET /),
        expect.stringMatching(/^INSERT OR IGNORE INTO events /),
        'RELEASE parley_write',
        'COMMIT',
      ]);
    } finally {
      counter.restore();
    }
    expect((await store.listEvents()).length).toBe(3);
    await store.close();
  });
});

describe('an inbound message joining a group a feature wrote in', () => {
  it('on a known conversation: no savepoint; a failing conversation UPDATE takes its message row back, the group commits the rest', async () => {
    const file = tempFile();
    const store = SqliteStore.open(file, { soleOwner: true });
    const a = await store.recordInbound(inbound('s1', 'p1', 'hello'), T);
    const counter = countStatements();
    try {
      const first = store.commitTurn({ conversation: a.conversation, messages: [], events: [] });
      store.database.prepare("INSERT INTO kv (namespace, key, value) VALUES ('feature', 'k', '1')").run();
      const again = store.recordInbound(inbound('s1', 'p2', 'again'), at(1));
      await Promise.all([first, again]);
      expect(counter.take().filter((sql) => sql !== 'PRAGMA data_version')).toEqual([
        'BEGIN IMMEDIATE',
        expect.stringMatching(/^INSERT INTO conversations /),
        "INSERT INTO kv (namespace, key, value) VALUES ('feature', 'k', '1')",
        expect.stringMatching(/^INSERT OR IGNORE INTO messages /),
        expect.stringMatching(/^UPDATE conversations SET last_activity_at/),
        'COMMIT',
      ]);
    } finally {
      counter.restore();
    }
    // The conversation's UPDATE fails after the message's insert: the message goes with it.
    store.database.exec("CREATE TRIGGER refuse_activity BEFORE UPDATE OF last_activity_at ON conversations WHEN NEW.last_activity_at = 9 BEGIN SELECT RAISE(ABORT, 'refused'); END");
    const turn = store.commitTurn({ conversation: (await store.getConversation(a.conversation.id))!, messages: [], events: [] });
    store.database.prepare("INSERT INTO kv (namespace, key, value) VALUES ('feature', 'k2', '2')").run();
    const refused = store.recordInbound(inbound('s1', 'p3', 'lost'), new Date(9));
    await expect(refused).rejects.toThrow('refused');
    await turn;
    const disk = new Database(file, { readonly: true });
    expect(disk.prepare("SELECT COUNT(*) FROM messages WHERE provider_message_id = 'p3'").pluck().get()).toBe(0);
    expect(disk.prepare("SELECT value FROM kv WHERE namespace = 'feature' AND key = 'k2'").pluck().get()).toBe('2');
    expect(disk.prepare('SELECT version FROM conversations WHERE id = ?').pluck().get(a.conversation.id)).toBe(2);
    disk.close();
    // The same message again is new, not a duplicate.
    expect(await store.recordInbound(inbound('s1', 'p3', 'back'), at(3))).toMatchObject({ duplicate: false, message: { text: 'back' } });
    await store.close();
  });

  it('on a new reference: its own savepoint; a failing conversation insert leaves no candidate or message', async () => {
    const store = SqliteStore.open(':memory:', { soleOwner: true });
    const a = await store.recordInbound(inbound('s1', 'p1', 'hello'), T);
    store.database.exec("CREATE TRIGGER refuse_s2 BEFORE INSERT ON conversations WHEN NEW.external_id = 's2' BEGIN SELECT RAISE(ABORT, 'no s2'); END");
    const turn = store.commitTurn({ conversation: a.conversation, messages: [], events: [] });
    store.database.prepare("INSERT INTO kv (namespace, key, value) VALUES ('feature', 'k', '1')").run();
    await expect(store.recordInbound(inbound('s2', 'p2', 'hi'), at(1))).rejects.toThrow('no s2');
    await turn;
    expect(await store.listCandidates()).toHaveLength(1);
    expect(store.database.prepare("SELECT COUNT(*) FROM messages WHERE provider_message_id = 'p2'").pluck().get()).toBe(0);
    expect(await store.kvGet('feature', 'k')).toBe(1);
    await store.close();
  });
});

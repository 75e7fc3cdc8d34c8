/**
 * The optimistic group commit (issue 13): writes join the open group without savepoints; when a
 * joining write fails, the transaction rolls back and the group's earlier writes run again. Each
 * test drives the store's public methods (and real feature stores on `store.database`) and checks
 * what the file holds after the store is closed and the file opened again.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConcurrencyError, ErrorCodes, type DomainEvent } from '../../domain/index.js';
import type { TurnCommit } from '../../ports/index.js';
import { inbound } from '../../../test/support/store-contract.js';
import { SqliteJobRepository } from '../../../jobs/agenda/sqlite-job-repository.js';
import { SqliteConsoleStore } from '../../../operator-console/store/sqlite-console-store.js';
import { SqliteStore } from './sqlite-store.js';

const T = new Date('2026-03-02T09:00:00Z');
const at = (s: number) => new Date(T.getTime() + s * 1000);
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'parley-group-')), 'parley.db');
/** Fails validation in `commitTurn` after the conversation row was written (two statements: needs a rollback). */
const badEvent = (conversationId: string) => ({ id: 'e-bad', type: 'MessageSent', conversationId, at: new Date(Number.NaN) }) as unknown as DomainEvent;
const event = (conversationId: string, id: string): DomainEvent => ({ id, type: 'MessageSent', at: T, actor: 'bot', conversationId, messageId: 'm-1', channel: 'webchat' });

/** A store on a file with two conversations (s1, s2) whose inbounds are recorded and committed. */
async function twoConversations(soleOwner: boolean) {
  const file = tempFile();
  const store = SqliteStore.open(file, { soleOwner });
  const a = await store.recordInbound(inbound('s1', 'p1', 'hello'), T);
  const b = await store.recordInbound(inbound('s2', 'p2', 'hi'), T);
  // Warm the cache (when on) so a wrong cached value would be served.
  await store.getConversation(a.conversation.id);
  await store.getConversation(b.conversation.id);
  return { file, store, a, b };
}

/** The file as a fresh process would find it. */
async function reopened(file: string) {
  return SqliteStore.open(file);
}

describe.each([
  ['sole owner (document cache)', true],
  ['without the cache', false],
])('the optimistic group, %s', (_name, soleOwner) => {
  it('a failing joining write rejects alone: the writes before and after it commit with their results, and reopen readable', async () => {
    const { file, store, a, b } = await twoConversations(soleOwner);
    const inboundAgain = store.recordInbound(inbound('s1', 'p3', 'again'), at(1)); // opens the group
    const turnB = store.commitTurn({ conversation: { ...b.conversation, stage: 'screening' }, messages: [], events: [event(b.conversation.id, 'e-b1')] });
    // Joins, writes conversation b (version 2, stage rejected) and candidate b, then fails on its event.
    const failing = store.commitTurn({
      conversation: { ...b.conversation, version: b.conversation.version + 1, stage: 'rejected' },
      candidate: { ...b.candidate, name: 'Never Committed' },
      messages: [],
      events: [badEvent(b.conversation.id)],
    });
    const later = store.saveCandidate({ ...a.candidate, name: 'Ana Lima' });
    await expect(failing).rejects.toMatchObject({ code: ErrorCodes.VALIDATION });
    const [r1, r2] = await Promise.all([inboundAgain, turnB, later]);
    expect(r1).toMatchObject({ duplicate: false, conversation: { id: a.conversation.id, lastActivityAt: at(1) } });
    expect(r2).toMatchObject({ stage: 'screening', version: b.conversation.version + 1 });
    // Through the store (and its cache when on): the replayed write's value, never the failed one's.
    expect(await store.getConversation(b.conversation.id)).toMatchObject({ stage: 'screening', version: b.conversation.version + 1 });
    expect((await store.getCandidate(b.candidate.id))?.name).toBeUndefined();
    await store.close();

    const again = await reopened(file);
    expect(await again.getConversation(b.conversation.id)).toMatchObject({ stage: 'screening', version: b.conversation.version + 1 });
    expect(await again.getConversation(a.conversation.id)).toMatchObject({ lastActivityAt: at(1) });
    expect((await again.listMessages(a.conversation.id)).map((m) => m.text)).toEqual(['hello', 'again']);
    expect(await again.getCandidate(a.candidate.id)).toMatchObject({ name: 'Ana Lima' });
    expect((await again.listEvents({ conversationId: b.conversation.id })).map((e) => e.id)).toEqual(['e-b1']);
    expect((await again.getCandidate(b.candidate.id))?.name).toBeUndefined();
    await again.close();
  });

  it("a feature's transaction and raw statement in the group survive a later joining write's failure", async () => {
    const { file, store, a, b } = await twoConversations(soleOwner);
    const jobs = new SqliteJobRepository(store.database);
    await jobs.connect();
    const notes = new SqliteConsoleStore(store.database);
    // Two groups: in each a store write opens the group, a feature writes, a joining write fails.
    // The scheduler's unique job: `database.transaction(fn).immediate()`, a savepoint in the group.
    const turnA = store.commitTurn({ conversation: { ...a.conversation, stage: 'screening' }, messages: [], events: [] });
    const job = jobs.saveJob({ name: 'follow-up', priority: 0, nextRunAt: at(60), type: 'normal', data: { key: 'k1' }, unique: { 'data.key': 'k1' } }, undefined);
    const failing = store.commitTurn({ conversation: { ...b.conversation, stage: 'rejected' }, messages: [], events: [badEvent(b.conversation.id)] });
    await expect(failing).rejects.toMatchObject({ code: ErrorCodes.VALIDATION });
    await Promise.all([turnA, job]);
    // A console note: one raw statement on the handle, no transaction function.
    const saved = store.saveCandidate({ ...a.candidate, name: 'Ana Lima' });
    const note = notes.addNote({ id: 'n1', conversationId: a.conversation.id, operatorId: 'op1', text: 'call back', createdAt: T });
    const failingToo = store.commitTurn({ conversation: { ...b.conversation, stage: 'rejected' }, messages: [], events: [badEvent(b.conversation.id)] });
    await expect(failingToo).rejects.toMatchObject({ code: ErrorCodes.VALIDATION });
    await Promise.all([saved, note]);
    await store.close();

    const again = await reopened(file);
    expect(await again.getConversation(a.conversation.id)).toMatchObject({ stage: 'screening' });
    expect(await again.getConversation(b.conversation.id)).toMatchObject({ stage: b.conversation.stage, version: b.conversation.version });
    expect((await new SqliteJobRepository(again.database).queryJobs({ name: 'follow-up' })).total).toBe(1);
    expect((await new SqliteConsoleStore(again.database).listNotes(a.conversation.id)).map((n) => n.text)).toEqual(['call back']);
    expect(await again.getCandidate(a.candidate.id)).toMatchObject({ name: 'Ana Lima' });
    await again.close();
  });

  it("a store write made inside a feature's transaction function fails alone: the feature's transaction and the group commit", async () => {
    const { file, store, a, b } = await twoConversations(soleOwner);
    const opener = store.saveCandidate({ ...a.candidate, name: 'Ana Lima' });
    let inner: Promise<unknown> | undefined;
    // The feature's savepoint is open when the store write joins: a full rollback would end it
    // under the feature (better-sqlite3's RELEASE would then fail).
    const feature = store.database.transaction(() => {
      inner = store.commitTurn({ conversation: { ...b.conversation, stage: 'rejected' }, messages: [], events: [badEvent(b.conversation.id)] }).catch((err: unknown) => err);
      store.database.prepare("INSERT INTO kv (namespace, key, value) VALUES ('feature', 'k', '1')").run();
    });
    expect(() => feature()).not.toThrow();
    expect(await inner).toMatchObject({ code: ErrorCodes.VALIDATION });
    await opener;
    await store.close();

    const again = await reopened(file);
    expect(await again.kvGet('feature', 'k')).toBe(1);
    expect(await again.getCandidate(a.candidate.id)).toMatchObject({ name: 'Ana Lima' });
    expect(await again.getConversation(b.conversation.id)).toMatchObject({ stage: b.conversation.stage, version: b.conversation.version });
    await again.close();
  });

  it('a write whose replay fails rejects with its own error and leaves nothing; the rest of the group commits', async () => {
    const { file, store, a, b } = await twoConversations(soleOwner);
    const opener = store.saveCandidate({ ...a.candidate, name: 'Ana Lima' });
    // Stands in for a write whose state changed between the first run and the replay (another
    // process committed between the ROLLBACK and the new BEGIN): its second run fails validation
    // after writing the conversation row.
    let runs = 0;
    const flaky: TurnCommit = {
      conversation: { ...a.conversation, stage: 'screening' },
      messages: [],
      get events() {
        runs++;
        return runs === 1 ? [event(a.conversation.id, 'e-a1')] : [badEvent(a.conversation.id)];
      },
    };
    const replayFails = store.commitTurn(flaky);
    const kept = store.commitTurn({ conversation: { ...b.conversation, stage: 'screening' }, messages: [], events: [event(b.conversation.id, 'e-b1')] });
    const failing = store.commitTurn({ conversation: { ...b.conversation, stage: 'rejected' }, messages: [], events: [badEvent(b.conversation.id)] });
    await expect(failing).rejects.toBeInstanceOf(ConcurrencyError); // b was already at version + 1 in the group
    await expect(replayFails).rejects.toMatchObject({ code: ErrorCodes.VALIDATION });
    expect(runs).toBe(2);
    await opener;
    expect(await kept).toMatchObject({ stage: 'screening', version: b.conversation.version + 1 });
    expect(await store.getConversation(a.conversation.id)).toMatchObject({ stage: a.conversation.stage, version: a.conversation.version });
    await store.close();

    const again = await reopened(file);
    expect(await again.getConversation(a.conversation.id)).toMatchObject({ stage: a.conversation.stage, version: a.conversation.version });
    expect(await again.getConversation(b.conversation.id)).toMatchObject({ stage: 'screening', version: b.conversation.version + 1 });
    expect(await again.getCandidate(a.candidate.id)).toMatchObject({ name: 'Ana Lima' });
    expect((await again.listEvents()).map((e) => e.id)).toEqual(['e-b1']);
    await again.close();
  });

  it('a joining write after which SQLite ended the transaction itself: the group is lost and rejects, nothing is replayed', async () => {
    const { file, store, a, b } = await twoConversations(soleOwner);
    store.database.exec("CREATE TRIGGER roll_all BEFORE INSERT ON messages WHEN NEW.id = 'm-boom' BEGIN SELECT RAISE(ROLLBACK, 'boom'); END");
    const earlier = store.commitTurn({ conversation: { ...a.conversation, stage: 'screening' }, messages: [], events: [] });
    const boom = store.commitTurn({
      conversation: { ...b.conversation, stage: 'screening' },
      messages: [{ id: 'm-boom', conversationId: b.conversation.id, channel: 'webchat', direction: 'out', author: 'bot', kind: 'text', text: 'x', status: 'queued', attempts: 0, createdAt: T, updatedAt: T }],
      events: [],
    });
    await expect(boom).rejects.toThrow('boom');
    await expect(earlier).rejects.toMatchObject({ code: ErrorCodes.STORE });
    expect(await store.getConversation(a.conversation.id)).toMatchObject({ stage: a.conversation.stage, version: a.conversation.version });
    // The store goes on.
    await store.commitTurn({ conversation: { ...a.conversation, stage: 'screening' }, messages: [], events: [] });
    await store.close();

    const again = await reopened(file);
    expect(await again.getConversation(a.conversation.id)).toMatchObject({ stage: 'screening', version: a.conversation.version + 1 });
    expect(await again.getConversation(b.conversation.id)).toMatchObject({ stage: b.conversation.stage, version: b.conversation.version });
    await again.close();
  });

  it('an immediate write that fails in a group: the replayed writes are committed when it returns', async () => {
    const { file, store, a, b } = await twoConversations(soleOwner);
    const turnA = store.commitTurn({ conversation: { ...a.conversation, stage: 'screening' }, messages: [], events: [] });
    const failing = store.updateMessage(b.message.id, { status: 'processed' }, at(1), [badEvent(b.conversation.id)], { immediate: true });
    await expect(failing).rejects.toMatchObject({ code: ErrorCodes.VALIDATION });
    // Committed already: a second connection (another process) sees it.
    const other = await reopened(file);
    expect(await other.getConversation(a.conversation.id)).toMatchObject({ stage: 'screening' });
    expect(await other.getMessage(b.message.id)).toMatchObject({ status: b.message.status });
    await other.close();
    await turnA;
    await store.close();
  });
});

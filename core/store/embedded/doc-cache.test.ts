import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConcurrencyError, type DomainEvent } from '../../domain/index.js';
import { inbound, runStoreContract } from '../../../test/support/store-contract.js';
import { DocCache } from './doc-cache.js';
import { SqliteStore } from './sqlite-store.js';

// The whole store contract again with the document cache on.
runStoreContract('embedded SQLite, sole owner (document cache)', async () => SqliteStore.open(':memory:', { soleOwner: true }));

const T = new Date('2026-03-02T09:00:00Z');
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'parley-cache-')), 'parley.db');
const badEvent = (conversationId: string) => ({ id: 'e-bad', type: 'MessageSent', conversationId, at: new Date(Number.NaN) }) as unknown as DomainEvent;

async function seeded(opts: { soleOwner?: boolean; file?: string } = {}) {
  const store = SqliteStore.open(opts.file ?? ':memory:', { soleOwner: opts.soleOwner ?? true });
  const r = await store.recordInbound(inbound('s1', 'p1', 'hello', { sender: { id: 's1', displayName: 'Ana Lima', phone: '+351912345678' } }), T);
  await store.saveCandidate({ ...r.candidate, name: 'Ana Lima' });
  // Both rows read once: in the cache from here on (when it is on).
  await store.getConversation(r.conversation.id);
  await store.getCandidate(r.candidate.id);
  return { store, conversation: r.conversation, candidate: { ...r.candidate, name: 'Ana Lima' } };
}

describe('SqliteStore document cache (sole owner)', () => {
  it('serves repeated reads from the cache', async () => {
    const { store, conversation, candidate } = await seeded();
    const before = store.cacheStats()?.hits ?? 0;
    await store.getConversation(conversation.id);
    await store.getCandidate(candidate.id);
    expect(store.cacheStats()?.hits).toBe(before + 2);
    await store.close();
  });

  it('a write rolled back to its savepoint leaves no cached change', async () => {
    const { store, conversation } = await seeded();
    // The conversation is written (and would be cached), then the event fails: the savepoint undoes both.
    const turn = store.commitTurn({ conversation: { ...conversation, stage: 'screening', state: { x: 1 } }, messages: [], events: [badEvent(conversation.id)] });
    await expect(turn).rejects.toHaveProperty('message');
    const after = await store.getConversation(conversation.id);
    expect(after).toMatchObject({ stage: conversation.stage, version: conversation.version });
    expect(after?.state).toEqual(conversation.state);
    await store.close();
  });

  it('a failed group COMMIT leaves none of the group in the cache', async () => {
    const { store, candidate } = await seeded();
    store.database.exec('CREATE TABLE deferred_child (id TEXT, parent TEXT REFERENCES candidates(id) DEFERRABLE INITIALLY DEFERRED)');
    // The candidate write and an orphan row share one group; the deferred key fails at COMMIT.
    const saved = store.saveCandidate({ ...candidate, name: 'Never Committed' });
    store.database.prepare("INSERT INTO deferred_child VALUES ('c', 'nobody')").run();
    await expect(saved).rejects.toThrow('SQLite commit failed');
    expect(await store.getCandidate(candidate.id)).toMatchObject({ name: 'Ana Lima' });
    // close() waits on the last group, which failed: that failure was already reported above.
    await store.close().catch(() => undefined);
  });

  it('an erased candidate and their conversation are not served from the cache', async () => {
    const { store, conversation, candidate } = await seeded();
    await store.eraseCandidate(candidate.id, T);
    const erased = await store.getCandidate(candidate.id);
    expect(erased).not.toHaveProperty('name');
    expect(erased).not.toHaveProperty('phone');
    expect(erased).toMatchObject({ optedOut: true });
    expect((await store.getConversation(conversation.id))?.ref.externalId).toBe(`erased:${conversation.id}`);
    await store.close();
  });

  it("a feature's raw SQL on the shared handle is seen at once", async () => {
    const { store, conversation } = await seeded();
    store.database.prepare("UPDATE conversations SET external_id = 'moved', doc = json_set(doc, '$.ref.externalId', 'moved') WHERE id = ?").run(conversation.id);
    expect((await store.getConversation(conversation.id))?.ref.externalId).toBe('moved');
    await store.close();
  });

  it('hands out copies: mutating a returned object does not change the next read', async () => {
    const { store, conversation, candidate } = await seeded();
    const c1 = await store.getCandidate(candidate.id);
    const v1 = await store.getConversation(conversation.id);
    if (!c1 || !v1) throw new Error('seeded rows missing');
    c1.name = 'Mutated';
    v1.stage = 'hired';
    v1.createdAt.setTime(0);
    expect(await store.getCandidate(candidate.id)).toMatchObject({ name: 'Ana Lima' });
    const v2 = await store.getConversation(conversation.id);
    expect(v2?.stage).toBe(conversation.stage);
    expect(v2?.createdAt.getTime()).toBe(conversation.createdAt.getTime());
    await store.close();
  });

  it('without the option (cluster) nothing is cached: another connection\'s commit is read at once, even in the same turn', async () => {
    const file = tempFile();
    const { store, candidate } = await seeded({ file, soleOwner: false });
    expect(store.cacheStats()).toBeUndefined();
    const other = new Database(file);
    other.prepare("UPDATE candidates SET doc = json_set(doc, '$.name', 'Other Node') WHERE id = ?").run(candidate.id);
    // No macrotask boundary in between: only a store without a cache can see it.
    expect(await store.getCandidate(candidate.id)).toMatchObject({ name: 'Other Node' });
    other.close();
    await store.close();
  });

  it('a second process writing the file: its commit empties the cache by the next turn, and a turn never commits over it', async () => {
    const file = tempFile();
    const { store, conversation, candidate } = await seeded({ file });
    // A real second process (what a second `npm start` or a CLI is): it commits and exits.
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const script = `
      const Database = require(${JSON.stringify(driver)});
      const db = new Database(${JSON.stringify(file)});
      db.pragma('busy_timeout = 5000');
      db.prepare("UPDATE candidates SET doc = json_set(doc, '$.name', 'Second Process') WHERE id = ?").run(${JSON.stringify(candidate.id)});
      db.prepare("UPDATE conversations SET version = version + 1, doc = json_set(doc, '$.version', version + 1) WHERE id = ?").run(${JSON.stringify(conversation.id)});
      db.close();`;
    execFileSync(process.execPath, ['-e', script]);
    // Same turn: a commit decides under the write lock, after checking for others' commits.
    const turn = store.commitTurn({ conversation: { ...conversation, stage: 'screening' }, messages: [], events: [] });
    await expect(turn).rejects.toBeInstanceOf(ConcurrencyError);
    await nextTurn();
    expect(await store.getCandidate(candidate.id)).toMatchObject({ name: 'Second Process' });
    expect(await store.getConversation(conversation.id)).toMatchObject({ version: conversation.version + 1 });
    expect(store.cacheStats()?.foreignCommits).toBeGreaterThanOrEqual(1);
    await store.close();
  });

  it('is bounded: the least recently used row goes first', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE conversations (id TEXT PRIMARY KEY, doc TEXT); CREATE TABLE candidates (id TEXT PRIMARY KEY, doc TEXT)');
    const cache = new DocCache(db, 2);
    cache.wrote('candidates', 'a', '{"id":"a"}');
    cache.wrote('candidates', 'b', '{"id":"b"}');
    expect(cache.get('candidates', 'a')).toBe('{"id":"a"}');
    cache.wrote('candidates', 'c', '{"id":"c"}');
    expect(cache.stats().size).toBe(2);
    expect(cache.get('candidates', 'b')).toBeUndefined();
    expect(cache.get('candidates', 'a')).toBe('{"id":"a"}');
    expect(cache.get('candidates', 'c')).toBe('{"id":"c"}');
    db.close();
  });
});

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  ConcurrencyError,
  ErrorCodes,
  ParleyError,
  type Candidate,
  type ChannelId,
  type Conversation,
  type ConversationRef,
  type DomainEvent,
  type InboundMessage,
  type Message,
  type MessageStatus,
  type Sender,
  type Stage,
} from '../../domain/index.js';
import type {
  ConversationQuery,
  EnsureConversationResult,
  EventQuery,
  MessagePatch,
  WriteOptions,
  RecordInboundResult,
  Store,
  TurnCommit,
} from '../../ports/index.js';
import {
  assertCandidateDates,
  assertConversationDates,
  assertEventDates,
  assertMessageDates,
  reviveCandidate,
  reviveConversation,
  reviveEvent,
  reviveMessage,
} from '../codec.js';
import { inboundToMessage, newCandidate, newConversation } from '../factories.js';
import { DocCache, type DocCacheStats } from './doc-cache.js';
import { eraseCandidateRows, type ErasureCounts } from './erase.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import { prepareStatements, type Statements } from './statements.js';

type Row = { doc: string };

export interface SqliteStoreOptions {
  /**
   * This process is the file's only writer (embedded mode, `npm start` without `REDIS_URL`): keep
   * conversation and candidate documents in a read cache (see `DocCache`). Leave unset when other
   * processes write the file as a matter of course (cluster nodes sharing it, CLIs, tests): every
   * read then goes to the file. Even when set, another connection's commit is detected
   * (`PRAGMA data_version`) and empties the cache, so a second process by mistake never makes this
   * one serve a row older than the current event-loop turn.
   */
  soleOwner?: boolean;
}

/**
 * The embedded store: one SQLite file (WAL) beside the process. Every method is synchronous
 * underneath; the async surface matches the Store port so the MongoDB adapter can swap in.
 * Opened with `soleOwner` (embedded mode's single process), conversation and candidate documents
 * are read through a bounded cache kept in step with every write and rollback (`DocCache`).
 *
 * @example
 * const store = SqliteStore.open('./data/parley.db');
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly q: Statements;
  private batch: Promise<void> = Promise.resolve();
  /** Commits the open group now (set while a group is open). */
  private flushGroup: (() => void) | undefined;
  /** Statements whose SQL depends on the query's filters, prepared once per distinct SQL text. */
  private readonly prepared = new Map<string, Database.Statement>();
  /** Conversation and candidate documents, when this process is the file's sole owner. */
  private readonly cache: DocCache | undefined;

  private constructor(db: Database.Database, opts: SqliteStoreOptions) {
    this.db = db;
    this.q = prepareStatements(db);
    this.cache = opts.soleOwner ? new DocCache(db) : undefined;
  }

  /** Open (creating if needed) and migrate. `:memory:` gives a throwaway store. */
  static open(path: string, opts: SqliteStoreOptions = {}): SqliteStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    let db: Database.Database;
    try {
      db = new Database(path);
    } catch (cause) {
      throw new ParleyError(ErrorCodes.STORE, `Cannot open the SQLite store at ${path}`, { cause });
    }
    // First: a second process opening the same file (two nodes on one host) waits for the other's
    // locks instead of failing at once (switching to WAL and migrating both take the write lock).
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode is durable across process crashes (not power loss) and much faster.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrateModule(db, 'core', MIGRATIONS);
    return new SqliteStore(db, opts);
  }

  /** Schema version of a module after migrations. */
  schemaVersion(module = 'core'): number {
    return (this.statement('SELECT MAX(version) AS v FROM schema_migrations WHERE module = ?').get(module) as { v: number }).v;
  }

  /**
   * The SQLite handle, for feature stores (console, jobs) that keep their own tables in the same
   * file. They call `migrateModule` with their own migration list first.
   */
  get database(): Database.Database {
    return this.db;
  }

  /** The document cache's counters (undefined when the store was not opened as sole owner). */
  cacheStats(): DocCacheStats | undefined {
    return this.cache?.stats();
  }

  async ensureConversation(ref: ConversationRef, sender: Sender, now: Date): Promise<EnsureConversationResult> {
    return this.write(() => this.ensureSync(ref, sender, now));
  }

  private ensureSync(ref: ConversationRef, sender: Sender, now: Date): EnsureConversationResult {
    const existing = this.q.conversationByRef.get(ref.channel, ref.externalId) as Row | undefined;
    if (existing) {
      const conversation = reviveConversation(existing.doc);
      const candidate = this.candidateSync(conversation.candidateId);
      if (!candidate) throw new ParleyError(ErrorCodes.STORE, `Conversation ${conversation.id} has no candidate`);
      return { conversation, candidate, created: false };
    }
    // The same person on another provider/channel (same phone, or same email address) is the same candidate.
    const byPhone = sender.phone ? (this.q.candidateByPhone.get(sender.phone) as Row | undefined) : undefined;
    const known = byPhone ?? (sender.email ? (this.q.candidateByEmail.get(sender.email) as Row | undefined) : undefined);
    const candidate = known ? reviveCandidate(known.doc) : newCandidate(sender, now);
    if (!known) this.writeCandidate(candidate);
    const conversation = newConversation(ref, candidate.id, now);
    conversation.stage = candidate.stage;
    this.writeConversation(conversation);
    return { conversation, candidate, created: true };
  }

  async recordInbound(inbound: InboundMessage, now: Date): Promise<RecordInboundResult> {
    return this.write((): RecordInboundResult => {
      const ensured = this.ensureSync(inbound.ref, inbound.sender, now);
      const dup = this.q.inboundByProviderId.get(inbound.ref.channel, inbound.providerMessageId) as Row | undefined;
      if (dup) return { ...ensured, message: reviveMessage(dup.doc), duplicate: true };
      const message = inboundToMessage(inbound, ensured.conversation.id, now);
      this.writeMessage(message);
      const conversation = { ...ensured.conversation, lastActivityAt: now, lastCandidateMessageAt: now };
      const doc = JSON.stringify(conversation);
      this.q.updateConversationActivity.run(now.getTime(), doc, conversation.id);
      this.cache?.wrote('conversations', conversation.id, doc);
      return { ...ensured, conversation, message, duplicate: false };
    });
  }

  async commitTurn(commit: TurnCommit): Promise<Conversation> {
    return this.write((): Conversation => {
      const current = this.conversationDoc(commit.conversation.id);
      if (current === undefined) throw new ParleyError(ErrorCodes.NOT_FOUND, `Conversation ${commit.conversation.id} not found`);
      const stored = reviveConversation(current);
      if (stored.version !== commit.conversation.version) {
        throw new ConcurrencyError('Conversation', stored.id, commit.conversation.version);
      }
      const next: Conversation = {
        ...commit.conversation,
        // Activity stamps move forward only: an inbound may have landed while this turn ran.
        lastActivityAt: maxDate(stored.lastActivityAt, commit.conversation.lastActivityAt) ?? commit.conversation.lastActivityAt,
        lastCandidateMessageAt: maxDate(stored.lastCandidateMessageAt, commit.conversation.lastCandidateMessageAt),
        version: stored.version + 1,
      };
      this.writeConversation(next);
      if (commit.candidate) this.writeCandidate(commit.candidate);
      for (const message of commit.messages) this.writeMessage(message, true);
      for (const event of commit.events) this.writeEvent(event);
      if (commit.inboundMessageId) this.setStatus(commit.inboundMessageId, 'processed', next.updatedAt);
      return next;
    });
  }

  async getConversation(id: string): Promise<Conversation | undefined> {
    const doc = this.conversationDoc(id);
    return doc === undefined ? undefined : reviveConversation(doc);
  }

  /** A conversation's stored JSON: from the cache when it holds the row, else from the file. */
  private conversationDoc(id: string): string | undefined {
    const cached = this.cache?.get('conversations', id);
    if (cached !== undefined) return cached;
    const row = this.q.conversationById.get(id) as Row | undefined;
    if (row) this.cache?.filled('conversations', id, row.doc);
    return row?.doc;
  }

  async findConversationByRef(ref: ConversationRef): Promise<Conversation | undefined> {
    const row = this.q.conversationByRef.get(ref.channel, ref.externalId) as Row | undefined;
    return row ? reviveConversation(row.doc) : undefined;
  }

  async listConversations(query: ConversationQuery = {}): Promise<Conversation[]> {
    const { where, args } = filters([
      ['stage = ?', query.stage],
      ['mode = ?', query.mode],
      ['needs_human = ?', query.needsHuman === undefined ? undefined : query.needsHuman ? 1 : 0],
      ['channel = ?', query.channel],
      ['candidate_id = ?', query.candidateId],
    ]);
    if (query.engaged) where.push(ENGAGED_SQL);
    const sql =
      `SELECT doc FROM conversations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ` +
      'ORDER BY last_activity_at DESC, id LIMIT ? OFFSET ?';
    const rows = this.statement(sql).all(...args, query.limit ?? 1000, query.offset ?? 0) as Row[];
    return rows.map((r) => reviveConversation(r.doc));
  }

  async countByStage(): Promise<Partial<Record<Stage, number>>> {
    const rows = this.q.countByStage.all() as { stage: Stage; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.stage, r.n]));
  }

  async getCandidate(id: string): Promise<Candidate | undefined> {
    return this.candidateSync(id);
  }

  private candidateSync(id: string): Candidate | undefined {
    const cached = this.cache?.get('candidates', id);
    if (cached !== undefined) return reviveCandidate(cached);
    const row = this.q.candidateById.get(id) as Row | undefined;
    if (!row) return undefined;
    this.cache?.filled('candidates', id, row.doc);
    return reviveCandidate(row.doc);
  }

  async listCandidates(): Promise<Candidate[]> {
    return (this.q.allCandidates.all() as Row[]).map((r) => reviveCandidate(r.doc));
  }

  async saveCandidate(candidate: Candidate): Promise<void> {
    return this.write(() => this.writeCandidate(candidate), ONE_STATEMENT);
  }

  async getMessage(id: string): Promise<Message | undefined> {
    const row = this.q.messageById.get(id) as Row | undefined;
    return row ? reviveMessage(row.doc) : undefined;
  }

  async findMessageByProviderId(channel: ChannelId, providerMessageId: string): Promise<Message | undefined> {
    const row = (this.q.inboundByProviderId.get(channel, providerMessageId) ??
      this.q.outboundByProviderId.get(channel, providerMessageId)) as Row | undefined;
    return row ? reviveMessage(row.doc) : undefined;
  }

  async listMessages(conversationId: string, opts: { limit?: number } = {}): Promise<Message[]> {
    const rows = this.q.messagesNewestFirst.all(conversationId, opts.limit ?? 500) as Row[];
    return rows.reverse().map((r) => reviveMessage(r.doc));
  }

  async insertMessage(message: Message): Promise<void> {
    return this.write(() => this.writeMessage(message, true), ONE_STATEMENT);
  }

  async updateMessage(id: string, patch: MessagePatch, now: Date, events: DomainEvent[] = [], opts: WriteOptions = {}): Promise<Message | undefined> {
    const apply = (): Message | undefined => {
      const next = this.patchMessage(id, patch, now);
      if (next) for (const event of events) this.writeEvent(event);
      return next;
    };
    const mode = events.length ? undefined : ONE_STATEMENT;
    return opts.immediate ? this.writeNow(apply, mode) : this.write(apply, mode);
  }

  private setStatus(id: string, status: MessageStatus, now: Date): void {
    this.patchMessage(id, { status }, now);
  }

  /**
   * Update a message in place: one `UPDATE ... json_set(doc, ...) RETURNING doc` instead of a read,
   * a merge in JS and a rewrite of the whole document.
   */
  private patchMessage(id: string, patch: MessagePatch, now: Date): Message | undefined {
    // Only the patch is new: validate its dates (createdAt is not patchable, it stays as stored).
    assertMessageDates({ createdAt: PLACEHOLDER_DATE, ...patch, updatedAt: now, id } as Message);
    const fields = Object.entries({ ...patch, updatedAt: now }).sort(([a], [b]) => (a < b ? -1 : 1));
    let doc = 'doc';
    const docArgs: (string | number | null)[] = [];
    for (const [key, value] of fields) {
      if (!JSON_KEY.test(key)) throw new ParleyError(ErrorCodes.STORE, `Message field ${key} cannot be patched`);
      if (value === undefined) doc = `json_remove(${doc}, '$.${key}')`;
      else {
        doc = `json_set(${doc}, '$.${key}', json(?))`;
        docArgs.push(JSON.stringify(value));
      }
    }
    const sets = [`doc = ${doc}`];
    const args: (string | number | null)[] = [...docArgs];
    if (patch.status !== undefined) {
      sets.push('status = ?');
      args.push(patch.status);
    }
    if ('providerMessageId' in patch) {
      sets.push('provider_message_id = ?');
      args.push(patch.providerMessageId ?? null);
    }
    const row = this.statement(`UPDATE messages SET ${sets.join(', ')} WHERE id = ? RETURNING doc`).get(...args, id) as Row | undefined;
    return row ? reviveMessage(row.doc) : undefined;
  }

  async listPendingInbound(): Promise<Message[]> {
    return (this.q.pendingInbound.all() as Row[]).map((r) => reviveMessage(r.doc));
  }

  async listUnsentOutbound(): Promise<Message[]> {
    return (this.q.unsentOutbound.all() as Row[]).map((r) => reviveMessage(r.doc));
  }

  async statusCounts(direction: 'in' | 'out'): Promise<Partial<Record<MessageStatus, number>>> {
    const rows = this.q.statusCounts.all(direction) as { status: MessageStatus; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  async appendEvents(events: DomainEvent[]): Promise<void> {
    return this.write(() => events.forEach((e) => this.writeEvent(e)));
  }

  async listEvents(query: EventQuery = {}): Promise<DomainEvent[]> {
    // With a conversation or candidate, its own index leads: `+at` keeps the planner off the
    // (type, at) index, which walks every event of the type since then and sorts them.
    const scoped = query.conversationId !== undefined || query.candidateId !== undefined;
    const { where, args } = filters([
      ['conversation_id = ?', query.conversationId],
      ['candidate_id = ?', query.candidateId],
      [scoped ? '+at > ?' : 'at > ?', query.after?.getTime()],
    ]);
    if (query.types?.length) {
      where.push(`type IN (${query.types.map(() => '?').join(',')})`);
      args.push(...query.types);
    }
    const sql = `SELECT doc FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT ?`;
    return (this.statement(sql).all(...args, query.limit ?? 10_000) as Row[]).map((r) => reviveEvent(r.doc));
  }

  async kvGet<T = unknown>(namespace: string, key: string): Promise<T | undefined> {
    const row = this.q.kvGet.get(namespace, key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async kvSet(namespace: string, key: string, value: unknown): Promise<void> {
    return this.write(() => void this.q.kvSet.run(namespace, key, JSON.stringify(value)), ONE_STATEMENT);
  }

  async kvDelete(namespace: string, key: string): Promise<void> {
    return this.write(() => void this.q.kvDelete.run(namespace, key), ONE_STATEMENT);
  }

  async kvList(namespace: string): Promise<{ key: string; value: unknown }[]> {
    const rows = this.q.kvList.all(namespace) as { key: string; value: string }[];
    return rows.map((r) => ({ key: r.key, value: JSON.parse(r.value) as unknown }));
  }

  /**
   * Remove a candidate's personal data from every table of the file (see `eraseCandidateRows`),
   * committed before this returns. Returns the stored media paths (the caller deletes the files)
   * and what was removed. Freed space is zeroed (`secure_delete`); call `compact` afterwards so no
   * old copy survives in free pages or the WAL.
   */
  async eraseCandidate(candidateId: string, now: Date, opts: { placeholder?: string } = {}): Promise<{ counts: ErasureCounts; files: string[] }> {
    return this.writeNow(() => {
      // What the erasure frees is zeroed; other writes keep the default (no cost on the hot path).
      this.db.pragma('secure_delete = ON');
      try {
        return eraseCandidateRows(this.db, candidateId, now.getTime(), opts.placeholder);
      } finally {
        this.db.pragma('secure_delete = OFF');
      }
    });
  }

  /**
   * Rewrite the file without free pages (VACUUM) and fold the WAL into it, truncated: after an
   * erasure, old versions of rows left in free space or WAL frames are gone from disk.
   */
  async compact(): Promise<void> {
    await this.batch;
    this.flushGroup?.();
    if (this.db.inTransaction) return;
    this.db.exec('VACUUM');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async ping(): Promise<void> {
    this.statement('SELECT 1').get();
  }

  /**
   * The prepared statement for `sql`, prepared on first use only. Filtered queries build their SQL
   * from which filters are set, so the distinct texts are few (bounded by the filter combinations).
   */
  private statement(sql: string): Database.Statement {
    let stmt = this.prepared.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.prepared.set(sql, stmt);
    }
    return stmt;
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    await this.batch;
    this.db.close();
  }

  /**
   * Group commit. Writes made in the same event-loop turn share one SQLite transaction, each in
   * its own savepoint (so one failing write rolls back alone); every caller's promise resolves
   * only after the shared COMMIT. Durability before acknowledgement is unchanged, but a burst of
   * turns pays for one WAL commit instead of one each. Feature stores sharing `database` must use
   * `database.transaction(fn)` (which nests as a savepoint), never a raw BEGIN.
   */
  private write<T>(fn: () => T, mode?: typeof ONE_STATEMENT): Promise<T> {
    if (!this.db.inTransaction) {
      this.q.begin.run();
      this.cache?.began();
      this.batch = this.commitSoon();
    }
    const batch = this.batch as Promise<void>;
    let result: T;
    // A write of one statement needs no savepoint: SQLite undoes a failing statement by itself.
    const savepoint = mode !== ONE_STATEMENT;
    if (savepoint) this.q.savepoint.run();
    try {
      result = fn();
      if (savepoint) this.q.release.run();
    } catch (err) {
      if (savepoint) {
        this.q.rollbackTo.run();
        this.q.release.run();
      }
      // A failing write without a savepoint failed in its one statement (undone by SQLite), but
      // whatever it touched leaves the cache too: the cache never guesses.
      this.cache?.rolledBack();
      return Promise.reject(err instanceof Error ? err : new ParleyError(ErrorCodes.STORE, String(err)));
    }
    return batch.then(() => result);
  }

  /**
   * A write committed before this returns, not with the next group commit: it joins the open
   * group (or opens one) and commits the group now. The group's other writes were complete
   * savepoints; their callers resolve on this same commit.
   */
  private writeNow<T>(fn: () => T, mode?: typeof ONE_STATEMENT): Promise<T> {
    if (!this.db.inTransaction) return this.writeAlone(fn);
    const result = this.write(fn, mode);
    this.flushGroup?.();
    return result;
  }

  /**
   * With no group open, a write committed now is a transaction of its own: BEGIN, the write,
   * COMMIT, without the savepoint a shared group needs (a failure rolls back the transaction, and
   * nothing else is in it). Two statements fewer per reply's `sent` mark (issue 13).
   */
  private writeAlone<T>(fn: () => T): Promise<T> {
    this.q.begin.run();
    this.cache?.began();
    try {
      const result = fn();
      this.q.commit.run();
      this.cache?.committed();
      return Promise.resolve(result);
    } catch (err) {
      if (this.db.inTransaction) this.q.rollback.run();
      this.cache?.rolledBack();
      return Promise.reject(err instanceof Error ? err : new ParleyError(ErrorCodes.STORE, String(err)));
    }
  }

  private commitSoon(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const flush = () => {
        if (this.flushGroup !== flush) return; // already committed early by `writeNow`
        this.flushGroup = undefined;
        try {
          if (this.db.inTransaction) this.q.commit.run();
          this.cache?.committed();
          resolve();
        } catch (cause) {
          if (this.db.inTransaction) this.db.exec('ROLLBACK');
          this.cache?.rolledBack();
          reject(new ParleyError(ErrorCodes.STORE, 'SQLite commit failed', { cause }));
        }
      };
      this.flushGroup = flush;
      setImmediate(flush);
    });
  }

  private writeCandidate(c: Candidate): void {
    assertCandidateDates(c);
    const doc = JSON.stringify(c);
    this.q.upsertCandidate.run(c.id, c.phone ?? null, c.email ?? null, c.stage, c.createdAt.getTime(), doc);
    this.cache?.wrote('candidates', c.id, doc);
  }

  private writeConversation(c: Conversation): void {
    assertConversationDates(c);
    const doc = JSON.stringify(c);
    this.q.upsertConversation.run(
      c.id,
      c.ref.channel,
      c.ref.externalId,
      c.candidateId,
      c.stage,
      c.mode,
      c.needsHuman ? 1 : 0,
      c.version,
      c.lastActivityAt.getTime(),
      doc,
    );
    this.cache?.wrote('conversations', c.id, doc);
  }

  private writeMessage(m: Message, ignoreExisting = false): void {
    assertMessageDates(m);
    const args = [m.id, m.conversationId, m.channel, m.direction, m.status, m.providerMessageId ?? null, m.createdAt.getTime(), JSON.stringify(m)];
    if (ignoreExisting) this.q.insertMessageIgnore.run(...args);
    else this.q.insertMessage.run(...args);
  }

  private writeEvent(e: DomainEvent): void {
    assertEventDates(e);
    this.q.insertEvent.run(e.id, e.type, e.conversationId ?? null, e.candidateId ?? null, e.at.getTime(), JSON.stringify(e));
  }
}

/**
 * Marks a write function that runs exactly one SQL statement (after any validation that throws
 * before it): it needs no savepoint of its own.
 */
const ONE_STATEMENT = 'one-statement' as const;

/** Stands in for a message's stored createdAt when only a patch's dates are validated. */
const PLACEHOLDER_DATE = new Date(0);

/** Message fields patched in place (JSON paths are inlined in the SQL). */
const JSON_KEY = /^[A-Za-z][A-Za-z0-9]*$/;

/** A conversation with something in it (see `ConversationQuery.engaged`). */
const ENGAGED_SQL = "(version > 0 OR json_extract(doc, '$.lastCandidateMessageAt') IS NOT NULL)";

/** WHERE clauses for the filters that are set. */
function filters(pairs: [clause: string, value: string | number | undefined][]): { where: string[]; args: (string | number)[] } {
  const set = pairs.filter((p): p is [string, string | number] => p[1] !== undefined);
  return { where: set.map((p) => p[0]), args: set.map((p) => p[1]) };
}

function maxDate(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

/**
 * Apply a module's migrations in order, once each. Modules (core, console, jobs...) version their
 * tables independently in one `schema_migrations` table.
 *
 * @example
 * migrateModule(store.database, 'console', CONSOLE_MIGRATIONS);
 */
export function migrateModule(db: Database.Database, module: string, migrations: readonly Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL, PRIMARY KEY (module, version))');
  const applied = () => new Set((db.prepare('SELECT version FROM schema_migrations WHERE module = ?').all(module) as { version: number }[]).map((r) => r.version));
  if (migrations.every((m) => applied().has(m.version))) return;
  // IMMEDIATE, and the applied set read again inside: two processes starting on one file at once
  // migrate one after the other, and the second finds nothing left to do.
  db.transaction(() => {
    const done = applied();
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (module, version, name, applied_at) VALUES (?, ?, ?, ?)').run(module, m.version, m.name, Date.now());
    }
  }).immediate();
}

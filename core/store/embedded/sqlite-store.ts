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
import { WalCheckpointer } from './wal-checkpointer.js';

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
  /**
   * Checkpoint the WAL from a worker thread instead of inside a COMMIT on the event loop (see
   * `WalCheckpointer`). Default: on for a file opened with `soleOwner` (the app's embedded mode),
   * off otherwise and always off for `:memory:`.
   */
  backgroundCheckpoints?: boolean;
}

/** The main connection's own automatic checkpoint while a worker checkpoints: a safety net only. */
const SAFETY_CHECKPOINT_PAGES = 10_000;

/** How long a connection waits for another process's locks (two nodes on one file). */
const BUSY_TIMEOUT_MS = 5000;
const SLEEP = new Int32Array(new SharedArrayBuffer(4));

/**
 * `PRAGMA journal_mode = WAL`, retried while another process holds the file's write lock in
 * rollback mode: SQLite does not call the busy handler there (the switch reads the file, then
 * needs its exclusive lock; waiting while holding the read lock could deadlock), so a second node
 * opening a fresh file while the first switches it to WAL or migrates it failed at once with
 * SQLITE_BUSY (seen in CI, cluster-jobs). Bounded by the busy timeout, like any other wait.
 */
function switchToWal(db: Database.Database): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      // By code, not `instanceof SqliteError`: the native addon keeps the error class of the first
      // module instance that loaded it (a test runner's second module registry has another class).
      const code = (err as { code?: unknown }).code;
      const busy = typeof code === 'string' && code.startsWith('SQLITE_BUSY');
      if (!busy || Date.now() >= deadline) throw err;
      Atomics.wait(SLEEP, 0, 0, 10);
    }
  }
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
  private flushGroup: ((emptied?: boolean) => void) | undefined;
  /** The group a `writeSoon` already asked to commit in a microtask. */
  private soonFlush: ((emptied?: boolean) => void) | undefined;
  /** The open group's writes (set while a group is open; see `write`). */
  private group: Group | undefined;
  /** What `database` hands to feature stores (see `watchedHandle`). */
  private readonly handle: Database.Database;
  /** Statements whose SQL depends on the query's filters, prepared once per distinct SQL text. */
  private readonly prepared = new Map<string, Database.Statement>();
  /** Multi-row event inserts by row count (see `writeEvents`). */
  private readonly eventInserts: (Database.Statement | undefined)[] = [];
  /** Multi-row message inserts by row count (see `writeMessages`). */
  private readonly messageInserts: (Database.Statement | undefined)[] = [];
  /** Conversation and candidate documents, when this process is the file's sole owner. */
  private readonly cache: DocCache | undefined;
  /** The worker that checkpoints the WAL, when `backgroundCheckpoints` is on. */
  readonly checkpointer: WalCheckpointer | undefined;

  private constructor(db: Database.Database, opts: SqliteStoreOptions, path: string) {
    this.db = db;
    this.q = prepareStatements(db);
    this.cache = opts.soleOwner ? new DocCache(db) : undefined;
    this.handle = watchedHandle(db, () => {
      if (this.group) this.group.foreign = true;
    });
    // Last, so nothing above can fail with the thread started.
    if (path !== ':memory:' && (opts.backgroundCheckpoints ?? opts.soleOwner === true)) {
      db.pragma(`wal_autocheckpoint = ${SAFETY_CHECKPOINT_PAGES}`);
      this.checkpointer = new WalCheckpointer(path);
    }
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
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    switchToWal(db);
    // NORMAL in WAL mode is durable across process crashes (not power loss) and much faster.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrateModule(db, 'core', MIGRATIONS);
    return new SqliteStore(db, opts, path);
  }

  /** Schema version of a module after migrations. */
  schemaVersion(module = 'core'): number {
    return (this.statement('SELECT MAX(version) AS v FROM schema_migrations WHERE module = ?').get(module) as { v: number }).v;
  }

  /**
   * The SQLite handle, for feature stores (console, jobs) that keep their own tables in the same
   * file. They call `migrateModule` with their own migration list first.
   *
   * It is the connection behind a watching wrapper (see `watchedHandle`): a feature's write while
   * a group is open (a statement that writes, `exec`, `pragma`, a `transaction` function) marks
   * the group. The store can replay its own writes after a rollback, not a feature's: in a marked
   * group the writes that join take savepoints again (see `write`), so a failing one rolls back
   * alone and the feature's rows commit with the group (issue 13).
   */
  get database(): Database.Database {
    return this.handle;
  }

  /** The document cache's counters (undefined when the store was not opened as sole owner). */
  cacheStats(): DocCacheStats | undefined {
    return this.cache?.stats();
  }

  async ensureConversation(ref: ConversationRef, sender: Sender, now: Date): Promise<EnsureConversationResult> {
    return this.write(() => this.ensureSync(ref, sender, now));
  }

  /**
   * The conversation on `ref`, created (with its candidate, unless one is known by phone or email)
   * when there is none. With `deferNew`, a created conversation is returned unwritten: the caller
   * writes it in the same write function (see `recordInbound`). `beforeNew` runs before anything
   * of a new conversation is written.
   */
  private ensureSync(ref: ConversationRef, sender: Sender, now: Date, deferNew = false, beforeNew?: () => void): EnsureConversationResult {
    const existing = this.conversationByRef(ref);
    if (existing) {
      const candidate = this.candidateSync(existing.candidateId);
      if (!candidate) throw new ParleyError(ErrorCodes.STORE, `Conversation ${existing.id} has no candidate`);
      return { conversation: existing, candidate, created: false };
    }
    beforeNew?.();
    // The same person on another provider/channel (same phone, or same email address) is the same candidate.
    const byPhone = sender.phone ? (this.q.candidateByPhone.get(sender.phone) as Row | undefined) : undefined;
    const known = byPhone ?? (sender.email ? (this.q.candidateByEmail.get(sender.email) as Row | undefined) : undefined);
    const candidate = known ? reviveCandidate(known.doc) : newCandidate(sender, now);
    if (!known) this.writeCandidate(candidate);
    const conversation = newConversation(ref, candidate.id, now);
    conversation.stage = candidate.stage;
    if (!deferNew) this.writeConversation(conversation);
    this.cache?.rememberRef(ref.channel, ref.externalId, conversation.id);
    return { conversation, candidate, created: true };
  }

  /**
   * The conversation with this channel reference. As sole owner, a remembered ref -> id is tried
   * first, read through the document cache and trusted only when the document still carries that
   * ref (an erased conversation's ref was rewritten, a deleted or rolled-back one is gone: both fall
   * back to the look-up by ref, so the map never brings back what the file no longer holds).
   */
  private conversationByRef(ref: ConversationRef): Conversation | undefined {
    const id = this.cache?.conversationIdByRef(ref.channel, ref.externalId);
    if (id !== undefined) {
      const doc = this.conversationDoc(id);
      if (doc !== undefined) {
        const conversation = reviveConversation(doc);
        if (conversation.ref.channel === ref.channel && conversation.ref.externalId === ref.externalId) return conversation;
      }
    }
    const row = this.q.conversationByRef.get(ref.channel, ref.externalId) as Row | undefined;
    if (!row) return undefined;
    const conversation = reviveConversation(row.doc);
    this.cache?.rememberRef(ref.channel, ref.externalId, conversation.id);
    return conversation;
  }

  async recordInbound(inbound: InboundMessage, now: Date): Promise<RecordInboundResult> {
    // Where `write` would take a savepoint (joining a group a feature wrote in), the write undoes
    // itself instead (issue 13): on a known conversation, the one statement that can fail after the
    // message's insert is the conversation's UPDATE, and then the row just inserted is deleted; a
    // new conversation (rare) takes the savepoint itself, before its candidate is written. Two
    // statements fewer per message then.
    const selfUndo = this.db.inTransaction && (this.group === undefined || this.group.foreign);
    return this.write((): RecordInboundResult => {
      // A new conversation is written once, below, with its first message's activity stamps: an
      // INSERT, not an INSERT and an UPDATE (issue 13). The message row needs no conversation row
      // first (no foreign key), and both are in this one transaction.
      if (!selfUndo) return this.recordOn(this.ensureSync(inbound.ref, inbound.sender, now, true), inbound, now);
      let savepoint = false;
      const beforeNew = () => {
        this.q.savepoint.run();
        savepoint = true;
      };
      try {
        const result = this.recordOn(this.ensureSync(inbound.ref, inbound.sender, now, true, beforeNew), inbound, now, true);
        if (savepoint) this.q.release.run();
        return result;
      } catch (err) {
        if (savepoint && this.db.inTransaction) {
          this.q.rollbackTo.run();
          this.q.release.run();
        }
        throw err;
      }
    }, selfUndo ? ONE_STATEMENT : undefined);
  }

  /** `recordInbound` on its conversation; `undo`: a failing UPDATE of a known conversation deletes the message row inserted before it. */
  private recordOn(ensured: EnsureConversationResult, inbound: InboundMessage, now: Date, undo = false): RecordInboundResult {
    // Insert first (the UNIQUE index `messages_inbound_provider` refuses a redelivery); look the
    // duplicate up only when nothing was inserted: one statement per new message, not two.
    const message = inboundToMessage(inbound, ensured.conversation.id, now);
    if (!this.writeMessage(message)) {
      // A redelivery on a new conversation (its first delivery's conversation was erased): the
      // conversation is kept, with no message of its own yet.
      if (ensured.created) this.writeConversation(ensured.conversation);
      const dup = this.q.inboundByProviderId.get(inbound.ref.channel, inbound.providerMessageId) as Row | undefined;
      // OR IGNORE skips any constraint failure (NOT NULL, CHECK), not only the dedupe index:
      // with no stored duplicate, the row was refused for another reason.
      if (!dup) throw new ParleyError(ErrorCodes.STORE, `Inbound message ${inbound.ref.channel}/${inbound.providerMessageId} was refused by the store`);
      return { ...ensured, message: reviveMessage(dup.doc), duplicate: true };
    }
    const conversation = { ...ensured.conversation, lastActivityAt: now, lastCandidateMessageAt: now };
    if (ensured.created) this.writeConversation(conversation);
    else {
      const doc = JSON.stringify(conversation);
      try {
        this.q.updateConversationActivity.run(now.getTime(), doc, conversation.id);
      } catch (err) {
        if (undo && this.db.inTransaction) this.q.deleteMessage.run(message.id);
        throw err;
      }
      this.cache?.wrote('conversations', conversation.id, doc);
    }
    return { ...ensured, conversation, message, duplicate: false };
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
      this.writeMessages(commit.messages);
      this.writeEvents(commit.events);
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
    return this.conversationByRef(ref);
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
    return this.write(() => void this.writeMessage(message), ONE_STATEMENT);
  }

  async updateMessage(id: string, patch: MessagePatch, now: Date, events: DomainEvent[] = [], opts: WriteOptions = {}): Promise<Message | undefined> {
    const apply = (): Message | undefined => {
      const next = this.patchMessage(id, patch, now);
      if (next) this.writeEvents(events);
      return next;
    };
    const mode = events.length ? undefined : ONE_STATEMENT;
    if (opts.immediate) return this.writeNow(apply, mode);
    return opts.soon ? this.writeSoon(apply, mode) : this.write(apply, mode);
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
    return this.write(() => this.writeEvents(events), events.length <= EVENTS_PER_INSERT ? ONE_STATEMENT : undefined);
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
    // The worker's connection first: the last one to close folds the WAL into the file.
    await this.checkpointer?.stop();
    this.db.close();
  }

  /**
   * Group commit. Writes made in the same event-loop turn share one SQLite transaction; every
   * caller's promise resolves only after the shared COMMIT. Durability before acknowledgement is
   * unchanged, but a burst of turns pays for one WAL commit instead of one each. Feature stores
   * sharing `database` must use `database.transaction(fn)` (which nests as a savepoint), never a
   * raw BEGIN.
   *
   * The group is optimistic (issue 13): a write joins it without a savepoint of its own, and the
   * group remembers each write's function. When a joining write fails, the whole transaction rolls
   * back, a new one begins and the group's earlier writes run again (`replay`): they succeeded on
   * the same state before, and the failing write ran last, so none of them depended on it. The
   * failing write rejects with its error; the others resolve after the COMMIT with what their
   * replay returned. Two statements fewer per joining write (SAVEPOINT and RELEASE), paid back
   * only on the rare failure. Savepoints stay where a rollback would lose what the store cannot
   * replay: in a group where a feature wrote through `database` (see `watchedHandle`), and for a
   * store write made inside a feature's own transaction (no group of the store's is open).
   */
  private write<T>(fn: () => T, mode?: typeof ONE_STATEMENT): Promise<T> {
    // The write that opens the group is alone in the transaction until it returns (it runs
    // synchronously right after BEGIN): a failure rolls the whole transaction back.
    const opens = !this.db.inTransaction;
    if (opens) {
      this.q.begin.run();
      this.cache?.began();
      this.group = { writes: [], foreign: false };
      this.batch = this.commitSoon();
    }
    const batch = this.batch as Promise<void>;
    const group = this.group;
    const write: GroupWrite = { fn, result: undefined, error: undefined };
    // A write of one statement needs no savepoint: SQLite undoes a failing statement by itself.
    const savepoint = !opens && mode !== ONE_STATEMENT && (group === undefined || group.foreign);
    if (savepoint) this.q.savepoint.run();
    try {
      write.result = fn();
      if (savepoint) this.q.release.run();
    } catch (err) {
      // Some errors end the transaction in SQLite itself (a full disk, an I/O error, RAISE(ROLLBACK)).
      const open = this.db.inTransaction;
      if (savepoint && open) {
        this.q.rollbackTo.run();
        this.q.release.run();
      }
      if (opens && open) this.q.rollback.run();
      // A failing write without a savepoint failed in its one statement (undone by SQLite), but
      // whatever it touched leaves the cache too: the cache never guesses.
      this.cache?.rolledBack();
      // A joining write of several statements, no savepoint: roll back and replay the others.
      if (!opens && !savepoint && mode !== ONE_STATEMENT && open && group) this.replay(group);
      // A group whose transaction is over is settled now (after the cache forgot what it
      // touched): the one this write opened held nothing else and resolves; one SQLite rolled
      // back lost every write in it, which reject. The next write, in this tick or later, opens
      // a new group.
      else if (opens || !open) this.flushGroup?.(opens);
      return Promise.reject(toError(err));
    }
    group?.writes.push(write);
    return batch.then(() => {
      if (write.error) throw write.error;
      return write.result as T;
    });
  }

  /**
   * A joining write failed in the optimistic group: roll the transaction back, begin again and run
   * the group's earlier writes once more, in order. Their results replace the first run's (the
   * callers have not seen them: they resolve after the COMMIT). Each replay runs in a savepoint
   * (this path is rare): one that fails now (its state changed under it: another process committed
   * between ROLLBACK and BEGIN) rolls back alone, leaves the group and rejects with its own error;
   * the rest go on without it. If the new BEGIN fails, or a replay ends the transaction in SQLite
   * itself, the group is lost and every write in it rejects with a store error, as in any group
   * SQLite rolled back.
   */
  private replay(group: Group): void {
    this.q.rollback.run();
    // The cache forgets everything the first run put (after the ROLLBACK, before the replay re-puts it).
    this.cache?.rolledBack();
    try {
      this.q.begin.run();
    } catch {
      this.flushGroup?.();
      return;
    }
    this.cache?.began();
    const replayed = group.writes.splice(0);
    for (const write of replayed) {
      this.q.savepoint.run();
      try {
        write.result = write.fn();
        this.q.release.run();
        group.writes.push(write);
      } catch (err) {
        this.cache?.rolledBack();
        if (!this.db.inTransaction) {
          this.flushGroup?.();
          return;
        }
        this.q.rollbackTo.run();
        this.q.release.run();
        write.error = toError(err);
      }
    }
  }

  /**
   * A write committed before this returns, not with the next group commit: it joins the open
   * group (or opens one) and commits the group now. The group's other writes resolve on this
   * same commit.
   */
  private writeNow<T>(fn: () => T, mode?: typeof ONE_STATEMENT): Promise<T> {
    if (!this.db.inTransaction) return this.writeAlone(fn);
    const result = this.write(fn, mode);
    this.flushGroup?.();
    return result;
  }

  /**
   * A write committed at the end of the promise jobs already queued: it joins the open group (or
   * opens one), and that group commits in a microtask instead of at the next `setImmediate`. The
   * writes made `soon` in the same burst of promise jobs (the `sent` marks of replies acknowledged
   * together) share one BEGIN and COMMIT, and nobody waits for another event-loop turn (issue 13).
   */
  private writeSoon<T>(fn: () => T, mode?: typeof ONE_STATEMENT): Promise<T> {
    const result = this.write(fn, mode);
    const flush = this.flushGroup;
    // Once per group: a later write of the same group finds it already asked for.
    if (flush && this.soonFlush !== flush) {
      this.soonFlush = flush;
      queueMicrotask(() => {
        if (this.flushGroup === flush) flush();
      });
    }
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
      return Promise.reject(toError(err));
    }
  }

  private commitSoon(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // `emptied`: the group's only write failed and rolled the transaction back (see `write`).
      const flush = (emptied = false) => {
        if (this.flushGroup !== flush) return; // already committed early by `writeNow`
        this.flushGroup = undefined;
        this.group = undefined;
        try {
          if (this.db.inTransaction) this.q.commit.run();
          // Nobody but the store ends its transaction: SQLite rolled it back on an error.
          else if (!emptied) throw new ParleyError(ErrorCodes.STORE, 'SQLite rolled the transaction back before its COMMIT');
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

  /**
   * Insert a message unless a row refuses it: false when nothing was inserted (the same id again,
   * a redelivered inbound, or any other constraint OR IGNORE skips).
   */
  private writeMessage(m: Message): boolean {
    assertMessageDates(m);
    return this.multiRowInsert(this.messageInserts, MESSAGE_INSERT, 8, 1).run(...messageRow(m)).changes === 1;
  }

  /**
   * Insert a turn's messages with one multi-row `INSERT OR IGNORE` per `MESSAGES_PER_INSERT` (a
   * turn's replies are one statement, not one each; issue 13). Every message is validated before
   * any is written; a row the store already holds (a re-run turn's stable ids) is skipped alone.
   * Rows of one statement take increasing `seq` in VALUES order, so replies keep their order.
   */
  private writeMessages(messages: readonly Message[]): void {
    if (messages.length === 1) {
      this.writeMessage(messages[0] as Message);
      return;
    }
    for (const m of messages) assertMessageDates(m);
    for (let start = 0; start < messages.length; start += MESSAGES_PER_INSERT) {
      const chunk = messages.slice(start, start + MESSAGES_PER_INSERT);
      const args: (string | number | null)[] = [];
      for (const m of chunk) args.push(...messageRow(m));
      this.multiRowInsert(this.messageInserts, MESSAGE_INSERT, 8, chunk.length).run(...args);
    }
  }

  /**
   * Insert events with one multi-row `INSERT OR IGNORE` per `EVENTS_PER_INSERT` (a turn's 2-3
   * events are one statement). Every event is validated before any is written. Rows of one
   * statement take increasing `seq` in VALUES order, so events keep the order they were given.
   */
  private writeEvents(events: readonly DomainEvent[]): void {
    for (const e of events) assertEventDates(e);
    for (let start = 0; start < events.length; start += EVENTS_PER_INSERT) {
      const chunk = events.slice(start, start + EVENTS_PER_INSERT);
      const args: (string | number | null)[] = [];
      for (const e of chunk) args.push(e.id, e.type, e.conversationId ?? null, e.candidateId ?? null, e.at.getTime(), JSON.stringify(e));
      this.multiRowInsert(this.eventInserts, EVENT_INSERT, 6, chunk.length).run(...args);
    }
  }

  /** The prepared multi-row insert `head VALUES (...), ...` of `rows` rows of `columns` each, prepared once per count into `cache`. */
  private multiRowInsert(cache: (Database.Statement | undefined)[], head: string, columns: number, rows: number): Database.Statement {
    let stmt = cache[rows];
    if (!stmt) {
      const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
      stmt = this.db.prepare(`${head} VALUES ${Array.from({ length: rows }, () => row).join(', ')}`);
      cache[rows] = stmt;
    }
    return stmt;
  }
}

/** A store write in the open group: what `replay` runs again, and what it returned or threw. */
interface GroupWrite {
  readonly fn: () => unknown;
  result: unknown;
  /** Set when its replay failed: the caller rejects with it after the COMMIT. */
  error: Error | undefined;
}

/** The open group (see `SqliteStore.write`). */
interface Group {
  /** The store writes that ran in the group's transaction, in order. */
  readonly writes: GroupWrite[];
  /** A feature wrote through `database` while the group was open: joining writes take savepoints. */
  foreign: boolean;
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new ParleyError(ErrorCodes.STORE, String(err));
}

/**
 * Marks a write function that runs exactly one SQL statement (after any validation that throws
 * before it): it needs no savepoint of its own.
 */
const ONE_STATEMENT = 'one-statement' as const;

/** Rows per multi-row event insert; more events take more statements. */
const EVENTS_PER_INSERT = 8;

/** Rows per multi-row message insert (a turn's replies); more take more statements. */
const MESSAGES_PER_INSERT = 8;

const EVENT_INSERT = 'INSERT OR IGNORE INTO events (id, type, conversation_id, candidate_id, at, doc)';
const MESSAGE_INSERT = 'INSERT OR IGNORE INTO messages (id, conversation_id, channel, direction, status, provider_message_id, created_at, doc)';

/** A message's column values, in the order of `MESSAGE_INSERT`. */
function messageRow(m: Message): (string | number | null)[] {
  return [m.id, m.conversationId, m.channel, m.direction, m.status, m.providerMessageId ?? null, m.createdAt.getTime(), JSON.stringify(m)];
}

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
 * The connection as feature stores get it (`SqliteStore.database`): the same handle, with every
 * way of writing through it reporting to `wrote` first. The store's group commit can roll its
 * own writes back and replay them (see `SqliteStore.write`), but not a feature's rows written in
 * the same transaction; `wrote` tells it to keep savepoints for the rest of that group. Marked:
 * running a prepared statement that writes (`readonly` false, as SQLite reports it: read-only
 * statements are handed out as they are, no cost on reads), `exec` and `pragma` (either may
 * write), and a `transaction` function when it starts (its savepoint nests in the open group).
 * Methods that return the handle or the statement itself (`exec`, `pluck`, `raw`...) return the
 * watched one, so chained calls stay watched.
 */
function watchedHandle(db: Database.Database, wrote: () => void): Database.Database {
  const watchStatement = (stmt: Database.Statement): Database.Statement => {
    if (stmt.readonly) return stmt;
    const run = (...args: unknown[]) => (wrote(), stmt.run(...args));
    const get = (...args: unknown[]) => (wrote(), stmt.get(...args));
    const all = (...args: unknown[]) => (wrote(), stmt.all(...args));
    const iterate = (...args: unknown[]) => (wrote(), stmt.iterate(...args));
    const watched: Database.Statement = new Proxy(stmt, {
      get(target, prop) {
        if (prop === 'run') return run;
        if (prop === 'get') return get;
        if (prop === 'all') return all;
        if (prop === 'iterate') return iterate;
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const out: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
          return out === target ? watched : out;
        };
      },
    });
    return watched;
  };
  const handle: Database.Database = new Proxy(db, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop === 'prepare') return (sql: string) => watchStatement(target.prepare(sql));
      if (prop === 'transaction') {
        return (fn: (...args: unknown[]) => unknown) =>
          target.transaction(function (this: unknown, ...args: unknown[]) {
            wrote();
            return fn.apply(this, args);
          });
      }
      const marks = prop === 'exec' || prop === 'pragma';
      return (...args: unknown[]) => {
        if (marks) wrote();
        const out: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        return out === target ? handle : out;
      };
    },
  });
  return handle;
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

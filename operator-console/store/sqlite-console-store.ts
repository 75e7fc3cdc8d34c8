import type Database from 'better-sqlite3';
import { migrateModule } from '../../core/store/embedded/index.js';
import { reviveMessage } from '../../core/store/index.js';
import type { NotificationKind } from '../contract.js';
import { CONSOLE_MIGRATIONS } from './migrations.js';
import type { ConsoleStore, ConversationMarks, ListMarks, MarksChange, NotificationQuery, StoredCannedResponse, StoredNote, StoredNotification } from './types.js';

interface NotificationRow {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  conversation_id: string | null;
  operator_id: string | null;
  created_at: number;
  read_at?: number | null;
}

interface NoteRow {
  id: string;
  conversation_id: string;
  operator_id: string;
  text: string;
  created_at: number;
}

interface CannedRow {
  id: string;
  title: string;
  text: string;
  created_by: string;
  personal: number;
  created_at: number;
  updated_at: number;
}

/**
 * The console's notifications, notes, canned responses and list marks in the embedded SQLite
 * file. Statements run on the core store's connection: a write made while the core store holds
 * its group-commit transaction joins it, otherwise it commits on its own.
 */
export class SqliteConsoleStore implements ConsoleStore {
  private readonly q: ReturnType<typeof statements>;

  constructor(private readonly db: Database.Database) {
    migrateModule(db, 'console', CONSOLE_MIGRATIONS);
    this.q = statements(db);
  }

  async addNotification(n: StoredNotification, dedupeSince?: Date): Promise<boolean> {
    // Check and insert in one synchronous step, so two notifiers racing in this process
    // (a bus event and the engine's notifyOperators effect) write one row.
    if (dedupeSince && n.conversationId && this.q.recentNotification.get(n.conversationId, n.kind, dedupeSince.getTime())) return false;
    this.q.insertNotification.run(n.id, n.kind, n.title, n.body, n.conversationId ?? null, n.operatorId ?? null, n.createdAt.getTime());
    return true;
  }

  async listNotifications(operatorId: string, query: NotificationQuery = {}): Promise<(StoredNotification & { read: boolean })[]> {
    const where = ['(n.operator_id IS NULL OR n.operator_id = @op)', 'n.created_at >= @from', 'n.created_at > @after'];
    if (query.unreadOnly) where.push('r.read_at IS NULL');
    const sql =
      'SELECT n.*, r.read_at FROM console_notifications n ' +
      'LEFT JOIN console_notification_reads r ON r.notification_id = n.id AND r.operator_id = @op ' +
      `WHERE ${where.join(' AND ')} ORDER BY n.created_at DESC, n.id DESC LIMIT @limit`;
    const rows = this.db.prepare(sql).all({ op: operatorId, from: query.visibleFrom?.getTime() ?? 0, after: query.after?.getTime() ?? -1, limit: query.limit ?? 100 }) as NotificationRow[];
    return rows.map((r) => ({ ...reviveNotification(r), read: r.read_at !== null && r.read_at !== undefined }));
  }

  async countUnreadNotifications(operatorId: string, visibleFrom?: Date): Promise<number> {
    return (this.q.countUnread.get({ op: operatorId, from: visibleFrom?.getTime() ?? 0 }) as { n: number }).n;
  }

  async markNotificationsRead(operatorId: string, ids: readonly string[] | 'all', now: Date): Promise<void> {
    const at = now.getTime();
    this.db.transaction(() => {
      if (ids === 'all') this.q.markAllRead.run({ op: operatorId, at });
      else for (const id of ids) this.q.markRead.run({ id, op: operatorId, at });
    }).immediate();
  }

  async addNote(note: StoredNote): Promise<void> {
    this.q.insertNote.run(note.id, note.conversationId, note.operatorId, note.text, note.createdAt.getTime());
  }

  async listNotes(conversationId: string): Promise<StoredNote[]> {
    return (this.q.notes.all(conversationId) as NoteRow[]).map((r) => ({ id: r.id, conversationId: r.conversation_id, operatorId: r.operator_id, text: r.text, createdAt: new Date(r.created_at) }));
  }

  async listCannedResponses(): Promise<StoredCannedResponse[]> {
    return (this.q.allCanned.all() as CannedRow[]).map(reviveCanned);
  }

  async getCannedResponse(id: string): Promise<StoredCannedResponse | undefined> {
    const row = this.q.cannedById.get(id) as CannedRow | undefined;
    return row && reviveCanned(row);
  }

  async saveCannedResponse(c: StoredCannedResponse): Promise<void> {
    this.q.upsertCanned.run(c.id, c.title, c.text, c.createdBy, c.createdAt.getTime(), c.updatedAt.getTime(), c.personal ? 1 : 0);
  }

  async deleteCannedResponse(id: string): Promise<boolean> {
    return this.q.deleteCanned.run(id).changes > 0;
  }

  async getMarks(conversationId: string): Promise<ConversationMarks | undefined> {
    const row = this.q.marks.get(conversationId) as { doc: string } | undefined;
    return row && (JSON.parse(row.doc) as ConversationMarks);
  }

  async getListMarks(conversationId: string): Promise<ListMarks> {
    const row = this.q.listMarks.get({ id: conversationId }) as { marks: string | null; last: string | null };
    return { ...(row.marks ? { marks: JSON.parse(row.marks) as ConversationMarks } : {}), ...(row.last ? { lastMessage: reviveMessage(row.last) } : {}) };
  }

  async saveMarks(marks: ConversationMarks): Promise<void> {
    this.q.upsertMarks.run(marks.conversationId, marks.unread, marks.needsHuman ? 1 : 0, JSON.stringify(marks));
  }

  async changeMarks(conversationId: string, change: MarksChange): Promise<ConversationMarks | undefined> {
    const row = this.q.changeMarks.get({
      id: conversationId,
      unreadBy: change.unreadBy ?? 0,
      reopen: change.reopen ? 1 : 0,
      risk: change.risk ? JSON.stringify(change.risk) : null,
      riskAt: change.risk?.at ?? null,
      needsHuman: change.needsHuman === undefined ? null : change.needsHuman ? 1 : 0,
    }) as { doc: string } | undefined;
    return row && (JSON.parse(row.doc) as ConversationMarks);
  }
}

function statements(db: Database.Database) {
  return {
    recentNotification: db.prepare('SELECT 1 FROM console_notifications WHERE conversation_id = ? AND kind = ? AND created_at >= ? LIMIT 1'),
    insertNotification: db.prepare('INSERT INTO console_notifications (id, kind, title, body, conversation_id, operator_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    countUnread: db.prepare(
      'SELECT COUNT(*) AS n FROM console_notifications n WHERE (n.operator_id IS NULL OR n.operator_id = @op) AND n.created_at >= @from ' +
        'AND NOT EXISTS (SELECT 1 FROM console_notification_reads r WHERE r.notification_id = n.id AND r.operator_id = @op)',
    ),
    markRead: db.prepare('INSERT OR IGNORE INTO console_notification_reads (notification_id, operator_id, read_at) VALUES (@id, @op, @at)'),
    markAllRead: db.prepare(
      'INSERT OR IGNORE INTO console_notification_reads (notification_id, operator_id, read_at) ' +
        'SELECT id, @op, @at FROM console_notifications WHERE operator_id IS NULL OR operator_id = @op',
    ),
    insertNote: db.prepare('INSERT INTO console_notes (id, conversation_id, operator_id, text, created_at) VALUES (?, ?, ?, ?, ?)'),
    notes: db.prepare('SELECT * FROM console_notes WHERE conversation_id = ? ORDER BY created_at, id'),
    allCanned: db.prepare('SELECT * FROM console_canned_responses ORDER BY title COLLATE NOCASE, id'),
    cannedById: db.prepare('SELECT * FROM console_canned_responses WHERE id = ?'),
    upsertCanned: db.prepare(
      'INSERT INTO console_canned_responses (id, title, text, created_by, created_at, updated_at, personal) VALUES (?, ?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT (id) DO UPDATE SET title = excluded.title, text = excluded.text, updated_at = excluded.updated_at, personal = excluded.personal',
    ),
    deleteCanned: db.prepare('DELETE FROM console_canned_responses WHERE id = ?'),
    marks: db.prepare('SELECT doc FROM console_conversation_marks WHERE conversation_id = ?'),
    // The marks and the newest listed message (`ListMarks`), both by index: the message walks
    // `messages_conversation` back from the newest, past any still queued or suppressed (`+`: never
    // the status index, which would gather every sent message and sort them).
    listMarks: db.prepare(
      'SELECT (SELECT doc FROM console_conversation_marks WHERE conversation_id = @id) AS marks, ' +
        "(SELECT doc FROM messages WHERE conversation_id = @id AND ((+direction = 'in' AND +status = 'processed') " +
        "OR (+direction = 'out' AND +status IN ('sent', 'delivered', 'read', 'failed'))) ORDER BY seq DESC LIMIT 1) AS last",
    ),
    upsertMarks: db.prepare(
      'INSERT INTO console_conversation_marks (conversation_id, unread, needs_human, doc) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (conversation_id) DO UPDATE SET unread = excluded.unread, needs_human = excluded.needs_human, doc = excluded.doc',
    ),
    // One write, no read: the doc as `ConversationViews` would compute it (a stored risk with a
    // later `at` stays). SET sees the row as it was.
    changeMarks: db.prepare(
      'UPDATE console_conversation_marks SET unread = unread + @unreadBy, needs_human = coalesce(@needsHuman, needs_human), ' +
        `doc = ${changedMarksDoc()} WHERE conversation_id = @id RETURNING doc`,
    ),
  };
}

/** The marks doc after `MarksChange` (parameters @unreadBy, @reopen, @risk, @riskAt, @needsHuman). */
function changedMarksDoc(): string {
  const reopened = "CASE WHEN @reopen THEN json_set(json_remove(doc, '$.snoozedUntil'), '$.status', 'open') ELSE doc END";
  const counted = `json_set(${reopened}, '$.unread', unread + @unreadBy)`;
  const flagged = `CASE WHEN @needsHuman IS NULL THEN ${counted} ELSE json_set(${counted}, '$.needsHuman', json(CASE WHEN @needsHuman THEN 'true' ELSE 'false' END)) END`;
  const newer = "@risk IS NOT NULL AND (json_extract(doc, '$.risk.at') IS NULL OR json_extract(doc, '$.risk.at') <= @riskAt)";
  return `CASE WHEN ${newer} THEN json_set(${flagged}, '$.risk', json(@risk)) ELSE ${flagged} END`;
}

function reviveNotification(r: NotificationRow): StoredNotification {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    body: r.body,
    ...(r.conversation_id ? { conversationId: r.conversation_id } : {}),
    ...(r.operator_id ? { operatorId: r.operator_id } : {}),
    createdAt: new Date(r.created_at),
  };
}

function reviveCanned(r: CannedRow): StoredCannedResponse {
  return { id: r.id, title: r.title, text: r.text, createdBy: r.created_by, ...(r.personal ? { personal: true } : {}), createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at) };
}

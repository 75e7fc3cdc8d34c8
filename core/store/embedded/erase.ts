import type Database from 'better-sqlite3';

/** Stand-in for any text of an erased candidate (message texts, event free text). */
export const ERASED = '[erased]';

/** Tables of the core store, handled field by field; every other table is a feature table. */
export const CORE_TABLES = new Set(['candidates', 'conversations', 'messages', 'events', 'kv', 'schema_migrations', 'sqlite_sequence']);
/**
 * Feature tables never scanned: operators and API keys hold no candidate data, and scheduled
 * jobs carry ids only (a job for an erased candidate finds them opted out and sends nothing).
 */
export const KEEP_TABLES = new Set(['console_operators', 'api_keys', 'webhook_subscriptions', 'webhook_cursor', 'agenda_jobs']);

/** Message fields kept on an erased message (what the console needs to draw a placeholder). */
export const MESSAGE_KEEP = ['id', 'conversationId', 'channel', 'direction', 'author', 'kind', 'status', 'attempts', 'providerMessageId', 'suppressedReason', 'partsSent', 'createdAt', 'updatedAt'];
/** Conversation fields kept (no state, no operator names, a reference that names nobody). */
export const CONVERSATION_KEEP = ['id', 'candidateId', 'stage', 'mode', 'version', 'lastActivityAt', 'createdAt', 'updatedAt'];
/** Candidate fields kept: the pipeline facts, not who they are. */
export const CANDIDATE_KEEP = ['id', 'stage', 'role', 'createdAt', 'updatedAt'];
/** Event fields that are ids, enums or numbers (everything else that is a string is free text). */
const EVENT_KEEP = new Set([
  'id', 'type', 'at', 'actor', 'conversationId', 'candidateId', 'messageId', 'channel', 'from', 'to', 'status', 'level', 'role',
  'recommendation', 'kind', 'template', 'job', 'operatorId', 'action', 'timeZone', 'scheduledAt',
]);
/** Audit events kept exactly as written: who asked for an export or erasure, and when. */
export const AUDIT_TYPES = new Set(['ErasureRequested', 'ErasureCompleted']);
export const AUDIT_ACTION = /erasure|export/i;

type Doc = Record<string, unknown>;

export function pick(doc: Doc, keys: readonly string[]): Doc {
  const out: Doc = {};
  for (const k of keys) if (doc[k] !== undefined) out[k] = doc[k];
  return out;
}

/** What one erasure removed, by kind (goes into the `ErasureCompleted` audit event). */
export type ErasureCounts = Record<string, number>;

/**
 * Remove a candidate's personal data from every table of the SQLite file, in the caller's
 * transaction. The rows that make the pipeline's numbers and the audit trail stay, with nothing
 * that names the person:
 * - candidate: name, phone, email and every other profile field dropped; opted out.
 * - conversations: state (intake and interview answers), operator names and the channel
 *   reference (a phone number, email address, chat or Teams id) replaced by `erased:<id>`.
 * - messages: text, media (transcripts, file paths), choices and errors gone; `placeholder` stays.
 * - events: free text (feedback, reasons, summaries, notes, links) blanked; the erasure and
 *   export audit entries untouched.
 * - kv: entries whose key or value names the candidate, a conversation or a contact (email
 *   threads, risk state, alert dedupe, effect outbox, WhatsApp Web media keys) deleted.
 * - feature tables (web chat sessions, console notes and notifications, webhook deliveries,
 *   idempotent API answers, ATS ids, ...): rows that mention the candidate id, a conversation id
 *   or a contact deleted. New feature tables are covered without being listed here.
 * Returns the file paths of stored media (for the caller to delete) and counts.
 */
export function eraseCandidateRows(db: Database.Database, candidateId: string, nowMs: number, placeholder = ERASED): { counts: ErasureCounts; files: string[] } {
  const counts: ErasureCounts = { conversations: 0, messages: 0, events: 0, kv: 0, featureRows: 0 };
  const files: string[] = [];
  const row = db.prepare('SELECT doc FROM candidates WHERE id = ?').get(candidateId) as { doc: string } | undefined;
  if (!row) return { counts, files };
  const candidate = JSON.parse(row.doc) as Doc;
  // Everything that could identify the person in another row: ids, contacts, channel ids.
  const needles = new Set<string>([candidateId]);
  for (const k of ['phone', 'email']) {
    const v = candidate[k];
    if (typeof v === 'string' && v.length >= 5) {
      needles.add(v);
      if (k === 'phone') needles.add(v.replace(/^\+/, ''));
    }
  }
  const conversations = db.prepare('SELECT id, external_id, doc FROM conversations WHERE candidate_id = ?').all(candidateId) as { id: string; external_id: string; doc: string }[];
  const updateConversation = db.prepare('UPDATE conversations SET external_id = ?, needs_human = 0, version = version + 1, doc = ? WHERE id = ?');
  for (const c of conversations) {
    needles.add(c.id);
    if (c.external_id.length >= 5 && !c.external_id.startsWith('erased:')) needles.add(c.external_id);
    const doc = JSON.parse(c.doc) as Doc;
    const ref = doc['ref'] as { channel: string };
    const externalId = `erased:${c.id}`;
    const kept = { ...pick(doc, CONVERSATION_KEEP), ref: { channel: ref.channel, externalId }, needsHuman: false, state: { erasedAt: new Date(nowMs).toISOString() }, version: Number(doc['version'] ?? 0) + 1, updatedAt: new Date(nowMs).toISOString() };
    updateConversation.run(externalId, JSON.stringify(kept), c.id);
    counts.conversations = (counts.conversations ?? 0) + 1;

    const messages = db.prepare('SELECT id, doc FROM messages WHERE conversation_id = ?').all(c.id) as { id: string; doc: string }[];
    const updateMessage = db.prepare('UPDATE messages SET doc = ? WHERE id = ?');
    for (const m of messages) {
      const mdoc = JSON.parse(m.doc) as Doc;
      const media = mdoc['media'] as { storedPath?: string } | undefined;
      if (media?.storedPath) files.push(media.storedPath);
      updateMessage.run(JSON.stringify({ ...pick(mdoc, MESSAGE_KEEP), text: placeholder }), m.id);
      counts.messages = (counts.messages ?? 0) + 1;
    }
  }
  const kept = { ...pick(candidate, CANDIDATE_KEEP), optedOut: true, updatedAt: new Date(nowMs).toISOString() };
  db.prepare('UPDATE candidates SET phone = NULL, email = NULL, doc = ? WHERE id = ?').run(JSON.stringify(kept), candidateId);

  // Events: the candidate's, and those of their conversations.
  const ids = conversations.map((c) => c.id);
  const events = db.prepare(`SELECT id, doc FROM events WHERE candidate_id = ? ${ids.length ? `OR conversation_id IN (${ids.map(() => '?').join(',')})` : ''}`).all(candidateId, ...ids) as { id: string; doc: string }[];
  const updateEvent = db.prepare('UPDATE events SET doc = ? WHERE id = ?');
  for (const e of events) {
    const doc = JSON.parse(e.doc) as Doc;
    if (AUDIT_TYPES.has(String(doc['type'])) || (doc['type'] === 'OperatorAction' && AUDIT_ACTION.test(String(doc['action'])))) continue;
    const scrubbed = scrubEvent(doc);
    if (JSON.stringify(scrubbed) === e.doc) continue;
    updateEvent.run(JSON.stringify(scrubbed), e.id);
    counts.events = (counts.events ?? 0) + 1;
  }

  const list = [...needles];
  // SQL finds rows that contain a needle; each is then checked for it as a whole token, so another
  // person's longer address that contains this one (xana@... for ana@...) is not a match.
  const tokens = wholeTokenMatchers(list);
  const named = (row: Record<string, unknown>) => Object.values(row).some((v) => typeof v === 'string' && tokens.some((t) => t.test(v)));
  const mentions = (cols: string[]) => cols.flatMap((col) => list.map(() => `instr(lower(CAST(${quote(col)} AS TEXT)), ?) > 0`)).join(' OR ');
  const args = (cols: string[]) => cols.flatMap(() => list.map((n) => n.toLowerCase()));
  const deleteNamed = (table: string, cols: string[]): number => {
    const rows = db.prepare(`SELECT rowid AS __rowid, ${cols.map(quote).join(', ')} FROM ${quote(table)} WHERE ${mentions(cols)}`).all(...args(cols)) as Record<string, unknown>[];
    const del = db.prepare(`DELETE FROM ${quote(table)} WHERE rowid = ?`);
    let n = 0;
    for (const row of rows) if (named(row)) n += del.run(row['__rowid']).changes;
    return n;
  };
  counts.kv = deleteNamed('kv', ['key', 'value']);

  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  for (const { name } of tables) {
    if (CORE_TABLES.has(name) || KEEP_TABLES.has(name)) continue;
    const columns = (db.prepare(`PRAGMA table_info(${quote(name)})`).all() as { name: string; type: string }[])
      .filter((c) => c.type === '' || /TEXT|CHAR|CLOB|BLOB/i.test(c.type))
      .map((c) => c.name);
    if (!columns.length) continue;
    counts.featureRows = (counts.featureRows ?? 0) + deleteNamed(name, columns);
  }
  return { counts, files };
}

/** One matcher per needle: the needle as a whole token (not inside a longer address or id). */
export function wholeTokenMatchers(needles: readonly string[]): RegExp[] {
  return needles.map((n) => new RegExp(`(?<![A-Za-z0-9._%+-])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_%+-]|\\.[A-Za-z0-9])`, 'i'));
}

/** An event with its free-text fields blanked (still a valid event of its type). */
export function scrubEvent(doc: Doc): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(doc)) {
    if (EVENT_KEEP.has(k) || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (typeof v === 'string') out[k] = ERASED;
    else if (k === 'details') out[k] = {};
    else if (k === 'factors') out[k] = v;
    // Anything else nested (arrays, objects) that is not known to be free of text is dropped.
  }
  return out;
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

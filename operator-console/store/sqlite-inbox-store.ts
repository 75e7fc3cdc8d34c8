import type Database from 'better-sqlite3';
import { migrateModule } from '../../core/store/embedded/index.js';
import type { InboxQuery, OperatorRole } from '../contract.js';
import { ConsoleError } from '../errors.js';
import type { ConsoleInboxStore, StoredInvite, StoredLabel, StoredSavedFilter } from './inbox-types.js';
import { CONSOLE_MIGRATIONS } from './migrations.js';

interface LabelRow {
  id: string;
  name: string;
  color: string;
  created_by: string;
  created_at: number;
}

interface FilterRow {
  id: string;
  operator_id: string;
  name: string;
  query: string;
  created_at: number;
}

interface InviteRow {
  id: string;
  token_hash: string;
  email: string;
  role: OperatorRole;
  name: string | null;
  invited_by: string;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  operator_id: string | null;
}

/**
 * Labels, saved filters and invites in the embedded SQLite file (console migrations, step 3).
 *
 * @example
 * const inbox = new SqliteInboxStore(store.database);
 * await inbox.saveLabel({ id: 'lbl_1', name: 'Berlin', color: '#2563eb', createdBy: opId, createdAt: new Date() });
 */
export class SqliteInboxStore implements ConsoleInboxStore {
  private readonly q: ReturnType<typeof statements>;

  constructor(db: Database.Database) {
    migrateModule(db, 'console', CONSOLE_MIGRATIONS);
    this.q = statements(db);
  }

  async listLabels(): Promise<StoredLabel[]> {
    return (this.q.labels.all() as LabelRow[]).map((r) => ({ id: r.id, name: r.name, color: r.color, createdBy: r.created_by, createdAt: new Date(r.created_at) }));
  }

  async saveLabel(l: StoredLabel): Promise<void> {
    const clash = this.q.labelByName.get(l.name) as { id: string } | undefined;
    if (clash && clash.id !== l.id) throw new ConsoleError('CONFLICT', `A label named "${l.name}" already exists`);
    this.q.upsertLabel.run(l.id, l.name, l.color, l.createdBy, l.createdAt.getTime());
  }

  async deleteLabel(id: string): Promise<boolean> {
    return this.q.deleteLabel.run(id).changes > 0;
  }

  async listSavedFilters(operatorId: string): Promise<StoredSavedFilter[]> {
    return (this.q.filters.all(operatorId) as FilterRow[]).map((r) => ({ id: r.id, operatorId: r.operator_id, name: r.name, query: JSON.parse(r.query) as InboxQuery, createdAt: new Date(r.created_at) }));
  }

  async saveSavedFilter(f: StoredSavedFilter): Promise<void> {
    this.q.upsertFilter.run(f.id, f.operatorId, f.name, JSON.stringify(f.query), f.createdAt.getTime());
  }

  async deleteSavedFilter(operatorId: string, id: string): Promise<boolean> {
    return this.q.deleteFilter.run(id, operatorId).changes > 0;
  }

  async addInvite(i: StoredInvite): Promise<void> {
    this.q.insertInvite.run({ id: i.id, token_hash: i.tokenHash, email: i.email, role: i.role, name: i.name ?? null, invited_by: i.invitedBy, created_at: i.createdAt.getTime(), expires_at: i.expiresAt.getTime() });
  }

  async findInviteByTokenHash(tokenHash: string): Promise<StoredInvite | undefined> {
    const row = this.q.inviteByHash.get(tokenHash) as InviteRow | undefined;
    return row && reviveInvite(row);
  }

  async listOpenInvites(): Promise<StoredInvite[]> {
    return (this.q.openInvites.all() as InviteRow[]).map(reviveInvite);
  }

  async acceptInvite(id: string, operatorId: string, at: Date): Promise<boolean> {
    return this.q.acceptInvite.run(at.getTime(), operatorId, id).changes > 0;
  }

  async deleteInvite(id: string): Promise<boolean> {
    return this.q.deleteInvite.run(id).changes > 0;
  }
}

function statements(db: Database.Database) {
  return {
    labels: db.prepare('SELECT * FROM console_labels ORDER BY name COLLATE NOCASE, id'),
    labelByName: db.prepare('SELECT id FROM console_labels WHERE name = ?'),
    upsertLabel: db.prepare('INSERT INTO console_labels (id, name, color, created_by, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, color = excluded.color'),
    deleteLabel: db.prepare('DELETE FROM console_labels WHERE id = ?'),
    filters: db.prepare('SELECT * FROM console_saved_filters WHERE operator_id = ? ORDER BY created_at, id'),
    upsertFilter: db.prepare('INSERT INTO console_saved_filters (id, operator_id, name, query, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, query = excluded.query'),
    deleteFilter: db.prepare('DELETE FROM console_saved_filters WHERE id = ? AND operator_id = ?'),
    insertInvite: db.prepare(
      'INSERT INTO console_invites (id, token_hash, email, role, name, invited_by, created_at, expires_at) VALUES (@id, @token_hash, @email, @role, @name, @invited_by, @created_at, @expires_at)',
    ),
    inviteByHash: db.prepare('SELECT * FROM console_invites WHERE token_hash = ?'),
    openInvites: db.prepare('SELECT * FROM console_invites WHERE accepted_at IS NULL ORDER BY created_at DESC, id'),
    acceptInvite: db.prepare('UPDATE console_invites SET accepted_at = ?, operator_id = ? WHERE id = ? AND accepted_at IS NULL'),
    deleteInvite: db.prepare('DELETE FROM console_invites WHERE id = ?'),
  };
}

function reviveInvite(r: InviteRow): StoredInvite {
  return {
    id: r.id,
    tokenHash: r.token_hash,
    email: r.email,
    role: r.role,
    ...(r.name !== null ? { name: r.name } : {}),
    invitedBy: r.invited_by,
    createdAt: new Date(r.created_at),
    expiresAt: new Date(r.expires_at),
    ...(r.accepted_at !== null ? { acceptedAt: new Date(r.accepted_at) } : {}),
    ...(r.operator_id !== null ? { operatorId: r.operator_id } : {}),
  };
}

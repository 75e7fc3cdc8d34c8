import type Database from 'better-sqlite3';
import { newId } from '../../core/domain/index.js';
import { migrateModule } from '../../core/store/embedded/index.js';
import type { OperatorRole } from '../contract.js';
import { ConsoleError } from '../errors.js';
import { CONSOLE_MIGRATIONS } from './migrations.js';
import type { NewOperator, Operator, OperatorPatch, OperatorStore } from './types.js';

interface OperatorRow {
  id: string;
  email: string;
  name: string;
  role: OperatorRole;
  password_hash: string;
  active: number;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
  token_version: number;
}

type RevocationListener = (operatorId: string) => void;
// Per database, so a change made through any store instance on the same file (the console's, a
// test's, an in-process admin tool's) reaches the console's sockets at once.
const revocationListeners = new WeakMap<Database.Database, Set<RevocationListener>>();

/**
 * Operators in the embedded SQLite file. Migrates the console tables on construction.
 *
 * @example
 * const operators = new SqliteOperatorStore(store.database);
 * await operators.create({ email, name, role: 'recruiter', passwordHash }, new Date());
 */
export class SqliteOperatorStore implements OperatorStore {
  private readonly q: ReturnType<typeof statements>;
  private readonly listeners: Set<RevocationListener>;

  constructor(db: Database.Database) {
    migrateModule(db, 'console', CONSOLE_MIGRATIONS);
    this.q = statements(db);
    let listeners = revocationListeners.get(db);
    if (!listeners) revocationListeners.set(db, (listeners = new Set()));
    this.listeners = listeners;
  }

  async count(): Promise<number> {
    return (this.q.count.get() as { n: number }).n;
  }

  async create(operator: NewOperator, now: Date): Promise<Operator> {
    const email = normaliseEmail(operator.email);
    const id = newId('op');
    try {
      this.q.insert.run({ id, email, name: operator.name, role: operator.role, password_hash: operator.passwordHash, now: now.getTime() });
    } catch (err) {
      // The unique index decides, atomically, also between two processes on one file (a check
      // before the insert let two nodes starting together both pass it).
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new ConsoleError('CONFLICT', `An operator with the email ${email} already exists`);
      throw err;
    }
    return revive(this.q.byId.get(id) as OperatorRow);
  }

  async findById(id: string): Promise<Operator | undefined> {
    const row = this.q.byId.get(id) as OperatorRow | undefined;
    return row && revive(row);
  }

  async findByEmail(email: string): Promise<Operator | undefined> {
    const row = this.q.byEmail.get(normaliseEmail(email)) as OperatorRow | undefined;
    return row && revive(row);
  }

  async list(): Promise<Operator[]> {
    return (this.q.all.all() as OperatorRow[]).map(revive);
  }

  async update(id: string, patch: OperatorPatch, now: Date): Promise<Operator | undefined> {
    const current = await this.findById(id);
    if (!current) return undefined;
    const next = { ...current, ...patch };
    const revoke = next.passwordHash !== current.passwordHash || (current.active && !next.active);
    this.q.update.run({
      id,
      name: next.name,
      role: next.role,
      password_hash: next.passwordHash,
      active: next.active ? 1 : 0,
      last_login_at: next.lastLoginAt?.getTime() ?? null,
      updated_at: now.getTime(),
      bump: revoke ? 1 : 0,
    });
    if (revoke) this.notifyRevoked(id);
    return this.findById(id);
  }

  async revokeSessions(id: string, now: Date): Promise<Operator | undefined> {
    if (this.q.bump.run({ id, updated_at: now.getTime() }).changes === 0) return undefined;
    this.notifyRevoked(id);
    return this.findById(id);
  }

  onSessionsRevoked(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notifyRevoked(id: string): void {
    for (const listener of [...this.listeners]) listener(id);
  }
}

function statements(db: Database.Database) {
  return {
    count: db.prepare('SELECT COUNT(*) AS n FROM console_operators'),
    insert: db.prepare(
      'INSERT INTO console_operators (id, email, name, role, password_hash, active, created_at, updated_at) VALUES (@id, @email, @name, @role, @password_hash, 1, @now, @now)',
    ),
    byId: db.prepare('SELECT * FROM console_operators WHERE id = ?'),
    byEmail: db.prepare('SELECT * FROM console_operators WHERE email = ?'),
    all: db.prepare('SELECT * FROM console_operators ORDER BY created_at, id'),
    update: db.prepare(
      'UPDATE console_operators SET name = @name, role = @role, password_hash = @password_hash, active = @active, last_login_at = @last_login_at, updated_at = @updated_at, token_version = token_version + @bump WHERE id = @id',
    ),
    bump: db.prepare('UPDATE console_operators SET token_version = token_version + 1, updated_at = @updated_at WHERE id = @id'),
  };
}

/** Emails are stored trimmed and lower-case. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function revive(row: OperatorRow): Operator {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    passwordHash: row.password_hash,
    active: row.active === 1,
    tokenVersion: row.token_version,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    ...(row.last_login_at !== null ? { lastLoginAt: new Date(row.last_login_at) } : {}),
  };
}

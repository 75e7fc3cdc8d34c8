import type { Connection } from 'mongoose';
import { newId } from '../../core/domain/index.js';
import { collectionOf, ensureIndexes, isDuplicateKey, type IndexSpec } from '../../core/store/mongo/index.js';
import { ConsoleError } from '../errors.js';
import { normaliseEmail } from './sqlite-operator-store.js';
import type { NewOperator, Operator, OperatorPatch, OperatorStore } from './types.js';

const COLLECTION = 'console_operators';
/** Emails are unique (stored trimmed and lower-case, so the index compares without case). */
export const OPERATOR_INDEXES: readonly IndexSpec[] = [{ collection: COLLECTION, keys: { email: 1 }, options: { unique: true, name: 'operator_email' } }];

/** The stored operator: the entity with `_id` for `id`. */
type OperatorDoc = Omit<Operator, 'id'> & { _id: string };

type RevocationListener = (operatorId: string) => void;
// Per connection, as the SQLite store keeps them per database: a change through any store on the
// same connection reaches this node's console sockets at once. Other nodes notice through the
// console's periodic re-check of the token version.
const revocationListeners = new WeakMap<Connection, Set<RevocationListener>>();

/**
 * Operators in MongoDB (collection `console_operators`). Same behaviour as `SqliteOperatorStore`;
 * a second account with the same email is refused by the unique index, also when two nodes race.
 *
 * @example
 * const operators = await MongoOperatorStore.open(store.connection);
 */
export class MongoOperatorStore implements OperatorStore {
  private readonly listeners: Set<RevocationListener>;

  private constructor(private readonly conn: Connection) {
    let listeners = revocationListeners.get(conn);
    if (!listeners) revocationListeners.set(conn, (listeners = new Set()));
    this.listeners = listeners;
  }

  static async open(conn: Connection): Promise<MongoOperatorStore> {
    await ensureIndexes(conn, OPERATOR_INDEXES);
    return new MongoOperatorStore(conn);
  }

  private get col() {
    return collectionOf<OperatorDoc>(this.conn, COLLECTION);
  }

  async count(): Promise<number> {
    return this.col.countDocuments();
  }

  async create(operator: NewOperator, now: Date): Promise<Operator> {
    const email = normaliseEmail(operator.email);
    const created: Operator = { id: newId('op'), email, name: operator.name, role: operator.role, passwordHash: operator.passwordHash, active: true, tokenVersion: 0, createdAt: now, updatedAt: now };
    try {
      await this.col.insertOne(toDoc(created));
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConsoleError('CONFLICT', `An operator with the email ${email} already exists`, { cause: err });
      throw err;
    }
    return created;
  }

  async findById(id: string): Promise<Operator | undefined> {
    return fromDoc(await this.col.findOne({ _id: id }));
  }

  async findByEmail(email: string): Promise<Operator | undefined> {
    return fromDoc(await this.col.findOne({ email: normaliseEmail(email) }));
  }

  async list(): Promise<Operator[]> {
    return (await this.col.find().sort({ createdAt: 1, _id: 1 }).toArray()).map((d) => fromDoc(d) as Operator);
  }

  async update(id: string, patch: OperatorPatch, now: Date): Promise<Operator | undefined> {
    const current = await this.findById(id);
    if (!current) return undefined;
    const next = { ...current, ...patch };
    const revoke = next.passwordHash !== current.passwordHash || (current.active && !next.active);
    const set = { name: next.name, role: next.role, passwordHash: next.passwordHash, active: next.active, updatedAt: now, ...(next.lastLoginAt ? { lastLoginAt: next.lastLoginAt } : {}) };
    const doc = await this.col.findOneAndUpdate(
      { _id: id },
      { $set: set, ...(next.lastLoginAt ? {} : { $unset: { lastLoginAt: '' as const } }), $inc: { tokenVersion: revoke ? 1 : 0 } },
      { returnDocument: 'after' },
    );
    if (revoke && doc) this.notifyRevoked(id);
    return fromDoc(doc);
  }

  async revokeSessions(id: string, now: Date): Promise<Operator | undefined> {
    const doc = await this.col.findOneAndUpdate({ _id: id }, { $inc: { tokenVersion: 1 }, $set: { updatedAt: now } }, { returnDocument: 'after' });
    if (!doc) return undefined;
    this.notifyRevoked(id);
    return fromDoc(doc);
  }

  onSessionsRevoked(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notifyRevoked(id: string): void {
    for (const listener of [...this.listeners]) listener(id);
  }
}

/** An operator as stored (exported for the mapping test). */
export function toDoc(o: Operator): OperatorDoc {
  const { id, ...rest } = o;
  return { _id: id, ...rest };
}

export function fromDoc(doc: OperatorDoc | null | undefined): Operator | undefined {
  if (!doc) return undefined;
  const { _id, lastLoginAt, ...rest } = doc;
  return { id: _id, ...rest, ...(lastLoginAt instanceof Date ? { lastLoginAt } : {}) };
}

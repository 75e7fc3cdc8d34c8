import type { Connection } from 'mongoose';
import type { DomainEvent } from '../../core/domain/index.js';
import { collectionOf, ensureIndexes, eventFrom, inTransaction, type IndexSpec } from '../../core/store/mongo/index.js';
import type { DeliveryAttempt, NewDelivery, WebhookDelivery, WebhookStore, WebhookSubscription } from './ports.js';
import { WEBHOOK_EVENTS, type WebhookEventType } from './schemas.js';

const C = { subs: 'webhook_subscriptions', deliveries: 'webhook_deliveries', cursor: 'webhook_cursor', events: 'events' } as const;

export const WEBHOOK_INDEXES: readonly IndexSpec[] = [
  // At most one delivery per subscription and event, whichever node planned it.
  { collection: C.deliveries, keys: { subscriptionId: 1, eventId: 1 }, options: { unique: true, name: 'one_delivery_per_event' } },
  { collection: C.deliveries, keys: { status: 1, nextAttemptAt: 1 } },
  { collection: C.deliveries, keys: { subscriptionId: 1, createdAt: -1, _id: -1 } },
];

/**
 * An event's order key (`_seq`) is made on the node that writes it, before its transaction
 * commits, so an event can become visible after one with a later key. The outbox cursor therefore
 * remembers the keys it has already passed within this window behind its position, and every read
 * looks back over the window for late arrivals. An event that becomes visible more than this after
 * its key was made (a transaction stalled that long, or a node clock that far behind) can be
 * missed. The SQLite outbox (one writer, `events.seq`) has no such window.
 */
export const LATE_EVENT_WINDOW_MS = 5_000;

/** The cursor: the highest key passed and the keys passed within the window behind it. */
interface Cursor {
  seq: string;
  seen: string[];
}

/** Cursors are compared as strings (compare-and-set), so the encoding is canonical. */
export function encodeCursor(c: Cursor): string {
  return JSON.stringify({ seq: c.seq, seen: [...new Set(c.seen)].sort() });
}
export function decodeCursor(text: string): Cursor {
  const c = JSON.parse(text) as Partial<Cursor>;
  return { seq: typeof c.seq === 'string' ? c.seq : '', seen: Array.isArray(c.seen) ? c.seen : [] };
}
/** The time an order key was made (see `nextSeq`: `s_` + 9 base-36 digits of milliseconds). */
export function seqTime(seq: string): number {
  return seq.length >= 11 ? parseInt(seq.slice(2, 11), 36) : 0;
}
/** The lowest key the window behind `seq` reaches. */
export function windowStart(seq: string): string {
  return seq ? seqAt(seqTime(seq) - LATE_EVENT_WINDOW_MS) : '';
}
/** The cursor after passing `passed` keys: the highest one, and the passed keys still in its window. */
export function passCursor(c: Cursor, passed: readonly string[]): Cursor {
  const seq = [c.seq, ...passed].reduce((a, b) => (b > a ? b : a), c.seq);
  const floor = windowStart(seq);
  return { seq, seen: [...c.seen, ...passed].filter((s) => s > floor) };
}

type SubDoc = Omit<WebhookSubscription, 'id'> & { _id: string };
type DeliveryDoc = Omit<WebhookDelivery, 'id'> & { _id: string };
type CursorDoc = { _id: string; seq: string };

/**
 * Webhook subscriptions, the delivery outbox and its cursor in MongoDB. The cursor is over the core
 * events' `_seq` (see `LATE_EVENT_WINDOW_MS`). `advance` moves the cursor by compare-and-set; on a
 * replica set the cursor move and the deliveries commit together, without transactions the
 * deliveries are written first (idempotent by the unique index) and the cursor after.
 */
export class MongoWebhookStore implements WebhookStore {
  private constructor(
    private readonly conn: Connection,
    private readonly transactions: boolean,
  ) {}

  static async open(conn: Connection, transactions: boolean): Promise<MongoWebhookStore> {
    await ensureIndexes(conn, WEBHOOK_INDEXES);
    return new MongoWebhookStore(conn, transactions);
  }

  private get subs() { return collectionOf<SubDoc>(this.conn, C.subs); }
  private get deliveries() { return collectionOf<DeliveryDoc>(this.conn, C.deliveries); }
  private get cursorCol() { return collectionOf<CursorDoc>(this.conn, C.cursor); }
  private get events() { return collectionOf<{ _id: string; _seq: string; type: string } & Record<string, unknown>>(this.conn, C.events); }

  async insertSubscription(s: WebhookSubscription): Promise<void> {
    const { id, ...rest } = s;
    await this.subs.insertOne({ _id: id, ...withoutUndefined(rest), events: [...new Set(s.events)] });
  }

  async updateSubscription(s: WebhookSubscription): Promise<boolean> {
    const set = { url: s.url, events: [...new Set(s.events)], active: s.active, updatedAt: s.updatedAt, ...(s.description !== undefined ? { description: s.description } : {}) };
    const r = await this.subs.updateOne({ _id: s.id }, { $set: set, ...(s.description === undefined ? { $unset: { description: '' as const } } : {}) });
    return r.matchedCount > 0;
  }

  async deleteSubscription(id: string): Promise<boolean> {
    return inTransaction(this.conn, this.transactions, async (session) => {
      const deleted = (await this.subs.deleteOne({ _id: id }, { session })).deletedCount > 0;
      await this.deliveries.updateMany({ subscriptionId: id, status: 'pending' }, { $set: { status: 'failed', lastError: 'subscription deleted' } }, { session });
      return deleted;
    });
  }

  async getSubscription(id: string): Promise<WebhookSubscription | undefined> {
    const d = await this.subs.findOne({ _id: id });
    return d ? subFrom(d) : undefined;
  }

  async listSubscriptions(): Promise<WebhookSubscription[]> {
    return (await this.subs.find().sort({ createdAt: 1, _id: 1 }).toArray()).map(subFrom);
  }

  async getDelivery(id: string): Promise<WebhookDelivery | undefined> {
    const d = await this.deliveries.findOne({ _id: id });
    return d ? deliveryFrom(d) : undefined;
  }

  async listDeliveries(subscriptionId: string, limit: number): Promise<WebhookDelivery[]> {
    return (await this.deliveries.find({ subscriptionId }).sort({ createdAt: -1, _id: -1 }).limit(limit).toArray()).map(deliveryFrom);
  }

  async dueDeliveries(now: Date, limit: number): Promise<WebhookDelivery[]> {
    return (await this.deliveries.find({ status: 'pending', nextAttemptAt: { $lte: now } }).sort({ nextAttemptAt: 1 }).limit(limit).toArray()).map(deliveryFrom);
  }

  async resendDelivery(id: string, now: Date): Promise<boolean> {
    return (await this.deliveries.updateOne({ _id: id }, { $set: { status: 'pending', nextAttemptAt: now, createdAt: now } })).matchedCount > 0;
  }

  async recordAttempt(id: string, a: DeliveryAttempt): Promise<void> {
    const set: Partial<DeliveryDoc> = { status: a.status, attempts: a.attempts };
    const unset: Record<string, ''> = {};
    for (const key of ['lastStatusCode', 'lastError', 'deliveredAt'] as const) {
      if (a[key] !== undefined) Object.assign(set, { [key]: a[key] });
      else unset[key] = '';
    }
    if (a.nextAttemptAt) set.nextAttemptAt = a.nextAttemptAt;
    await this.deliveries.updateOne({ _id: id }, { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) });
  }

  async deliveryCounts(): Promise<Record<string, number>> {
    const rows = await this.deliveries.aggregate<{ _id: string; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }]).toArray();
    return Object.fromEntries(rows.map((r) => [r._id, r.n]));
  }

  async cursor(): Promise<string> {
    const existing = await this.cursorCol.findOne({ _id: 'cursor' });
    if (existing) return existing.seq;
    // First start: history before webhooks existed is not replayed (nor its late arrivals).
    const [last] = await this.events.find({}, { projection: { _seq: 1 } }).sort({ _seq: -1 }).limit(1).toArray();
    const recent = last ? await this.events.find({ _seq: { $gt: windowStart(last._seq) } }, { projection: { _seq: 1 } }).toArray() : [];
    const first = encodeCursor(passCursor({ seq: '', seen: [] }, recent.map((e) => e._seq)));
    await this.cursorCol.updateOne({ _id: 'cursor' }, { $setOnInsert: { seq: first } }, { upsert: true });
    return ((await this.cursorCol.findOne({ _id: 'cursor' })) as CursorDoc).seq;
  }

  async eventsAfter(cursor: string, types: readonly string[], limit: number): Promise<{ cursor: string; event: DomainEvent }[]> {
    let c = decodeCursor(cursor);
    // Late arrivals inside the window first (they sort before the position), then what is new.
    const docs = await this.events
      .find({ _seq: { $gt: windowStart(c.seq), $nin: c.seen }, type: { $in: [...types] } })
      .sort({ _seq: 1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => {
      c = passCursor(c, [d._seq]);
      return { cursor: encodeCursor(c), event: eventFrom(d) as DomainEvent };
    });
  }

  async advance(from: string, to: string, deliveries: readonly NewDelivery[]): Promise<boolean> {
    const plan = async (session?: Parameters<Parameters<typeof inTransaction>[2]>[0]) => {
      if (!deliveries.length) return;
      await this.deliveries.bulkWrite(
        deliveries.map((d) => ({
          updateOne: {
            filter: { subscriptionId: d.subscriptionId, eventId: d.eventId },
            update: { $setOnInsert: { _id: d.id, eventType: d.eventType, body: d.body, status: 'pending' as const, attempts: 0, nextAttemptAt: d.createdAt, createdAt: d.createdAt } },
            upsert: true,
          },
        })),
        { ordered: true, ...(session ? { session } : {}) },
      );
    };
    const moveCursor = async (session?: Parameters<Parameters<typeof inTransaction>[2]>[0]) =>
      (await this.cursorCol.updateOne({ _id: 'cursor', seq: from }, { $set: { seq: to } }, session ? { session } : {})).matchedCount > 0;
    if (this.transactions) {
      return inTransaction(this.conn, true, async (session) => {
        // Another worker (another node) moved the cursor: its deliveries stand, nothing is written.
        if (!(await moveCursor(session))) return false;
        await plan(session);
        return true;
      });
    }
    // Without transactions: deliveries first (a second worker's are the same documents), then the cursor.
    await plan();
    return moveCursor();
  }
}

/** The smallest `_seq` made at `ms` (order keys are `s_` + time in base 36, see documents.ts). */
export function seqAt(ms: number): string {
  return `s_${Math.max(0, ms).toString(36).padStart(9, '0')}`;
}

function subFrom({ _id, events, description, ...rest }: SubDoc): WebhookSubscription {
  return { id: _id, ...rest, events: events.filter((e): e is WebhookEventType => (WEBHOOK_EVENTS as readonly string[]).includes(e)), ...(description != null ? { description } : {}) };
}

function deliveryFrom({ _id, ...rest }: DeliveryDoc): WebhookDelivery {
  return { id: _id, ...(withoutUndefined(rest) as Omit<WebhookDelivery, 'id'>) };
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;
}

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
 * How far behind "now" the outbox reads the events collection. An event's order key (`_seq`) is
 * made on the node that writes it, before its transaction commits: an event can become visible
 * after one with a later key. Reading only keys older than this lag lets such late commits land
 * first; an event committed more than this after its key was made (a stalled transaction, or a
 * node clock that far behind) could be skipped. The SQLite outbox has no such window.
 */
export const EVENTS_READ_LAG_MS = 5_000;

type SubDoc = Omit<WebhookSubscription, 'id'> & { _id: string };
type DeliveryDoc = Omit<WebhookDelivery, 'id'> & { _id: string };
type CursorDoc = { _id: string; seq: string };

/**
 * Webhook subscriptions, the delivery outbox and its cursor in MongoDB. The cursor is the core
 * events' `_seq` (see `EVENTS_READ_LAG_MS`). `advance` moves the cursor by compare-and-set; on a
 * replica set the cursor move and the deliveries commit together, without transactions the
 * deliveries are written first (idempotent by the unique index) and the cursor after.
 */
export class MongoWebhookStore implements WebhookStore {
  private constructor(
    private readonly conn: Connection,
    private readonly transactions: boolean,
    private readonly clock: () => number = Date.now,
  ) {}

  static async open(conn: Connection, transactions: boolean, clock?: () => number): Promise<MongoWebhookStore> {
    await ensureIndexes(conn, WEBHOOK_INDEXES);
    return new MongoWebhookStore(conn, transactions, clock);
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
    // First start: history before webhooks existed is not replayed.
    const [last] = await this.events.find({}, { projection: { _seq: 1 } }).sort({ _seq: -1 }).limit(1).toArray();
    await this.cursorCol.updateOne({ _id: 'cursor' }, { $setOnInsert: { seq: last?._seq ?? '' } }, { upsert: true });
    return ((await this.cursorCol.findOne({ _id: 'cursor' })) as CursorDoc).seq;
  }

  async eventsAfter(cursor: string, types: readonly string[], limit: number): Promise<{ cursor: string; event: DomainEvent }[]> {
    const before = seqAt(this.clock() - EVENTS_READ_LAG_MS);
    const docs = await this.events.find({ _seq: { $gt: cursor, $lt: before }, type: { $in: [...types] } }).sort({ _seq: 1 }).limit(limit).toArray();
    return docs.map((d) => ({ cursor: d._seq, event: eventFrom(d) as DomainEvent }));
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

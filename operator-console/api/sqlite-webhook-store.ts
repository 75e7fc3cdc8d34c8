import type Database from 'better-sqlite3';
import type { DomainEvent } from '../../core/domain/index.js';
import { statementCache } from '../../core/store/embedded/index.js';
import { reviveEvent } from '../../core/store/index.js';
import type { DeliveryAttempt, NewDelivery, WebhookStore } from './ports.js';
import { WEBHOOK_EVENTS, type WebhookEventType } from './schemas.js';
import type { WebhookDelivery, WebhookSubscription } from './webhooks.js';

interface SubRow {
  id: string;
  url: string;
  events: string;
  secret: string;
  active: number;
  description: string | null;
  created_at: number;
  updated_at: number;
}
interface DeliveryRow {
  id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  body: string;
  status: WebhookDelivery['status'];
  attempts: number;
  next_attempt_at: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

/**
 * Webhook subscriptions, deliveries and the outbox cursor in the embedded SQLite file (tables of
 * module `api`, created by `sqlitePublicApiStore`). The cursor is the core's `events.seq`.
 */
export class SqliteWebhookStore implements WebhookStore {
  /** Every statement prepared once (the dispatcher polls several times a second). */
  private readonly sql: (sql: string) => Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.sql = statementCache(db);
  }

  async insertSubscription(s: WebhookSubscription): Promise<void> {
    this
      .sql('INSERT INTO webhook_subscriptions (id, url, events, secret, active, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(s.id, s.url, JSON.stringify([...new Set(s.events)]), s.secret, s.active ? 1 : 0, s.description ?? null, s.createdAt.getTime(), s.updatedAt.getTime());
  }

  async updateSubscription(s: WebhookSubscription): Promise<boolean> {
    return (
      this
        .sql('UPDATE webhook_subscriptions SET url = ?, events = ?, active = ?, description = ?, updated_at = ? WHERE id = ?')
        .run(s.url, JSON.stringify([...new Set(s.events)]), s.active ? 1 : 0, s.description ?? null, s.updatedAt.getTime(), s.id).changes > 0
    );
  }

  async deleteSubscription(id: string): Promise<boolean> {
    const { db } = this;
    return db.transaction(() => {
      const changes = this.sql('DELETE FROM webhook_subscriptions WHERE id = ?').run(id).changes;
      this.sql("UPDATE webhook_deliveries SET status = 'failed', last_error = 'subscription deleted' WHERE subscription_id = ? AND status = 'pending'").run(id);
      return changes > 0;
    }).immediate();
  }

  async getSubscription(id: string): Promise<WebhookSubscription | undefined> {
    const row = this.sql('SELECT * FROM webhook_subscriptions WHERE id = ?').get(id) as SubRow | undefined;
    return row && reviveSub(row);
  }

  async listSubscriptions(): Promise<WebhookSubscription[]> {
    return (this.sql('SELECT * FROM webhook_subscriptions ORDER BY created_at, id').all() as SubRow[]).map(reviveSub);
  }

  async getDelivery(id: string): Promise<WebhookDelivery | undefined> {
    const row = this.sql('SELECT * FROM webhook_deliveries WHERE id = ?').get(id) as DeliveryRow | undefined;
    return row && reviveDelivery(row);
  }

  async listDeliveries(subscriptionId: string, limit: number): Promise<WebhookDelivery[]> {
    return (this.sql('SELECT * FROM webhook_deliveries WHERE subscription_id = ? ORDER BY created_at DESC, id DESC LIMIT ?').all(subscriptionId, limit) as DeliveryRow[]).map(reviveDelivery);
  }

  async dueDeliveries(now: Date, limit: number): Promise<WebhookDelivery[]> {
    return (this.sql("SELECT * FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?").all(now.getTime(), limit) as DeliveryRow[]).map(reviveDelivery);
  }

  async resendDelivery(id: string, now: Date): Promise<boolean> {
    return this.sql("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, created_at = ? WHERE id = ?").run(now.getTime(), now.getTime(), id).changes > 0;
  }

  async recordAttempt(id: string, a: DeliveryAttempt): Promise<void> {
    this
      .sql('UPDATE webhook_deliveries SET status = ?, attempts = ?, last_status_code = ?, last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at), delivered_at = ? WHERE id = ?')
      .run(a.status, a.attempts, a.lastStatusCode ?? null, a.lastError ?? null, a.nextAttemptAt?.getTime() ?? null, a.deliveredAt?.getTime() ?? null, id);
  }

  async deliveryCounts(): Promise<Record<string, number>> {
    const counts = this.sql('SELECT status, COUNT(*) AS n FROM webhook_deliveries GROUP BY status').all() as { status: string; n: number }[];
    return Object.fromEntries(counts.map((c) => [c.status, c.n]));
  }

  async cursor(): Promise<string> {
    await this.committed();
    const row = this.sql('SELECT seq FROM webhook_cursor WHERE id = 1').get() as { seq: number } | undefined;
    if (row) return String(row.seq);
    // First start: history before webhooks existed is not replayed.
    this.sql('INSERT OR IGNORE INTO webhook_cursor (id, seq) VALUES (1, ?)').run(this.lastSeq());
    return String((this.sql('SELECT seq FROM webhook_cursor WHERE id = 1').get() as { seq: number }).seq);
  }

  async eventsAfter(cursor: string, types: readonly string[], limit: number): Promise<{ cursor: string; event: DomainEvent }[]> {
    if (!(await this.committed())) return [];
    const rows = this.sql(`SELECT seq, doc FROM events WHERE seq > ? AND type IN (${types.map(() => '?').join(',')}) ORDER BY seq LIMIT ?`).all(Number(cursor), ...types, limit) as { seq: number; doc: string }[];
    return rows.map((r) => ({ cursor: String(r.seq), event: reviveEvent(r.doc) }));
  }

  async lastCursor(from: string): Promise<string> {
    if (!(await this.committed())) return from;
    return String(Math.max(Number(from), this.lastSeq()));
  }

  /** The last event's `seq` (0 with none): the primary key's last row, one step down the index. */
  private lastSeq(): number {
    return (this.sql('SELECT COALESCE(MAX(seq), 0) AS m FROM events').get() as { m: number }).m;
  }

  async advance(from: string, to: string, deliveries: readonly NewDelivery[]): Promise<boolean> {
    const { db } = this;
    return db.transaction(() => {
      // Another pass (another process on the same file) moved the cursor: its deliveries stand.
      if (this.sql('UPDATE webhook_cursor SET seq = ? WHERE id = 1 AND seq = ?').run(Number(to), Number(from)).changes === 0) return false;
      const insert = this.sql("INSERT OR IGNORE INTO webhook_deliveries (id, subscription_id, event_id, event_type, body, status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)");
      for (const d of deliveries) insert.run(d.id, d.subscriptionId, d.eventId, d.eventType, d.body, d.createdAt.getTime(), d.createdAt.getTime());
      return true;
    }).immediate();
  }

  /** Inside an open group commit this connection would see uncommitted rows: wait for it (false: still open). */
  private async committed(): Promise<boolean> {
    for (let i = 0; this.db.inTransaction; i++) {
      if (i > 100) return false;
      await new Promise((r) => setImmediate(r));
    }
    return true;
  }
}

function reviveSub(row: SubRow): WebhookSubscription {
  return {
    id: row.id,
    url: row.url,
    events: (JSON.parse(row.events) as string[]).filter((e): e is WebhookEventType => (WEBHOOK_EVENTS as readonly string[]).includes(e)),
    secret: row.secret,
    active: row.active === 1,
    ...(row.description !== null ? { description: row.description } : {}),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

function reviveDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    eventId: row.event_id,
    eventType: row.event_type,
    body: row.body,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: new Date(row.next_attempt_at),
    ...(row.last_status_code !== null ? { lastStatusCode: row.last_status_code } : {}),
    ...(row.last_error !== null ? { lastError: row.last_error } : {}),
    createdAt: new Date(row.created_at),
    ...(row.delivered_at !== null ? { deliveredAt: new Date(row.delivered_at) } : {}),
  };
}

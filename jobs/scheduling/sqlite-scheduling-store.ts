import type Database from 'better-sqlite3';
import { migrateModule, statementCache } from '../../core/store/embedded/index.js';
import { AvailabilitySchema, type Availability, type Recruiter, type Slot } from './availability.js';
import { OpenOffers, type OpenOffersStats } from './open-offers.js';
import type { Booking, Offer, SchedulingRepository } from './ports.js';

const MIGRATIONS = [
  {
    version: 1,
    name: 'recruiter availability, interview bookings and slot offers',
    sql: `
      CREATE TABLE scheduling_recruiters (id TEXT PRIMARY KEY, availability TEXT NOT NULL, updated_at INTEGER NOT NULL);
      CREATE TABLE scheduling_bookings (
        id TEXT PRIMARY KEY, uid TEXT NOT NULL, sequence INTEGER NOT NULL, recruiter_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL,
        status TEXT NOT NULL, ics TEXT, created_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX scheduling_slot_held ON scheduling_bookings (recruiter_id, start_ms) WHERE status = 'booked';
      CREATE UNIQUE INDEX scheduling_one_per_conversation ON scheduling_bookings (conversation_id) WHERE status = 'booked';
      CREATE INDEX scheduling_bookings_uid ON scheduling_bookings (uid, sequence);
      CREATE TABLE scheduling_offers (conversation_id TEXT PRIMARY KEY, awaiting TEXT NOT NULL, slots TEXT NOT NULL, created_at INTEGER NOT NULL);
    `,
  },
];

interface BookingRow {
  id: string;
  uid: string;
  sequence: number;
  recruiter_id: string;
  conversation_id: string;
  start_ms: number;
  end_ms: number;
  status: Booking['status'];
  ics: string | null;
}

export interface SqliteSchedulingStoreOptions {
  /**
   * This process is the file's only writer (embedded mode, no `REDIS_URL`): know which
   * conversations may have an open offer, so the others' look-up on every inbound message reads
   * nothing (see `OpenOffers`). Leave unset when other processes write the file (cluster nodes).
   */
  soleWriter?: boolean;
}

const toBooking = (r: BookingRow): Booking => ({ id: r.id, uid: r.uid, sequence: r.sequence, recruiterId: r.recruiter_id, conversationId: r.conversation_id, start: new Date(r.start_ms), end: new Date(r.end_ms), status: r.status, ics: r.ics ?? undefined });

/**
 * The scheduling port in the embedded SQLite file: availability, bookings and open slot offers. A slot is held by a
 * partial unique index (one `booked` row per recruiter and start), so two candidates, or two
 * nodes sharing the file, cannot hold the same slot: the second insert fails and gets `taken`.
 */
export class SqliteSchedulingStore implements SchedulingRepository {
  /** Every statement prepared once (the scheduling middleware looks up a booking on every turn). */
  private readonly sql: (text: string) => Database.Statement;
  /** Conversations that may have an open offer, when this process is the file's only writer (issue 13). */
  private readonly offers: OpenOffers | undefined;

  constructor(
    private readonly db: Database.Database,
    opts: SqliteSchedulingStoreOptions = {},
  ) {
    migrateModule(db, 'scheduling', MIGRATIONS);
    this.sql = statementCache(db);
    this.offers = opts.soleWriter ? new OpenOffers(db) : undefined;
  }

  /** The open-offer index's counters (undefined when the store is not the file's only writer). */
  openOffersStats(): OpenOffersStats | undefined {
    return this.offers?.stats();
  }

  async putRecruiter(id: string, availability: Availability, now: Date): Promise<Recruiter> {
    const parsed = AvailabilitySchema.parse(availability);
    this.sql('INSERT INTO scheduling_recruiters (id, availability, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET availability = excluded.availability, updated_at = excluded.updated_at').run(id, JSON.stringify(parsed), now.getTime());
    return { id, ...parsed };
  }

  async deleteRecruiter(id: string): Promise<boolean> {
    return this.sql('DELETE FROM scheduling_recruiters WHERE id = ?').run(id).changes > 0;
  }

  async recruiters(): Promise<Recruiter[]> {
    return (this.sql('SELECT id, availability FROM scheduling_recruiters ORDER BY id').all() as { id: string; availability: string }[]).map((r) => ({ id: r.id, ...(JSON.parse(r.availability) as Availability) }));
  }

  async recruiter(id: string): Promise<Recruiter | undefined> {
    return (await this.recruiters()).find((r) => r.id === id);
  }

  /** `recruiterId@startMs` of every held slot. */
  async heldSlots(): Promise<Set<string>> {
    return new Set((this.sql("SELECT recruiter_id, start_ms FROM scheduling_bookings WHERE status = 'booked'").all() as { recruiter_id: string; start_ms: number }[]).map((r) => `${r.recruiter_id}@${r.start_ms}`));
  }

  /**
   * Hold `slot` for the conversation, atomically. With `replacing`, the conversation's current
   * booking is marked `moved` in the same transaction and the new one keeps its UID with the next
   * SEQUENCE. Returns undefined when someone else holds the slot.
   */
  async hold(id: string, slot: Slot, conversationId: string, now: Date, replacing?: Booking): Promise<Booking | undefined> {
    const uid = replacing?.uid ?? `${id}@parley`;
    const sequence = replacing ? replacing.sequence + 1 : 0;
    try {
      this.db.transaction(() => {
        if (replacing) this.sql("UPDATE scheduling_bookings SET status = 'moved' WHERE id = ? AND status = 'booked'").run(replacing.id);
        this.sql("INSERT INTO scheduling_bookings (id, uid, sequence, recruiter_id, conversation_id, start_ms, end_ms, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'booked', ?)")
          .run(id, uid, sequence, slot.recruiterId, conversationId, slot.start.getTime(), slot.end.getTime(), now.getTime());
      }).immediate();
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return undefined;
      throw err;
    }
    return { id, uid, sequence, recruiterId: slot.recruiterId, conversationId, start: slot.start, end: slot.end, status: 'booked', ics: undefined };
  }

  /** Cancel the conversation's booking; the cancelled row keeps the UID with the next SEQUENCE. */
  async cancel(conversationId: string): Promise<Booking | undefined> {
    const current = await this.activeBooking(conversationId);
    if (!current) return undefined;
    this.sql("UPDATE scheduling_bookings SET status = 'cancelled', sequence = sequence + 1 WHERE id = ?").run(current.id);
    return { ...current, status: 'cancelled', sequence: current.sequence + 1 };
  }

  async setIcs(bookingId: string, ics: string): Promise<void> {
    this.sql('UPDATE scheduling_bookings SET ics = ? WHERE id = ?').run(ics, bookingId);
  }

  async activeBooking(conversationId: string): Promise<Booking | undefined> {
    const row = this.sql("SELECT * FROM scheduling_bookings WHERE conversation_id = ? AND status = 'booked'").get(conversationId) as BookingRow | undefined;
    return row && toBooking(row);
  }

  async booking(id: string): Promise<Booking | undefined> {
    const row = this.sql('SELECT * FROM scheduling_bookings WHERE id = ?').get(id) as BookingRow | undefined;
    return row && toBooking(row);
  }

  /** Booked interviews from `from` on, earliest first (optionally one recruiter's). */
  async upcoming(from: Date, recruiterId?: string): Promise<Booking[]> {
    const rows = recruiterId
      ? this.sql("SELECT * FROM scheduling_bookings WHERE status = 'booked' AND end_ms > ? AND recruiter_id = ? ORDER BY start_ms").all(from.getTime(), recruiterId)
      : this.sql("SELECT * FROM scheduling_bookings WHERE status = 'booked' AND end_ms > ? ORDER BY start_ms").all(from.getTime());
    return (rows as BookingRow[]).map(toBooking);
  }

  /** Asked on every inbound text message (the scheduling middleware): a sole writer skips conversations without one. */
  async offer(conversationId: string): Promise<Offer | undefined> {
    if (this.offers && !this.offers.mayHave(conversationId)) return undefined;
    const row = this.sql('SELECT awaiting, slots FROM scheduling_offers WHERE conversation_id = ?').get(conversationId) as { awaiting: Offer['awaiting']; slots: string } | undefined;
    if (!row) {
      this.offers?.foundNone(conversationId);
      return undefined;
    }
    const slots = (JSON.parse(row.slots) as { recruiterId: string; start: string; end: string }[]).map((s) => ({ recruiterId: s.recruiterId, start: new Date(s.start), end: new Date(s.end) }));
    return { conversationId, awaiting: row.awaiting, slots };
  }

  async putOffer(offer: Offer, now: Date): Promise<void> {
    this.sql('INSERT INTO scheduling_offers (conversation_id, awaiting, slots, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (conversation_id) DO UPDATE SET awaiting = excluded.awaiting, slots = excluded.slots, created_at = excluded.created_at').run(offer.conversationId, offer.awaiting, JSON.stringify(offer.slots), now.getTime());
  }

  async dropOffer(conversationId: string): Promise<void> {
    this.sql('DELETE FROM scheduling_offers WHERE conversation_id = ?').run(conversationId);
    this.offers?.dropped(conversationId);
  }
}

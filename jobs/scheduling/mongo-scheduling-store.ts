import type { Connection } from 'mongoose';
import { collectionOf, ensureIndexes, inTransaction, isDuplicateKey, type IndexSpec } from '../../core/store/mongo/index.js';
import { AvailabilitySchema, type Availability, type Recruiter, type Slot } from './availability.js';
import type { Booking, Offer, SchedulingRepository } from './ports.js';

const C = { recruiters: 'scheduling_recruiters', bookings: 'scheduling_bookings', offers: 'scheduling_offers' } as const;

/**
 * A slot is held by partial unique indexes, as in SQLite: one `booked` booking per (recruiter,
 * start) and one per conversation, so two candidates, or two nodes, cannot hold the same slot.
 */
export const SCHEDULING_INDEXES: readonly IndexSpec[] = [
  { collection: C.bookings, keys: { recruiterId: 1, start: 1 }, options: { unique: true, name: 'slot_held', partialFilterExpression: { status: 'booked' } } },
  { collection: C.bookings, keys: { conversationId: 1 }, options: { unique: true, name: 'one_per_conversation', partialFilterExpression: { status: 'booked' } } },
  { collection: C.bookings, keys: { status: 1, end: 1 } },
  { collection: C.bookings, keys: { uid: 1, sequence: 1 } },
];

type RecruiterDoc = { _id: string; availability: string; updatedAt: Date };
type BookingDoc = Omit<Booking, 'id' | 'ics'> & { _id: string; ics?: string; createdAt: Date };
type OfferDoc = { _id: string; awaiting: Offer['awaiting']; slots: string; createdAt: Date };

/**
 * Scheduling in MongoDB: recruiters (availability as JSON text, validated on write), bookings and
 * open offers. `hold` with `replacing` marks the old booking `moved` and inserts the new one in
 * one transaction on a replica set; without transactions the old booking is put back to `booked`
 * when the new slot turns out to be taken.
 *
 * @example
 * const scheduling = await MongoSchedulingStore.open(store.connection, store.transactions);
 */
export class MongoSchedulingStore implements SchedulingRepository {
  private constructor(
    private readonly conn: Connection,
    private readonly transactions: boolean,
  ) {}

  static async open(conn: Connection, transactions: boolean): Promise<MongoSchedulingStore> {
    await ensureIndexes(conn, SCHEDULING_INDEXES);
    return new MongoSchedulingStore(conn, transactions);
  }

  private get recruiterCol() { return collectionOf<RecruiterDoc>(this.conn, C.recruiters); }
  private get bookings() { return collectionOf<BookingDoc>(this.conn, C.bookings); }
  private get offers() { return collectionOf<OfferDoc>(this.conn, C.offers); }

  async putRecruiter(id: string, availability: Availability, now: Date): Promise<Recruiter> {
    const parsed = AvailabilitySchema.parse(availability);
    await this.recruiterCol.replaceOne({ _id: id }, { availability: JSON.stringify(parsed), updatedAt: now }, { upsert: true });
    return { id, ...parsed };
  }

  async deleteRecruiter(id: string): Promise<boolean> {
    return (await this.recruiterCol.deleteOne({ _id: id })).deletedCount > 0;
  }

  async recruiters(): Promise<Recruiter[]> {
    return (await this.recruiterCol.find().sort({ _id: 1 }).toArray()).map((d) => ({ id: d._id, ...(JSON.parse(d.availability) as Availability) }));
  }

  async recruiter(id: string): Promise<Recruiter | undefined> {
    const d = await this.recruiterCol.findOne({ _id: id });
    return d ? { id: d._id, ...(JSON.parse(d.availability) as Availability) } : undefined;
  }

  async heldSlots(): Promise<Set<string>> {
    const docs = await this.bookings.find({ status: 'booked' }, { projection: { recruiterId: 1, start: 1 } }).toArray();
    return new Set(docs.map((d) => `${d.recruiterId}@${d.start.getTime()}`));
  }

  async hold(id: string, slot: Slot, conversationId: string, now: Date, replacing?: Booking): Promise<Booking | undefined> {
    const uid = replacing?.uid ?? `${id}@parley`;
    const sequence = replacing ? replacing.sequence + 1 : 0;
    const booking: Booking = { id, uid, sequence, recruiterId: slot.recruiterId, conversationId, start: slot.start, end: slot.end, status: 'booked', ics: undefined };
    const { id: _id, ics: _ics, ...fields } = booking;
    let moved = false;
    try {
      await inTransaction(this.conn, this.transactions, async (session) => {
        if (replacing) moved = (await this.bookings.updateOne({ _id: replacing.id, status: 'booked' }, { $set: { status: 'moved' } }, { session })).modifiedCount > 0;
        await this.bookings.insertOne({ _id, ...fields, createdAt: now }, { session });
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Rolled back with the transaction; without one, undo the move by hand.
      if (moved && !this.transactions && replacing) await this.bookings.updateOne({ _id: replacing.id, status: 'moved' }, { $set: { status: 'booked' } });
      return undefined;
    }
    return booking;
  }

  async cancel(conversationId: string): Promise<Booking | undefined> {
    const doc = await this.bookings.findOneAndUpdate({ conversationId, status: 'booked' }, { $set: { status: 'cancelled' }, $inc: { sequence: 1 } }, { returnDocument: 'after' });
    return doc ? bookingFrom(doc) : undefined;
  }

  async setIcs(bookingId: string, ics: string): Promise<void> {
    await this.bookings.updateOne({ _id: bookingId }, { $set: { ics } });
  }

  async activeBooking(conversationId: string): Promise<Booking | undefined> {
    const doc = await this.bookings.findOne({ conversationId, status: 'booked' });
    return doc ? bookingFrom(doc) : undefined;
  }

  async booking(id: string): Promise<Booking | undefined> {
    const doc = await this.bookings.findOne({ _id: id });
    return doc ? bookingFrom(doc) : undefined;
  }

  async upcoming(from: Date, recruiterId?: string): Promise<Booking[]> {
    const docs = await this.bookings.find({ status: 'booked', end: { $gt: from }, ...(recruiterId ? { recruiterId } : {}) }).sort({ start: 1 }).toArray();
    return docs.map(bookingFrom);
  }

  async offer(conversationId: string): Promise<Offer | undefined> {
    const doc = await this.offers.findOne({ _id: conversationId });
    if (!doc) return undefined;
    const slots = (JSON.parse(doc.slots) as { recruiterId: string; start: string; end: string }[]).map((s) => ({ recruiterId: s.recruiterId, start: new Date(s.start), end: new Date(s.end) }));
    return { conversationId, awaiting: doc.awaiting, slots };
  }

  async putOffer(offer: Offer, now: Date): Promise<void> {
    await this.offers.replaceOne({ _id: offer.conversationId }, { awaiting: offer.awaiting, slots: JSON.stringify(offer.slots), createdAt: now }, { upsert: true });
  }

  async dropOffer(conversationId: string): Promise<void> {
    await this.offers.deleteOne({ _id: conversationId });
  }
}

/** A stored booking as the port's `Booking` (exported for the mapping test). */
export function bookingFrom(d: BookingDoc): Booking {
  return { id: d._id, uid: d.uid, sequence: d.sequence, recruiterId: d.recruiterId, conversationId: d.conversationId, start: d.start, end: d.end, status: d.status, ics: d.ics ?? undefined };
}

import type { Availability, Recruiter, Slot } from './availability.js';

/** An interview held on a recruiter's slot. `uid` and `sequence` are the calendar invite's. */
export interface Booking {
  id: string;
  uid: string;
  sequence: number;
  recruiterId: string;
  conversationId: string;
  start: Date;
  end: Date;
  status: 'booked' | 'moved' | 'cancelled';
  ics: string | undefined;
}

/** Slots offered to a candidate and what the bot waits for (a time zone, or a pick). */
export interface Offer {
  conversationId: string;
  awaiting: 'zone' | 'pick';
  slots: Slot[];
}

/**
 * Scheduling's state: recruiters' availability, bookings and open slot offers. A slot is held
 * atomically: at most one `booked` booking per (recruiter, start) and per conversation, enforced
 * by the store (a unique index), so two candidates or two nodes cannot hold the same slot.
 * Adapters: `SqliteSchedulingStore` (embedded), MongoDB.
 */
export interface SchedulingRepository {
  /** Insert or replace a recruiter's availability (validated); returns the stored recruiter. */
  putRecruiter(id: string, availability: Availability, now: Date): Promise<Recruiter>;
  deleteRecruiter(id: string): Promise<boolean>;
  /** Every recruiter, by id. */
  recruiters(): Promise<Recruiter[]>;
  recruiter(id: string): Promise<Recruiter | undefined>;
  /** `recruiterId@startMs` of every held (booked) slot. */
  heldSlots(): Promise<Set<string>>;
  /**
   * Hold `slot` for the conversation, atomically. With `replacing`, that booking is marked
   * `moved` in the same write and the new one keeps its UID with the next SEQUENCE. Undefined
   * when the slot (or another booking of the conversation) is already held.
   */
  hold(id: string, slot: Slot, conversationId: string, now: Date, replacing?: Booking): Promise<Booking | undefined>;
  /** Cancel the conversation's booking; it keeps its UID with the next SEQUENCE. */
  cancel(conversationId: string): Promise<Booking | undefined>;
  setIcs(bookingId: string, ics: string): Promise<void>;
  activeBooking(conversationId: string): Promise<Booking | undefined>;
  booking(id: string): Promise<Booking | undefined>;
  /** Booked interviews ending after `from`, earliest first (optionally one recruiter's). */
  upcoming(from: Date, recruiterId?: string): Promise<Booking[]>;
  offer(conversationId: string): Promise<Offer | undefined>;
  /** Insert or replace the conversation's open offer. */
  putOffer(offer: Offer, now: Date): Promise<void>;
  dropOffer(conversationId: string): Promise<void>;
}

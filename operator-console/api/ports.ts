import type { Candidate, DomainEvent } from '../../core/domain/index.js';
import type { ApiKey } from './keys.js';
import type { WebhookEventType } from './schemas.js';

/**
 * The public API's state, one port per concern. Embedded adapters: `sqlite-api-store.ts` (SQLite
 * tables of module `api`); a MongoDB adapter implements the same interfaces. Dates are `Date`.
 */

/** A webhook subscription: where to POST which events, signed with `secret`. */
export interface WebhookSubscription {
  id: string;
  url: string;
  events: WebhookEventType[];
  secret: string;
  active: boolean;
  description?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** One event for one subscription: the outbox row, retried with backoff until delivered or failed. */
export interface WebhookDelivery {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: Date;
  lastStatusCode?: number;
  lastError?: string;
  createdAt: Date;
  deliveredAt?: Date;
}

/** API keys by id and by the SHA-256 of the key (the key itself is never stored). */
export interface ApiKeyRepository {
  /** Store a new key. `hash` is unique (a second insert with the same hash throws). */
  insert(apiKey: ApiKey, hash: string): Promise<void>;
  get(id: string): Promise<ApiKey | undefined>;
  findByHash(hash: string): Promise<ApiKey | undefined>;
  /** Every key, oldest first (ties by id). */
  list(): Promise<ApiKey[]>;
  /** Set `revokedAt`; false when there is no such key or it was already revoked. */
  revoke(id: string, now: Date): Promise<boolean>;
  /** Record a use (`lastUsedAt`). */
  touch(id: string, now: Date): Promise<void>;
}

/** The first answer to an `Idempotency-Key`, replayed for a retry of the same request. */
export interface IdempotentReply {
  fingerprint: string;
  status: number;
  /** The JSON body as sent ('' for none). */
  body: string;
  createdAt: Date;
}

/** Idempotency keys of POST requests, per principal (`operator:<id>`, `apikey:<id>`). */
export interface IdempotencyStore {
  get(principal: string, key: string): Promise<IdempotentReply | undefined>;
  /** Insert or replace the reply kept for `(principal, key)`. */
  put(principal: string, key: string, reply: IdempotentReply): Promise<void>;
}

/** A delivery planned by the outbox for one subscription and one event (pending, attempt 0). */
export interface NewDelivery {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: WebhookEventType;
  body: string;
  createdAt: Date;
}

/** The outcome of one delivery attempt. */
export interface DeliveryAttempt {
  status: WebhookDelivery['status'];
  attempts: number;
  lastStatusCode?: number;
  /** Cleared when absent. */
  lastError?: string;
  nextAttemptAt?: Date;
  deliveredAt?: Date;
}

/**
 * Webhook subscriptions, the delivery outbox and its cursor over the core's committed domain
 * events. The cursor is opaque to the worker (the SQLite adapter uses `events.seq`).
 */
export interface WebhookStore {
  insertSubscription(sub: WebhookSubscription): Promise<void>;
  /** Replace url, events, active, description and updatedAt; false when there is no such subscription. */
  updateSubscription(sub: WebhookSubscription): Promise<boolean>;
  /** Delete it and fail its pending deliveries ('subscription deleted'); false when absent. */
  deleteSubscription(id: string): Promise<boolean>;
  getSubscription(id: string): Promise<WebhookSubscription | undefined>;
  /** Oldest first. */
  listSubscriptions(): Promise<WebhookSubscription[]>;

  getDelivery(id: string): Promise<WebhookDelivery | undefined>;
  /** A subscription's deliveries, newest first. */
  listDeliveries(subscriptionId: string, limit: number): Promise<WebhookDelivery[]>;
  /** Pending deliveries due at `now`, soonest first. */
  dueDeliveries(now: Date, limit: number): Promise<WebhookDelivery[]>;
  /** Make a delivery pending again, due now (same event id and body); false when absent. */
  resendDelivery(id: string, now: Date): Promise<boolean>;
  recordAttempt(id: string, attempt: DeliveryAttempt): Promise<void>;
  /** How many deliveries per status. */
  deliveryCounts(): Promise<Record<string, number>>;

  /** The outbox cursor; on first use it is set past every event already committed (no replay). */
  cursor(): Promise<string>;
  /** Committed events of `types` after `cursor`, oldest first, each with its own cursor. */
  eventsAfter(cursor: string, types: readonly string[], limit: number): Promise<{ cursor: string; event: DomainEvent }[]>;
  /**
   * The cursor past every event committed now, never before `from` (`from` itself when that cannot
   * be told yet), found without reading the events: with no subscription the dispatcher moves the
   * cursor there instead of reading and dropping every event. Optional: without it the dispatcher
   * reads them.
   */
  lastCursor?(from: string): Promise<string>;
  /**
   * Move the cursor from `from` to `to` and insert `deliveries` (at most one per subscription and
   * event), atomically. False (nothing written) when another worker moved the cursor first.
   */
  advance(from: string, to: string, deliveries: readonly NewDelivery[]): Promise<boolean>;
}

/** An ATS candidate id as linked to Parley's candidate (and conversation, once reached). */
export interface AtsLink {
  candidateId: string;
  conversationId?: string;
}

/** ATS webhooks in: received event ids (idempotency) and ATS candidate ids. */
export interface AtsStore {
  /** True the first time `(source, eventId)` is seen (it is then `processing`). */
  claimEvent(source: string, eventId: string, type: string, now: Date): Promise<boolean>;
  /** The event was applied: later deliveries of it are duplicates. */
  finishEvent(source: string, eventId: string): Promise<void>;
  /** The event failed: forget it so the ATS's retry is processed. */
  releaseEvent(source: string, eventId: string): Promise<void>;
  findCandidate(source: string, atsId: string): Promise<AtsLink | undefined>;
  /** Link an ATS id, unless it is linked already (the first link stands). */
  linkCandidate(source: string, atsId: string, link: AtsLink): Promise<void>;
}

/** Filters of GET /candidates (all optional; every given filter must hold). */
export interface CandidateFilter {
  stage?: string;
  role?: string;
  updatedSince?: Date;
  /** Has a conversation on this channel. */
  channel?: string;
  /** A conversation of the candidate has this risk level in the console's marks, or any 'at-risk'. */
  risk?: 'at-risk' | 'low' | 'medium' | 'high';
  /** Substring of the name, email or phone (case-insensitive for ASCII). */
  q?: string;
}

/** Filters of GET /audit. */
export interface AuditFilter {
  candidateId?: string;
  type?: string;
  since?: Date;
  until?: Date;
  /** The event's `actor` field. */
  actor?: string;
}

/** Read queries of the public API that no core port answers. */
export interface PublicApiQueries {
  /** Candidates with ids after `afterId` (empty: from the start), in id order, at most `limit`. */
  listCandidates(filter: CandidateFilter, afterId: string, limit: number): Promise<Candidate[]>;
  /** Domain events, newest first (commit order), at most `limit`. */
  listAudit(filter: AuditFilter, limit: number): Promise<DomainEvent[]>;
}

/** Everything the public API keeps. */
export interface PublicApiStore {
  keys: ApiKeyRepository;
  idempotency: IdempotencyStore;
  webhooks: WebhookStore;
  ats: AtsStore;
  queries: PublicApiQueries;
}

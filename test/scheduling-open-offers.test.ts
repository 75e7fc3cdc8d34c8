/**
 * The scheduling middleware asks for the conversation's open slot offer on every inbound text
 * message (issue 13). In embedded mode the process is its SQLite file's only writer and knows
 * which conversations may have one (`OpenOffers`): the others read nothing, and the index follows
 * every write of the offers table (an offer made, answered, declined, or removed by an erasure).
 * In cluster mode (Redis) every message still reads the table. Driven through the real app: web
 * chat over Socket.IO, the REST API.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type Database from 'better-sqlite3';
import { ManualClock } from '../core/ports/index.js';
import type { SqliteSchedulingStore } from '../jobs/scheduling/index.js';
import { login } from '../operator-console/testing.js';
import { embeddedDb } from './support/embedded.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';
import { jobBackends, startRedis, type TestRedis } from './support/redis.js';

const PASSWORD = 'correct-horse-battery';
const TIMEOUT = 60_000;
const ENV = { PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD, JOBS_PROCESS_EVERY_MS: '50' };
const RITA = { name: 'Rita', email: 'rita@acme.example', timeZone: 'Europe/Lisbon', weekly: { tue: [['10:00', '11:30']] } };
/** The scheduling store's look-up of one conversation's offer (what the middleware runs). */
const OFFER_READ = 'SELECT awaiting, slots FROM scheduling_offers WHERE conversation_id = ?';

/** Look-ups of each conversation's offer in the SQLite file from now on (every connection of this process). */
function countOfferReads(db: Database.Database): (conversationId: string) => number {
  const proto = Object.getPrototypeOf(db.prepare('SELECT 1')) as { get: (...args: unknown[]) => unknown };
  const get = jest.spyOn(proto, 'get');
  return (conversationId) => get.mock.calls.filter((args, i) => (get.mock.contexts[i] as Database.Statement).source === OFFER_READ && args[0] === conversationId).length;
}

async function rest(app: TestParley, method: string, path: string, body?: unknown) {
  const { token } = await login(app.url, 'admin@acme.test', PASSWORD);
  const res = await fetch(`${app.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined };
}

/** A web chat candidate past consent, with a time zone on file (so an offer lists slots at once). */
async function candidate(app: TestParley): Promise<ChatClient> {
  const c = await ChatClient.connect(app.url);
  await c.ask('hi', /Do you agree/);
  await app.parley.engine.mutate(c.conversationId, ({ conversation, candidate: cand }) => ({ conversation, candidate: { ...cand, timeZone: 'Europe/Lisbon' } }));
  return c;
}

/** A recruiter's call to offer slots (REST), shown to the candidate. */
async function offerSlots(app: TestParley, c: ChatClient): Promise<void> {
  const from = c.received.length;
  expect((await rest(app, 'POST', `/api/v1/scheduling/conversations/${c.conversationId}/offer`)).body).toEqual({ result: 'offered' });
  await c.waitForBot(/next free times/, { from });
}

/** Four messages of the intake, each answered before the next. */
async function burst(c: ChatClient): Promise<void> {
  await c.ask('hi', /Do you agree to continue\?/);
  await c.ask('yes', /What is your name\?/);
  await c.ask('Ana Lima', /Which role/);
  await c.ask('Backend developer', /./);
}

afterEach(() => {
  jest.restoreAllMocks();
});

describe('scheduling offers in embedded mode (the process is the file\'s only writer)', () => {
  let app: TestParley;
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z')); // Monday

  beforeAll(async () => {
    app = await startParley(ENV, { clock });
    expect((await rest(app, 'PUT', '/api/v1/scheduling/recruiters/rita', RITA)).status).toBe(200);
  }, TIMEOUT);
  afterAll(async () => {
    await app?.stop();
  });

  it('a burst of messages in a conversation without an offer does not read the offers table', async () => {
    const reads = countOfferReads(embeddedDb(app.parley));
    const c = await ChatClient.connect(app.url);
    await burst(c);
    expect(reads(c.conversationId)).toBe(0);
    c.close();
  }, TIMEOUT);

  it('an offer made after messages were answered without one is seen by the next message; the pick books, and the booked conversation has no offer again', async () => {
    const c = await candidate(app);
    await c.ask('ok', /./); // answered without an offer
    await offerSlots(app, c);
    await c.ask('hmm, not sure', /Please reply with a number from 1 to 3/);
    await c.ask('1', /You're booked: Tuesday 3 March at 10:00/);
    expect(await app.parley.ports.scheduling.offer(c.conversationId)).toBeUndefined();
    c.close();
  }, TIMEOUT);

  it('an offer declined ("none") is gone for the next message; a new offer after it is seen again', async () => {
    const c = await candidate(app);
    await offerSlots(app, c);
    await c.ask('none of these', /get back to you with other times/);
    expect(await app.parley.ports.scheduling.offer(c.conversationId)).toBeUndefined();
    await offerSlots(app, c);
    await c.ask('later maybe', /Please reply with a number from 1 to/);
    c.close();
  }, TIMEOUT);

  it('an offer removed by an erasure is gone afterwards', async () => {
    const c = await candidate(app);
    await offerSlots(app, c);
    await c.ask('hmm', /Please reply with a number from 1 to/);
    const store = app.parley.ports.scheduling;
    expect((await store.offer(c.conversationId))?.awaiting).toBe('pick');
    const candidateId = (await app.parley.store.getConversation(c.conversationId))!.candidateId;
    expect((await rest(app, 'DELETE', `/api/public/v1/candidates/${candidateId}`)).status).toBe(202);
    const rows = () => (embeddedDb(app.parley).prepare('SELECT count(*) AS n FROM scheduling_offers WHERE conversation_id = ?').get(c.conversationId) as { n: number }).n;
    await eventually(() => rows() === 0, 'the erasure to remove the offer');
    expect(await store.offer(c.conversationId)).toBeUndefined();
    c.close();
  }, TIMEOUT);

  it('keeps the index on (its counters show skipped look-ups)', () => {
    expect((app.parley.ports.scheduling as SqliteSchedulingStore).openOffersStats()?.skipped).toBeGreaterThan(0);
  });
});

const cluster = jobBackends().includes('redis') ? describe : describe.skip;
cluster('scheduling offers in cluster mode (REDIS_URL: other nodes write the file too)', () => {
  let redis: TestRedis;
  let app: TestParley;
  beforeAll(async () => {
    redis = await startRedis();
    app = await startParley({ ...ENV, REDIS_URL: redis.url, JOBS_REDIS_PREFIX: `o${process.pid}-${Date.now()}:` });
  }, TIMEOUT);
  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  it('every message reads the offers table, as before', async () => {
    const reads = countOfferReads(embeddedDb(app.parley));
    const c = await ChatClient.connect(app.url);
    await burst(c);
    expect(reads(c.conversationId)).toBe(4);
    expect((app.parley.ports.scheduling as SqliteSchedulingStore).openOffersStats()).toBeUndefined();
    c.close();
  }, TIMEOUT);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type Database from 'better-sqlite3';
import { SqliteStore } from '../core/store/embedded/index.js';
import { SqliteJobRepository } from '../jobs/agenda/index.js';
import { seedBusyInstall } from './support/busy-install.js';
import { NUDGE_JOB, nudgeKey } from '../jobs/index.js';
import { loadRiskView, RISK_RECOMPUTE_JOB } from '../jobs/risk/index.js';

/**
 * The periodic and per-message queries keep their plans at 100,000 rows: each statement the real
 * code runs is captured (SQL and arguments) and asked for its `EXPLAIN QUERY PLAN`, which must not
 * scan a table nor sort in a temporary B-tree (both grow with the data: the risk sweep's nudge
 * look-up and the scheduler's 5-second poll once took 50-180 ms each at this size).
 */
const ROWS = 100_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 30, 12);

interface Executed {
  sql: string;
  args: unknown[];
}

let store: SqliteStore;
let db: Database.Database;
let repo: SqliteJobRepository;
let conversationId: string;
let candidateId: string;

/** Every statement `fn` executes through the driver, with its arguments. */
async function executed(fn: () => Promise<unknown>): Promise<Executed[]> {
  const proto = Object.getPrototypeOf(db.prepare('SELECT 1')) as Record<string, (...args: unknown[]) => unknown>;
  const seen: Executed[] = [];
  const originals = (['get', 'all', 'run', 'iterate'] as const).map((m) => [m, proto[m]!] as const);
  for (const [m, original] of originals) {
    proto[m] = function (this: Database.Statement, ...args: unknown[]) {
      seen.push({ sql: this.source, args });
      return original.apply(this, args);
    };
  }
  try {
    await fn();
  } finally {
    for (const [m, original] of originals) proto[m] = original;
  }
  return seen.filter((s) => /^\s*(SELECT|UPDATE|DELETE|INSERT)/i.test(s.sql));
}

/** Plan steps that grow with the table: a full scan or a temporary B-tree sort. */
function growingSteps(e: Executed): string[] {
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${e.sql}`).all(...e.args) as { detail: string }[];
  return plan.map((p) => p.detail).filter((d) => (/^SCAN /.test(d) && !/^SCAN CONSTANT ROW/.test(d)) || /TEMP B-TREE/.test(d));
}

async function expectIndexedPlans(fn: () => Promise<unknown>): Promise<void> {
  const statements = await executed(fn);
  expect(statements.length).toBeGreaterThan(0);
  const bad = statements.map((s) => ({ sql: s.sql.replace(/\s+/g, ' '), steps: growingSteps(s) })).filter((s) => s.steps.length);
  expect(bad).toEqual([]);
}

beforeAll(async () => {
  store = SqliteStore.open(':memory:');
  db = store.database;
  repo = new SqliteJobRepository(db);
  await repo.connect();
  const first = await store.recordInbound(
    { ref: { channel: 'webchat', externalId: 'plans-0' }, providerMessageId: 'p0', sender: { id: 'plans-0' }, kind: 'text', text: 'hi', receivedAt: new Date(NOW) },
    new Date(NOW),
  );
  conversationId = first.conversation.id;
  candidateId = first.candidate.id;
  // 100,000 other conversations (one candidate each), a nudge and a received message for each,
  // and a waiting nudge job per conversation: what a busy install holds.
  seedBusyInstall(db, ROWS, NOW);
}, 120_000);

afterAll(async () => {
  await store.close();
});

describe(`query plans at ${ROWS.toLocaleString('en')} rows`, () => {
  it('the nudge-sent look-up (nudge job, risk of every candidate in the sweep) uses an index, no sort', async () => {
    await expectIndexedPlans(() => store.listEvents({ conversationId, types: ['NudgeSent'], after: new Date(NOW - DAY) }));
  });

  it("a candidate's latest conversation (risk, console feed) uses an index, no sort", async () => {
    await expectIndexedPlans(() => store.listConversations({ candidateId, limit: 1 }));
  });

  it("a candidate's events of some types uses an index, no sort", async () => {
    await expectIndexedPlans(() => store.listEvents({ candidateId, types: ['InterviewScheduled', 'InterviewCompleted'] }));
  });

  it("the scheduler's poll for the next due job uses an index, no sort", async () => {
    await expectIndexedPlans(() => repo.getNextJobToRun(NUDGE_JOB, new Date(NOW + 5000), new Date(NOW - 600_000), new Date(NOW), undefined));
  });

  it("re-arming a conversation's nudge (due time, upsert by key) and cancelling it (by key) use an index, no sort", async () => {
    const key = nudgeKey(conversationId);
    const data = { conversationId, key };
    await expectIndexedPlans(() => repo.saveJob({ name: NUDGE_JOB, priority: 0, nextRunAt: new Date(NOW + DAY), type: 'normal', data, unique: { 'data.key': key } }, undefined));
    await expectIndexedPlans(() => repo.saveJob({ name: NUDGE_JOB, priority: 0, nextRunAt: new Date(NOW + 2 * DAY), type: 'normal', data, unique: { 'data.key': key } }, undefined));
    await expectIndexedPlans(() => repo.queryJobs({ data: { key } }));
    await expectIndexedPlans(() => repo.removeJobs({ data: { key } }));
  });

  it("a candidate's risk assessment (every read of it) and the debounced assessment's job (upsert by key) use an index, no sort", async () => {
    await expectIndexedPlans(() => loadRiskView(store, candidateId));
    const key = `risk:${candidateId}`;
    await expectIndexedPlans(() => repo.saveJob({ name: RISK_RECOMPUTE_JOB, priority: 0, nextRunAt: new Date(NOW + 30_000), type: 'normal', data: { candidateId, key }, unique: { 'data.key': key } }, undefined));
  });

  it('the per-message statements of a turn use their indexes', async () => {
    await expectIndexedPlans(() =>
      store.recordInbound(
        { ref: { channel: 'webchat', externalId: 'plans-0' }, providerMessageId: 'p1', sender: { id: 'plans-0' }, kind: 'text', text: 'hello', receivedAt: new Date(NOW) },
        new Date(NOW),
      ),
    );
    await expectIndexedPlans(() => store.listMessages(conversationId, { limit: 200 }));
  });
});

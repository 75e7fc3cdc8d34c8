/**
 * The periodic queries at 1,000 and 100,000 conversations: the scheduler's poll (every few
 * seconds), the nudge-sent look-up and a candidate's latest conversation (per candidate in the
 * 5-minute risk sweep, and per nudge), and the nudge key look-up (per message). Per-call time at
 * both sizes (the fastest of 7 rounds of 300 calls) and their ratio: flat means within 2x. The same rows as test/query-plans.test.ts.
 */
import { SqliteStore } from '../core/store/embedded/index.js';
import { SqliteJobRepository } from '../jobs/agenda/index.js';
import { seedBusyInstall } from '../test/support/busy-install.js';
import { NUDGE_JOB, nudgeKey } from '../jobs/index.js';
import type { BenchResult } from './support.js';

const NOW = Date.UTC(2026, 10, 30, 12);
const DAY = 86_400_000;
const CALLS = 300;
const ROUNDS = 7;

type Timings = Record<string, number>;

async function timings(rows: number): Promise<Timings> {
  const store = SqliteStore.open(':memory:');
  const db = store.database;
  const repo = new SqliteJobRepository(db);
  await repo.connect();
  seedBusyInstall(db, rows, NOW);
  const pick = (n: number) => 1 + ((n * 7919) % rows);
  // The fastest of several rounds: on a shared machine whatever else runs only adds time, and one
  // round's mean was mostly that (a single pass read 1.35-4.5x for a look-up whose plan, and whose
  // cost measured on a quiet machine, are the same at both sizes).
  const time = async (fn: (n: number) => Promise<unknown>): Promise<number> => {
    for (let n = 0; n < 20; n++) await fn(n); // warm the statement cache and the pages
    const rounds: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      for (let n = 0; n < CALLS; n++) await fn(r * CALLS + n);
      rounds.push(((performance.now() - t0) * 1000) / CALLS);
    }
    return Math.min(...rounds);
  };
  const result: Timings = {
    'poll us': await time(() => repo.getNextJobToRun(NUDGE_JOB, new Date(NOW + 5000), new Date(NOW - 600_000), new Date(NOW), undefined)),
    'nudge-sent us': await time((n) => store.listEvents({ conversationId: `conv_f${pick(n)}`, types: ['NudgeSent'], after: new Date(NOW - DAY) })),
    'latest-conv us': await time((n) => store.listConversations({ candidateId: `cand_f${pick(n)}`, limit: 1 })),
    'nudge-key us': await time((n) => repo.queryJobs({ data: { key: nudgeKey(`conv_f${pick(n)}`) } })),
  };
  await store.close();
  return result;
}

export async function run(): Promise<BenchResult[]> {
  const small = await timings(1_000);
  const large = await timings(100_000);
  const fmt = (t: Timings) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.toFixed(1)]));
  const ratios = Object.fromEntries(Object.keys(small).map((k) => [k.replace(' us', ''), `${((large[k] as number) / (small[k] as number)).toFixed(2)}x`]));
  return [
    { name: 'periodic@1k', metrics: fmt(small) },
    { name: 'periodic@100k', metrics: fmt(large) },
    { name: 'periodic 100k/1k', goal: 'within 2x', metrics: ratios },
  ];
}

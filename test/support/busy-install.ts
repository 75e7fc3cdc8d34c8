import type Database from 'better-sqlite3';
import { NUDGE_JOB, nudgeKey } from '../../jobs/index.js';

const DAY = 86_400_000;

/**
 * Fill a store's tables with what a busy install holds: `rows` conversations (one candidate
 * each), a received message and a nudge event for each, and a waiting nudge job per
 * conversation, around `now`. Raw inserts (fast); the query-plan test and the periodic-queries
 * benchmark use the same rows.
 *
 * @example
 * seedBusyInstall(store.database, 100_000, Date.UTC(2026, 10, 30, 12));
 */
export function seedBusyInstall(db: Database.Database, rows: number, now: number): void {
  db.transaction(() => {
    const conv = db.prepare(
      "INSERT INTO conversations (id, channel, external_id, candidate_id, stage, mode, needs_human, version, last_activity_at, doc) VALUES (?, 'webchat', ?, ?, 'new', 'bot', 0, 1, ?, '{}')",
    );
    const cand = db.prepare("INSERT INTO candidates (id, phone, email, stage, created_at, doc) VALUES (?, NULL, NULL, 'new', ?, '{}')");
    const event = db.prepare("INSERT INTO events (id, type, conversation_id, candidate_id, at, doc) VALUES (?, ?, ?, ?, ?, '{}')");
    const job = db.prepare("INSERT INTO agenda_jobs (id, name, next_run_at, type, data) VALUES (?, ?, ?, 'normal', ?)");
    for (let i = 1; i <= rows; i++) {
      const [c, k, at] = [`conv_f${i}`, `cand_f${i}`, now - (i % 1000) * 60_000];
      cand.run(k, at);
      conv.run(c, `filler-${i}`, k, at);
      event.run(`evt_m${i}`, 'MessageReceived', c, k, at);
      event.run(`evt_n${i}`, 'NudgeSent', c, k, at + 1000);
      job.run(`job_f${i}`, NUDGE_JOB, now + DAY + i, JSON.stringify({ conversationId: c, key: nudgeKey(c) }));
    }
  })();
}

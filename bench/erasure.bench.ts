/**
 * Erasing one candidate from a file-backed store with 1,000 and 20,000 candidates (each with a
 * conversation, 10 messages, 10 events, a kv entry, a console note and a webhook delivery): the
 * erasure across every table (`eraseCandidateRows`, run by `SqliteStore.eraseCandidate`) and
 * the compaction after it (VACUUM + WAL truncate), which rewrites the whole file and blocks the
 * process while it runs. Both are what an at-once erasure (console, API) costs.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../core/store/embedded/index.js';
import type { BenchResult } from './support.js';

const NOW = Date.UTC(2026, 10, 30, 12);
const ERASURES = 5;

async function measure(candidates: number): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-erasure-bench-'));
  const store = SqliteStore.open(join(dir, 'parley.db'));
  const db = store.database;
  db.exec('CREATE TABLE console_notes (id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, operator_id TEXT NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL)');
  db.exec('CREATE TABLE webhook_deliveries (id TEXT PRIMARY KEY, event_id TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL)');
  db.transaction(() => {
    const cand = db.prepare("INSERT INTO candidates (id, phone, email, stage, created_at, doc) VALUES (?, ?, ?, 'screening', ?, ?)");
    const conv = db.prepare("INSERT INTO conversations (id, channel, external_id, candidate_id, stage, mode, needs_human, version, last_activity_at, doc) VALUES (?, 'whatsapp', ?, ?, 'screening', 'bot', 0, 1, ?, ?)");
    const msg = db.prepare("INSERT INTO messages (id, conversation_id, channel, direction, status, created_at, doc) VALUES (?, ?, 'whatsapp', ?, 'processed', ?, ?)");
    const evt = db.prepare("INSERT INTO events (id, type, conversation_id, candidate_id, at, doc) VALUES (?, 'MessageReceived', ?, ?, ?, ?)");
    const kv = db.prepare("INSERT INTO kv (namespace, key, value) VALUES ('risk', ?, ?)");
    const note = db.prepare('INSERT INTO console_notes VALUES (?, ?, ?, ?, ?)');
    const delivery = db.prepare('INSERT INTO webhook_deliveries VALUES (?, ?, ?, ?)');
    const iso = new Date(NOW).toISOString();
    for (let i = 1; i <= candidates; i++) {
      const [k, c, phone] = [`cand_${i}`, `conv_${i}`, `+49151${String(i).padStart(8, '0')}`];
      cand.run(k, phone, `person${i}@example.org`, NOW, JSON.stringify({ id: k, name: `Person ${i}`, phone, email: `person${i}@example.org`, stage: 'screening', optedOut: false, unreachable: false, createdAt: iso, updatedAt: iso }));
      conv.run(c, phone, k, NOW, JSON.stringify({ id: c, ref: { channel: 'whatsapp', externalId: phone }, candidateId: k, stage: 'screening', mode: 'bot', needsHuman: false, state: { intake: { name: `Person ${i}` } }, version: 1, lastActivityAt: iso, createdAt: iso, updatedAt: iso }));
      for (let m = 0; m < 10; m++) {
        const id = `msg_${i}_${m}`;
        msg.run(id, c, m % 2 ? 'out' : 'in', NOW + m, JSON.stringify({ id, conversationId: c, channel: 'whatsapp', direction: m % 2 ? 'out' : 'in', author: m % 2 ? 'bot' : 'candidate', kind: 'text', text: `Message ${m} from Person ${i}, a few words long like a real answer to a question.`, status: 'processed', attempts: 0, createdAt: iso, updatedAt: iso }));
        evt.run(`evt_${i}_${m}`, c, k, NOW + m, JSON.stringify({ id: `evt_${i}_${m}`, type: 'MessageReceived', at: iso, conversationId: c, candidateId: k, actor: 'candidate', messageId: id, channel: 'whatsapp' }));
      }
      kv.run(k, JSON.stringify({ score: 0.2, candidateId: k }));
      note.run(`note_${i}`, c, 'op_1', `Called Person ${i}`, NOW);
      delivery.run(`dlv_${i}`, `evt_${i}_0`, JSON.stringify({ type: 'candidate.stage_changed', data: { candidateId: k } }), NOW);
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  const sizeMb = statSync(join(dir, 'parley.db')).size / 1e6;
  const erase: number[] = [];
  const compact: number[] = [];
  for (let n = 1; n <= ERASURES; n++) {
    const id = `cand_${1 + ((n * 7919) % candidates)}`;
    const t0 = performance.now();
    await store.eraseCandidate(id, new Date(NOW));
    const t1 = performance.now();
    await store.compact();
    erase.push(t1 - t0);
    compact.push(performance.now() - t1);
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { name: `erasure@${candidates / 1000}k`, metrics: { 'file MB': sizeMb.toFixed(1), 'erase ms': median(erase).toFixed(1), 'compact ms': median(compact).toFixed(0) } };
}

export async function run(): Promise<BenchResult[]> {
  return [await measure(1_000), await measure(20_000)];
}

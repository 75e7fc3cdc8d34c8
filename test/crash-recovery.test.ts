/**
 * Crash safety: `kill -9` after the inbound message is persisted (or after the turn commits but
 * before the reply is sent): on restart the reply goes out exactly once. And under load, with a
 * slow provider and repeated `kill -9`, every reply is sent and only sends in flight at a kill
 * can reach the provider twice.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../core/store/embedded/sqlite-store.js';
import { ChatClient, eventually } from './support/harness.js';
import { CHILD_TEST_TIMEOUT_MS, freePort, ROOT, spawnParley, waitForReady, type ChildParley } from './support/child.js';
import { META_PHONE_NUMBER_ID, metaText, postMeta } from './support/whatsapp-webhooks.js';

const children: ChildParley[] = [];
const dirs: string[] = [];
afterEach(() => {
  children.splice(0).forEach((c) => c.proc.kill('SIGKILL'));
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

async function crashThenRecover(point: 'after-persist' | 'after-commit') {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-crash-'));
  dirs.push(dataDir);
  const port = String(await freePort());
  const env = { PORT: port, HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'info' };

  const doomed = spawnParley({ ...env, CRASH_POINT: point }, { entry: join(ROOT, 'test', 'support', 'crash-child.ts') });
  children.push(doomed);
  await waitForReady(doomed);
  const url = `http://127.0.0.1:${port}`;
  const client = await ChatClient.connect(url);
  void client.say('hi', 'crash-1');
  const { signal } = await doomed.exited;
  expect(signal).toBe('SIGKILL');
  client.close();

  // What the dead process left behind.
  const store = SqliteStore.open(join(dataDir, 'parley.db'));
  // The process died before acknowledging the message, so the client never learnt its conversation id.
  const [conversation] = await store.listConversations({ channel: 'webchat' });
  const left = conversation ? await store.listMessages(conversation.id) : [];
  await store.close();
  expect(left.filter((m) => m.direction === 'in').map((m) => m.text)).toEqual(['hi']);

  const revived = spawnParley(env);
  children.push(revived);
  await waitForReady(revived);
  const again = await ChatClient.connect(url, client.sessionId);
  await eventually(
    () => again.history.some((m) => /agree to continue/.test(m.text)) || again.received.some((m) => /agree to continue/.test(m.text)),
    'the consent question after restart',
    15_000,
  );
  revived.proc.kill('SIGTERM');
  expect((await revived.exited).code).toBe(0);

  const after = SqliteStore.open(join(dataDir, 'parley.db'));
  const messages = await after.listMessages(conversation?.id ?? '');
  await after.close();
  return { left, messages };
}

describe('crash recovery (kill -9)', () => {
  it('re-drives an inbound message persisted before the crash: the reply is sent exactly once', async () => {
    const { left, messages } = await crashThenRecover('after-persist');
    expect(left.filter((m) => m.direction === 'out')).toHaveLength(0);
    expect(messages.filter((m) => m.direction === 'in')).toHaveLength(1);
    const consent = messages.filter((m) => /agree to continue/.test(m.text));
    expect(consent).toHaveLength(1);
    expect(consent[0]?.status).toBe('sent');
  }, CHILD_TEST_TIMEOUT_MS);

  it('sends a reply committed but unsent before the crash exactly once', async () => {
    const { left, messages } = await crashThenRecover('after-commit');
    expect(left.filter((m) => /agree to continue/.test(m.text)).map((m) => m.status)).toEqual(['queued']);
    const consent = messages.filter((m) => /agree to continue/.test(m.text));
    expect(consent).toHaveLength(1);
    expect(consent[0]?.status).toBe('sent');
  }, CHILD_TEST_TIMEOUT_MS);
});

/**
 * A fake Graph API on loopback that answers each send after `delayMs`, like a slow provider. A
 * send counts as delivered when it arrives (a real provider keeps a message whose acknowledgement
 * never made it back), so a crash mid-call shows up here as a duplicate when the row is resent.
 */
class SlowGraph {
  readonly deliveries = new Map<string, number>();
  inFlight = 0;
  arrived = 0;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(delayMs: number): Promise<SlowGraph> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const graph = new SlowGraph(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/v21.0`);
    let seq = 0;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const json = JSON.parse(body || '{}') as { status?: string; to?: string };
        res.setHeader('content-type', 'application/json');
        if (json.status === 'read') return void res.end(JSON.stringify({ success: true }));
        const key = `${json.to}|${body}`;
        graph.deliveries.set(key, (graph.deliveries.get(key) ?? 0) + 1);
        graph.arrived++;
        graph.inFlight++;
        setTimeout(() => {
          graph.inFlight--;
          res.end(JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: json.to, wa_id: json.to }], messages: [{ id: `wamid.out.${++seq}` }] }));
        }, delayMs);
      });
    });
    return graph;
  }

  /** Sends that reached the provider more than once. */
  duplicates(): number {
    return [...this.deliveries.values()].reduce((n, count) => n + count - 1, 0);
  }

  recipients(): Set<string> {
    return new Set([...this.deliveries.keys()].map((k) => k.split('|')[0]!));
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const META_SECRET = 'crash-app-secret';

/** A signed Meta webhook delivery: candidate `phone` says hi. */
async function metaHi(url: string, phone: string): Promise<number> {
  const payload = metaText('hi', `wamid.in.${phone}`, { from: phone, name: `Candidate ${phone}`, timestamp: String(Math.floor(Date.now() / 1000)) });
  return (await postMeta(url, payload, META_SECRET)).status;
}

/** Outbound rows by status, read from the file a dead process left (only committed data). */
function outboundStatuses(dataDir: string): Record<string, number> {
  const db = new Database(join(dataDir, 'parley.db'));
  try {
    const rows = db.prepare("SELECT status, COUNT(*) AS n FROM messages WHERE direction = 'out' GROUP BY status").all() as { status: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  } finally {
    db.close();
  }
}

/**
 * Rows a process started at `since` left `sending`, or `queued` with their first attempt reserved
 * in the turn's commit (attempts above 0): its sends that may have been in flight at the kill.
 */
function inFlightSince(dataDir: string, since: Date): number {
  const db = new Database(join(dataDir, 'parley.db'));
  try {
    const possiblyInFlight = "(status = 'sending' OR (status = 'queued' AND json_extract(doc, '$.attempts') > 0))";
    const sql = `SELECT COUNT(*) AS n FROM messages WHERE direction = 'out' AND ${possiblyInFlight} AND json_extract(doc, '$.lastAttemptAt') >= ?`;
    return (db.prepare(sql).get(since.toISOString()) as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('duplicates under load across repeated kill -9 (WhatsApp, 80 ms provider)', () => {
  const ROUNDS = 3;
  const PER_ROUND = 60;

  it('sends every reply, and at most once more only what was in flight at each kill', async () => {
    const graph = await SlowGraph.start(80);
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-dups-'));
    dirs.push(dataDir);
    const port = String(await freePort());
    const url = `http://127.0.0.1:${port}`;
    const env = {
      PORT: port,
      HOST: '127.0.0.1',
      PARLEY_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      WHATSAPP_ACCESS_TOKEN: 'EAAG-test-token',
      WHATSAPP_PHONE_NUMBER_ID: META_PHONE_NUMBER_ID,
      WHATSAPP_APP_SECRET: META_SECRET,
      WHATSAPP_VERIFY_TOKEN: 'verify-me',
      WHATSAPP_GRAPH_URL: graph.url,
    };
    const phones: string[] = [];
    const inFlightAtKill: number[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const started = new Date();
        const child = spawnParley(env);
        children.push(child);
        await waitForReady(child, 60_000);
        const before = graph.arrived;
        const batch = Array.from({ length: PER_ROUND }, (_, i) => `49151${String(round * 1000 + i).padStart(7, '0')}`);
        phones.push(...batch);
        for (let i = 0; i < batch.length; i += 20) {
          const statuses = await Promise.all(batch.slice(i, i + 20).map((p) => metaHi(url, p)));
          expect(statuses.every((s) => s === 200)).toBe(true);
        }
        // Kill while the provider holds sends: some way into this round's replies, calls open.
        await eventually(() => graph.arrived - before >= PER_ROUND / 3 && graph.inFlight > 0, 'sends in flight at the provider', 30_000);
        child.proc.kill('SIGKILL');
        expect((await child.exited).signal).toBe('SIGKILL');
        // The bound: rows this process committed `sending` (or reserved a first attempt for) are the
        // only ones the provider may have without our knowing (one from the kill before was counted then).
        inFlightAtKill.push(inFlightSince(dataDir, started));
      }

      const last = spawnParley(env);
      children.push(last);
      await waitForReady(last, 60_000);
      // Every candidate reached, and every reply row committed `sent` (WAL: readable while it runs).
      const done = () => graph.recipients().size === phones.length && graph.inFlight === 0 && Object.keys(outboundStatuses(dataDir)).join() === 'sent';
      await eventually(done, 'every reply to be sent', 60_000);
      last.proc.kill('SIGTERM');
      expect((await last.exited).code).toBe(0);
    } finally {
      await graph.stop();
    }

    // Every reply row ended `sent` (none queued, stuck sending or failed), each reached the provider.
    const statuses = outboundStatuses(dataDir);
    const replies = statuses.sent ?? 0;
    const duplicates = graph.duplicates();
    const bound = inFlightAtKill.reduce((a, b) => a + b, 0);
    console.log(
      `kill -9 x${ROUNDS} under load: ${replies} replies, ${duplicates} duplicates (${((duplicates / replies) * 1000).toFixed(1)} per 1,000); ` +
        `in flight at each kill: ${inFlightAtKill.join(', ')} (bound ${bound})`,
    );
    expect(Object.keys(statuses)).toEqual(['sent']);
    expect(graph.deliveries.size).toBe(replies);
    expect([...graph.recipients()].sort()).toEqual([...phones].sort());
    expect(duplicates).toBeLessThanOrEqual(bound);
  }, 180_000);
});

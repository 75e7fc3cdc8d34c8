/**
 * Issue 13: a reply's first send attempt is counted in the turn's commit when its channel resends
 * after a crash, so that attempt needs no `sending` commit of its own. Crash safety is kept: each
 * "process" here is a real Engine and dispatcher over the same SQLite file; a process "dies" in
 * the provider call (the call never returns, nothing after it runs) and the next one starts over
 * the file as the dead one left it (`engine.start()`, what `parley start` runs).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConversationRef, Message, OutboundMessage } from '../core/domain/index.js';
import { silentLogger, type ChannelAdapter, type ChannelCapabilities, type Logger } from '../core/ports/index.js';
import { SqliteStore } from '../core/store/embedded/sqlite-store.js';
import { bareEngine } from './support/bare-engine.js';

const CAPS: ChannelCapabilities = { maxTextLength: 4096, buttons: false, maxButtons: 0, lists: false, maxListItems: 0, templates: false, voice: false, typing: false, maxSendsPerSecond: Infinity };
const MAX_ATTEMPTS = 3;

/** The provider: what reached it, and whether this process dies in the call (it never returns). */
class Provider implements ChannelAdapter {
  readonly id = 'webchat' as const;
  readonly calls: string[] = [];
  /** What the row looked like on disk (another connection: only committed data) during each call. */
  readonly onDisk: { status: string; attempts: number }[] = [];
  constructor(
    readonly capabilities: ChannelCapabilities,
    private readonly dies: boolean,
    private readonly disk: () => { status: string; attempts: number },
  ) {}
  async send(_ref: ConversationRef, message: OutboundMessage) {
    this.onDisk.push(this.disk());
    this.calls.push(message.text);
    if (this.dies) return new Promise<never>(() => {});
    return { providerMessageId: `p${this.calls.length}` };
  }
}

const dirs: string[] = [];
const stores: SqliteStore[] = [];
const disks: Database.Database[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  disks.splice(0).forEach((d) => d.close());
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-first-attempt-'));
  dirs.push(dir);
  return dir;
}

/** One process over the database in `dir`: a real Engine whose bot replies to every message. */
async function boot(dir: string, opts: { dies: boolean; inFlightAfterCrash?: 'resend' | 'hold' }) {
  const store = SqliteStore.open(join(dir, 'parley.db'));
  stores.push(store);
  const disk = new Database(join(dir, 'parley.db'), { readonly: true });
  disks.push(disk);
  const row = () => {
    const r = disk.prepare("SELECT status, json_extract(doc, '$.attempts') AS attempts FROM messages WHERE direction = 'out'").get() as { status: string; attempts: number } | undefined;
    return r ?? { status: 'none', attempts: -1 };
  };
  const provider = new Provider({ ...CAPS, ...(opts.inFlightAfterCrash ? { inFlightAfterCrash: opts.inFlightAfterCrash } : {}) }, opts.dies, row);
  const warnings: { msg: string; obj: Record<string, unknown> }[] = [];
  const log: Logger = { ...silentLogger, warn: (obj, msg) => void warnings.push({ msg: msg ?? '', obj: obj as Record<string, unknown> }), child: () => log };
  const engine = bareEngine({
    store,
    adapters: new Map([['webchat', provider]]),
    log,
    backoff: { maxAttempts: MAX_ATTEMPTS, baseMs: 1, maxMs: 1 },
    middleware: [async (ctx) => ctx.reply(`you said ${ctx.message.text}`)],
  });
  const started = await engine.start();
  const reply = async () => (await store.listUnsentOutbound())[0] ?? (await outboundRows(store))[0];
  return { engine, store, provider, warnings, started, reply };
}

async function outboundRows(store: SqliteStore): Promise<Message[]> {
  const [conversation] = await store.listConversations({ channel: 'webchat' });
  return conversation ? (await store.listMessages(conversation.id)).filter((m) => m.direction === 'out') : [];
}

/** The candidate writes; resolves once the reply reached the provider (which may never answer). */
async function say(p: Awaited<ReturnType<typeof boot>>, text: string) {
  const before = p.provider.calls.length;
  await p.engine.receive({ ref: { channel: 'webchat', externalId: 'cand-1' }, providerMessageId: `in-${text}`, sender: { id: 'cand-1' }, kind: 'text', text, receivedAt: new Date() });
  await waitFor(() => p.provider.calls.length > before);
}

async function waitFor(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setImmediate(resolve));
}

const inFlightWarnings = (p: Awaited<ReturnType<typeof boot>>) => p.warnings.filter((w) => w.msg === 'message was in flight at a crash');

describe("a reply's first attempt reserved in the turn's commit (channel resends after a crash)", () => {
  it('goes out with no `sending` commit: the row is `queued` with its attempt counted during the call, then `sent` with 1 attempt', async () => {
    const dir = dataDir();
    const live = await boot(dir, { dies: false });
    await say(live, 'hi');
    await live.engine.idle();
    expect(live.provider.onDisk).toEqual([{ status: 'queued', attempts: 1 }]);
    expect(await outboundRows(live.store)).toMatchObject([{ status: 'sent', attempts: 1 }]);
    expect(inFlightWarnings(live)).toEqual([]);
  });

  it('a process that dies in the first call: the next start re-sends it once, counts the attempt and warns it was in flight', async () => {
    const dir = dataDir();
    const doomed = await boot(dir, { dies: true });
    await say(doomed, 'hi');
    // What the dead process left: the row as the turn's commit wrote it.
    expect(await doomed.reply()).toMatchObject({ status: 'queued', attempts: 1 });

    const revived = await boot(dir, { dies: false });
    expect(revived.started.outbound).toBe(1);
    await revived.engine.idle();
    expect(revived.provider.calls).toEqual(['you said hi']);
    // The resend is attempt 2, and committed `sending` before its call like any retry.
    expect(revived.provider.onDisk).toEqual([{ status: 'sending', attempts: 2 }]);
    expect(await outboundRows(revived.store)).toMatchObject([{ status: 'sent', attempts: 2 }]);
    expect(inFlightWarnings(revived)).toHaveLength(1);
    expect(inFlightWarnings(revived)[0]?.obj).toMatchObject({ attempts: 1, choice: 'resend', reserved: true });
  });

  it('a send that kills the process every time is given up once its attempts are spent, not resent forever', async () => {
    const dir = dataDir();
    const first = await boot(dir, { dies: true });
    await say(first, 'hi');
    // Each restart resends once and dies again; every attempt is counted before its call.
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      const again = await boot(dir, { dies: true });
      await waitFor(() => again.provider.calls.length === 1);
      expect(again.provider.onDisk).toEqual([{ status: 'sending', attempts: attempt }]);
    }
    const last = await boot(dir, { dies: true });
    await last.engine.idle();
    expect(last.provider.calls).toEqual([]);
    const [row] = await outboundRows(last.store);
    expect(row).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    expect(row?.error).toMatch(/delivery unknown/);
  });
});

describe("a channel that holds what was in flight at a crash: no reservation", () => {
  it('commits `sending` before the first call, and a process that dies in it leaves the row held (failed), not resent', async () => {
    const dir = dataDir();
    const doomed = await boot(dir, { dies: true, inFlightAfterCrash: 'hold' });
    await say(doomed, 'hi');
    expect(doomed.provider.onDisk).toEqual([{ status: 'sending', attempts: 1 }]);

    const revived = await boot(dir, { dies: false, inFlightAfterCrash: 'hold' });
    await revived.engine.idle();
    expect(revived.provider.calls).toEqual([]);
    const [row] = await outboundRows(revived.store);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row?.error).toMatch(/delivery unknown/);
  });
});

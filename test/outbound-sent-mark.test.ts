/**
 * Issue 13: where a reply's `sent` mark is committed. A provider acknowledges each send in a
 * response of its own (an I/O callback, here a `setImmediate`): the mark rides the group commit of
 * the event-loop pass the acknowledgement arrived in, shared with the pass's other
 * acknowledgements, and the conversation's next reply goes out without waiting for that commit. A
 * send acknowledged in process (web chat's socket write, `acknowledgedInProcess`) is committed
 * `soon`, before anything else runs. Either way `engine.idle()` means every mark is on disk.
 * A real Engine, dispatcher and SQLite file; what is "on disk" is read through a second connection
 * (committed data only).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConversationRef, OutboundMessage } from '../core/domain/index.js';
import type { ChannelAdapter, ChannelCapabilities } from '../core/ports/index.js';
import { SqliteStore } from '../core/store/embedded/sqlite-store.js';
import { bareEngine } from './support/bare-engine.js';
import { countStatements } from './support/statement-log.js';

const CAPS: ChannelCapabilities = { maxTextLength: 4096, buttons: false, maxButtons: 0, lists: false, maxListItems: 0, templates: false, voice: false, typing: false, maxSendsPerSecond: Infinity };

type Row = { text: string; status: string };

/** A provider that answers each send in an I/O callback of its own, or once `release()` is called. */
class Provider implements ChannelAdapter {
  readonly id = 'whatsapp' as const;
  /** Each call: its text, and every outbound row as committed when the call was made. */
  readonly calls: { text: string; onDisk: Row[] }[] = [];
  private held: (() => void)[] | undefined;
  constructor(
    readonly capabilities: ChannelCapabilities,
    private readonly disk: () => Row[],
  ) {}
  /** Hold the acknowledgements until `release()`. */
  hold(): void {
    this.held = [];
  }
  /** Each held acknowledgement in a `setImmediate` of its own: separate responses, one pass. */
  release(): void {
    for (const ack of this.held ?? []) setImmediate(ack);
    this.held = undefined;
  }
  async send(_ref: ConversationRef, message: OutboundMessage) {
    this.calls.push({ text: message.text, onDisk: this.disk() });
    const held = this.held;
    await new Promise<void>((resolve) => (held ? held.push(resolve) : setImmediate(resolve)));
    return { providerMessageId: `p${this.calls.length}` };
  }
}

const dirs: string[] = [];
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** One process: a real Engine whose bot answers every message with `replies`. */
async function boot(opts: { replies: string[]; acknowledgedInProcess?: boolean }) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-sent-mark-'));
  dirs.push(dir);
  const file = join(dir, 'parley.db');
  const store = SqliteStore.open(file);
  closers.push(() => store.close());
  const disk = new Database(file, { readonly: true });
  closers.push(() => disk.close());
  const rows = () => disk.prepare("SELECT json_extract(doc, '$.text') AS text, status FROM messages WHERE direction = 'out' ORDER BY seq").all() as Row[];
  const provider = new Provider({ ...CAPS, ...(opts.acknowledgedInProcess ? { acknowledgedInProcess: true } : {}) }, rows);
  const engine = bareEngine({
    store,
    adapters: new Map([['whatsapp', provider]]),
    middleware: [async (ctx) => opts.replies.forEach((text) => ctx.reply(`${text} ${ctx.message.text}`))],
  });
  await engine.start();
  const say = (who: string, text: string) =>
    engine.receive({ ref: { channel: 'whatsapp', externalId: who }, providerMessageId: `in-${who}-${text}`, sender: { id: who }, kind: 'text', text, receivedAt: new Date() });
  return { engine, provider, rows, say, file };
}

describe("a reply's sent mark", () => {
  it("acknowledged by a provider: the conversation's next reply goes out before the mark is committed, and idle() waits for every mark", async () => {
    const p = await boot({ replies: ['first', 'second'] });
    await p.say('ana', 'hi');
    await p.engine.idle();
    expect(p.provider.calls.map((c) => c.text)).toEqual(['first hi', 'second hi']);
    // The second call did not wait for the first reply's mark: still as the turn's commit left it.
    expect(p.provider.calls[1]?.onDisk).toEqual([
      { text: 'first hi', status: 'queued' },
      { text: 'second hi', status: 'queued' },
    ]);
    // idle(): both marks on disk.
    expect(p.rows()).toEqual([
      { text: 'first hi', status: 'sent' },
      { text: 'second hi', status: 'sent' },
    ]);
  });

  it('acknowledged by a provider: the acknowledgements that arrive in one pass share one COMMIT', async () => {
    const p = await boot({ replies: ['hello'] });
    p.provider.hold();
    await Promise.all([p.say('ana', 'hi'), p.say('bruno', 'hi')]);
    while (p.provider.calls.length < 2) await new Promise((resolve) => setImmediate(resolve));
    const statements = countStatements({ file: p.file });
    try {
      p.provider.release();
      await p.engine.idle();
      // One transaction for both marks (each alone: two BEGINs and two COMMITs).
      expect(statements.take().filter((s) => s === 'COMMIT')).toHaveLength(1);
    } finally {
      statements.restore();
    }
    expect(p.rows().map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it('acknowledged in process (web chat): committed before the next reply goes out', async () => {
    const p = await boot({ replies: ['first', 'second'], acknowledgedInProcess: true });
    await p.say('ana', 'hi');
    await p.engine.idle();
    expect(p.provider.calls[1]?.onDisk).toEqual([
      { text: 'first hi', status: 'sent' },
      { text: 'second hi', status: 'queued' },
    ]);
    expect(p.rows().map((r) => r.status)).toEqual(['sent', 'sent']);
  });
});

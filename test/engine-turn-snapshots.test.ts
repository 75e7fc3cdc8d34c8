/**
 * A turn loads its conversation, candidate and message once: from what `receive()` stored, not
 * read back from the store when the turn starts. A burst of one candidate's messages (received
 * before the first turn commits) still runs each turn once, on the state the turn before left.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import type { Middleware } from '../core/engine/index.js';
import type { Store } from '../core/ports/index.js';
import type { SqliteStore } from '../core/store/embedded/sqlite-store.js';
import { TestAdapter } from './support/test-adapter.js';

let flow: TestAdapter | undefined;
afterEach(async () => {
  await flow?.close();
  flow = undefined;
});

/** The store, counting `getMessage` calls per id (only a turn reads an inbound message by id). */
function countingMessageReads(reads: Map<string, number>) {
  return (raw: SqliteStore): Store =>
    new Proxy(raw, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== 'getMessage' || typeof value !== 'function') return value;
        return (id: string) => {
          reads.set(id, (reads.get(id) ?? 0) + 1);
          return (value as (id: string) => unknown).call(target, id);
        };
      },
    });
}

describe('turn snapshots', () => {
  it("a turn does not read back what receive() stored, and a burst runs each turn once on the previous turn's state", async () => {
    const reads = new Map<string, number>();
    let runs = 0;
    const counting: Middleware = async (_ctx, next) => {
      runs++;
      await next();
    };
    flow = await TestAdapter.start({ wrapStore: countingMessageReads(reads), middleware: (chain) => [counting, ...chain] });
    const engine = flow.engine;
    // Received back to back: the later turns wait in the queue while the first one runs.
    const ids: string[] = [];
    for (const [i, text] of ['hi', 'yes', 'Ana Lima'].entries()) {
      ids.push((await engine.receive({ ref: { channel: 'webchat', externalId: flow.externalId }, providerMessageId: `burst-${i}`, sender: { id: flow.externalId }, kind: 'text', text, receivedAt: new Date() })).messageId);
    }
    await engine.idle();
    expect(flow.texts()).toEqual([expect.stringMatching(/recruiting assistant for Acme/), expect.stringMatching(/agree to continue/), expect.stringMatching(/What is your name\?/), expect.stringMatching(/Ana/)]);
    // Each turn ran once: none lost a version check to the turn before it and ran again.
    expect(runs).toBe(3);
    // The first turn started from what receive() stored (the later ones re-read when the turn before committed meanwhile).
    expect(reads.get(ids[0]!) ?? 0).toBe(0);
    expect(ids.slice(1).map((id) => reads.get(id) ?? 0).every((n) => n <= 1)).toBe(true);
  });
});

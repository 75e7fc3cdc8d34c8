import { errorMessage, newId } from '../domain/index.js';
import type { Clock, Store } from '../ports/index.js';
import { backoffDelay } from './backoff.js';
import type { Effect } from './effects.js';
import type { TurnErrorSink } from './turn-errors.js';

/** An after-commit effect the outbox can run again (sends have their own durable rows). */
export type RetriableEffect = Extract<Effect, { type: 'schedule' | 'cancelSchedule' | 'notifyOperators' }> & { conversationId: string };

interface OutboxEntry {
  effect: RetriableEffect;
  attempts: number;
  dueAt: string;
  lastError: string;
}

/** The store namespace (a small table in both stores) that holds the entries. */
export const OUTBOX_NAMESPACE = 'effect-outbox';
/** Between attempts: 5 s doubling to an hour; an entry is never dropped. */
const POLICY = { maxAttempts: Infinity, baseMs: 5_000, maxMs: 3_600_000 };

/**
 * A durable outbox for effects that failed after their turn committed (a `schedule` the
 * scheduler refused, an operator notice the console could not store). The turn's state is
 * already committed, so the effect must still happen: it is written here, drained on start and
 * periodically, and deleted once it succeeds. Effects are idempotent (a job key replaces, a
 * cancel of a missing key is a no-op), so running one twice is harmless.
 *
 * @example
 * await outbox.add({ type: 'schedule', job, conversationId }, err); // kept, retried later
 * await outbox.drain(); // runs what is due
 */
export class EffectOutbox {
  private draining: Promise<number> | undefined;

  constructor(private readonly deps: { store: Store; clock: Clock; errors: TurnErrorSink; run: (effect: RetriableEffect) => Promise<void>; random?: () => number }) {}

  /** Keep an effect that failed, to be retried. */
  async add(effect: RetriableEffect, err: unknown): Promise<void> {
    const entry: OutboxEntry = { effect, attempts: 1, dueAt: this.later(1).toISOString(), lastError: errorMessage(err) };
    try {
      await this.deps.store.kvSet(OUTBOX_NAMESPACE, newId('obx'), entry);
      this.deps.errors.report({ source: 'effect', err, conversationId: effect.conversationId, what: effect.type, outcome: 'retried' });
    } catch (storeErr) {
      this.deps.errors.report({ source: 'effect', err: storeErr, conversationId: effect.conversationId, what: `${effect.type} (outbox write failed after: ${errorMessage(err)})`, outcome: 'dropped' });
    }
  }

  /** Entries waiting. */
  async size(): Promise<number> {
    return (await this.deps.store.kvList(OUTBOX_NAMESPACE)).length;
  }

  /**
   * Run every entry that is due (all of them with `{ all: true }`); one drain at a time.
   * Resolves with how many succeeded.
   */
  drain(opts: { all?: boolean } = {}): Promise<number> {
    this.draining ??= this.drainOnce(opts.all ?? false).finally(() => (this.draining = undefined));
    return this.draining;
  }

  /** Resolves when a drain in progress (if any) has finished: shutdown waits for it. */
  async settled(): Promise<void> {
    await this.draining;
  }

  private async drainOnce(all: boolean): Promise<number> {
    let done = 0;
    let entries: { key: string; value: unknown }[];
    try {
      entries = await this.deps.store.kvList(OUTBOX_NAMESPACE);
    } catch (err) {
      this.deps.errors.report({ source: 'outbox', err, what: 'list', outcome: 'retried' });
      return 0;
    }
    const now = this.deps.clock.now();
    for (const { key, value } of entries) {
      const entry = revive(value as OutboxEntry);
      if (!all && new Date(entry.dueAt) > now) continue;
      try {
        await this.deps.run(entry.effect);
        await this.deps.store.kvDelete(OUTBOX_NAMESPACE, key);
        done++;
      } catch (err) {
        const attempts = entry.attempts + 1;
        this.deps.errors.report({ source: 'outbox', err, conversationId: entry.effect.conversationId, what: entry.effect.type, outcome: 'retried' });
        await this.deps.store.kvSet(OUTBOX_NAMESPACE, key, { ...entry, attempts, dueAt: this.later(attempts).toISOString(), lastError: errorMessage(err) }).catch(() => undefined);
      }
    }
    return done;
  }

  private later(attempts: number): Date {
    return new Date(this.deps.clock.now().getTime() + backoffDelay(attempts, POLICY, (this.deps.random ?? Math.random)()));
  }
}

/** JSON turns the job's run time into a string; give it back its Date. */
function revive(entry: OutboxEntry): OutboxEntry {
  if (entry.effect.type !== 'schedule') return entry;
  return { ...entry, effect: { ...entry.effect, job: { ...entry.effect.job, runAt: new Date(entry.effect.job.runAt) } } };
}

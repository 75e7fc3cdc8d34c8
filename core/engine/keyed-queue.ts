import { ShuttingDownError } from '../domain/index.js';
import type { KeyedQueue } from '../ports/index.js';
import type { Logger } from '../ports/logger.js';
import { silentLogger } from '../ports/logger.js';

/**
 * In-process keyed queue: serial per key, parallel across keys, with a cap on jobs running at
 * once. Not durable by itself: the store is (pending rows are re-driven on start).
 *
 * @example
 * const q = new InProcessKeyedQueue<{ id: string }>({ concurrency: 32 });
 * q.process(async ({ id }) => handle(id));
 * await q.add('conv_1', { id: 'msg_1' });
 */
export class InProcessKeyedQueue<T> implements KeyedQueue<T> {
  private handler: ((payload: T, key: string) => Promise<void>) | undefined;
  private readonly lanes = new Map<string, T[]>();
  private readonly ready: string[] = [];
  private running = 0;
  private waiting = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly onError: (err: unknown, detail: { what: string }) => void;

  /** `onError`: where a job's uncaught error goes (the engine's `TurnErrorSink`); logged by default. */
  constructor(opts: { concurrency?: number; log?: Logger; onError?: (err: unknown, detail: { what: string }) => void } = {}) {
    this.concurrency = opts.concurrency ?? 64;
    const log = opts.log ?? silentLogger;
    this.onError = opts.onError ?? ((err, detail) => log.error({ err, ...detail }, 'queued job failed'));
  }

  process(handler: (payload: T, key: string) => Promise<void>): void {
    this.handler = handler;
    this.pump();
  }

  async add(key: string, payload: T): Promise<void> {
    if (this.closed) throw new ShuttingDownError();
    this.waiting++;
    const lane = this.lanes.get(key);
    if (lane) {
      lane.push(payload);
      return;
    }
    this.lanes.set(key, [payload]);
    this.ready.push(key);
    this.pump();
  }

  depth(): number {
    return this.waiting + this.running;
  }

  drain(): Promise<void> {
    if (this.depth() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  private pump(): void {
    const handler = this.handler;
    if (!handler) return;
    while (this.running < this.concurrency && this.ready.length > 0) {
      const key = this.ready.shift() as string;
      const lane = this.lanes.get(key);
      const payload = lane?.shift();
      if (payload === undefined) continue;
      this.waiting--;
      this.running++;
      void this.run(handler, key, payload);
    }
  }

  private async run(handler: (payload: T, key: string) => Promise<void>, key: string, payload: T): Promise<void> {
    try {
      await handler(payload, key);
    } catch (err) {
      // Handlers own their errors; this is the last line so one bad job never wedges a lane.
      this.onError(err, { what: `job on ${key}` });
    } finally {
      this.running--;
      const lane = this.lanes.get(key);
      if (lane && lane.length > 0) this.ready.push(key);
      else this.lanes.delete(key);
      this.pump();
      if (this.depth() === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  }
}

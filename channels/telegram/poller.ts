import type { Api } from 'grammy';
import { errorMessage } from '../../core/domain/index.js';
import { retry } from '../../core/engine/index.js';
import type { Logger } from '../../core/ports/index.js';
import { TELEGRAM_ALLOWED_UPDATES } from './definition.js';
import { toTelegramError } from './errors.js';

export interface PollerOptions {
  api: Api;
  /** Persist one update; throws only when it could not be stored (it is then retried). */
  handle: (update: unknown) => Promise<void>;
  log: Logger;
  /** Long-poll timeout Telegram holds a `getUpdates` call open for. */
  timeoutSec: number;
}

const POLICY = { maxAttempts: Infinity, baseMs: 1_000, maxMs: 30_000 };

/**
 * Long polling for machines Telegram cannot reach (no public URL). Unlike `bot.start()`, the
 * offset moves past an update only once it is stored, so a store hiccup delays an update
 * instead of losing it. Stopping confirms the offset so Telegram does not resend handled updates.
 *
 * @example
 * const poller = new TelegramPoller({ api, handle, log, timeoutSec: 30 });
 * poller.start(); ... await poller.stop();
 */
export class TelegramPoller {
  private running = false;
  private abort = new AbortController();
  private loopDone: Promise<void> = Promise.resolve();
  private offset: number | undefined;
  constructor(private readonly opts: PollerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    this.loopDone = this.loop().catch((err: unknown) => this.opts.log.error({ err: errorMessage(err) }, 'telegram: polling stopped'));
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.abort.abort();
    await this.loopDone;
    if (this.offset !== undefined) {
      await this.opts.api.getUpdates({ offset: this.offset, limit: 1, timeout: 0 }).catch(() => undefined);
    }
  }

  private async loop(): Promise<void> {
    await this.retrying('deleteWebhook', () => this.opts.api.deleteWebhook({ drop_pending_updates: false }, this.signal()));
    this.opts.log.info('telegram: long polling started');
    while (this.running) {
      const batch = await this.retrying('getUpdates', () =>
        this.opts.api.getUpdates({ ...(this.offset !== undefined ? { offset: this.offset } : {}), timeout: this.opts.timeoutSec, allowed_updates: [...TELEGRAM_ALLOWED_UPDATES] }, this.signal()),
      );
      for (const update of batch?.value ?? []) {
        if (!(await this.retrying('store update', () => this.opts.handle(update)))) return;
        this.offset = update.update_id + 1;
      }
    }
  }

  /** Run until it works (`{ value }`) or polling stops (undefined). 401 (bad token) is fatal. */
  private async retrying<T>(what: string, work: () => Promise<T>): Promise<{ value: T } | undefined> {
    if (!this.running) return undefined;
    try {
      return {
        value: await retry(() => work().catch((err: unknown) => Promise.reject(toTelegramError(err))), {
          policy: POLICY,
          retryable: (e) => (e as ReturnType<typeof toTelegramError>).status !== 401,
          active: () => this.running,
          sleep: (ms) => this.pause(ms),
          onRetry: ({ attempt, delayMs, err }) => this.opts.log.warn({ what, attempt, delay: delayMs, err: errorMessage(err) }, 'telegram: polling call failed, retrying'),
        }),
      };
    } catch (err) {
      if (!this.running) return undefined;
      throw err;
    }
  }

  /** grammY types signals with the `abort-controller` polyfill's class; Node's native one is what it gets at run time. */
  private signal(): Parameters<Api['getUpdates']>[1] {
    return this.abort.signal as unknown as Parameters<Api['getUpdates']>[1];
  }

  /** A backoff pause that ends early when polling stops. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const signal = this.abort.signal;
      signal.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
    });
  }
}

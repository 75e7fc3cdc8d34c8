import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { TEAMS_MESSAGES_PATH } from '../channels/teams/definition.js';
import type { Pressure } from '../core/engine/index.js';

/**
 * Where providers deliver webhooks: every channel's under `/webhooks` (Telegram, WhatsApp Cloud,
 * Twilio and its status callbacks, Mailgun) and Teams' messaging endpoint. Not web chat (sockets,
 * uploads), not the console.
 */
export const WEBHOOK_PATHS = ['/webhooks', TEAMS_MESSAGES_PATH];

/**
 * A burst: `webhooks` webhooks arriving within `withinMs` (8 in 20 ms: 400/s); the signal stays
 * raised until no webhook has arrived for `holdMs`. "Requests in flight" is no signal here: a
 * webhook is handled in one pass of the event loop (its body arrives with its headers, the store
 * is synchronous), so it drops to zero between the requests of a burst while the next ones wait,
 * unread, in the socket buffers. The hold is short so that a closed loop (chats that write again
 * only once answered: the bench's 50 Telegram chats) is released as soon as its held turns stop
 * the traffic; a burst from providers keeps coming and keeps it raised.
 */
export const INGRESS_BURST = { webhooks: 16, withinMs: 20, holdMs: 20 } as const;

/** A timer: calls `fn` after `ms`, returns the cancel. */
export type Schedule = (fn: () => void, ms: number) => () => void;

const unrefTimer: Schedule = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * Webhook bursts, as a `Pressure` signal for the in-process turn queue (issue 13: accepting runs
 * ahead of processing). A provider's webhook is answered once its message is stored; the turn it
 * brings may start later (the row is durable, `recover` re-drives it after a crash). While a burst
 * (`INGRESS_BURST`) lasts, the turn queue holds turns back (within its own bounds, so a long burst
 * never starves them) and the burst is answered at the accept path's speed instead of sharing the
 * event loop with ~3 ms turns. Light traffic raises nothing: its turns start as before.
 *
 * @example
 * const ingress = new IngressPressure();
 * app.use(WEBHOOK_PATHS, ingress.middleware);
 * new InProcessKeyedQueue({ pressure: { signal: ingress } });
 */
export class IngressPressure implements Pressure {
  private burst = false;
  /** The last `webhooks - 1` arrivals (`now()`), a ring; -Infinity before them. */
  private readonly arrivals: number[];
  private next = 0;
  private lastArrival = -Infinity;
  private readonly listeners = new Set<() => void>();
  private readonly withinMs: number;
  private readonly holdMs: number;
  private readonly now: () => number;
  private readonly schedule: Schedule;
  private readonly afterIo: (fn: () => void) => void;

  /** `now`, `schedule` and `afterIo`: tests inject a clock, a timer and an I/O pass they run by hand. */
  constructor(opts: { webhooks?: number; withinMs?: number; holdMs?: number; now?: () => number; schedule?: Schedule; afterIo?: (fn: () => void) => void } = {}) {
    // The arrivals before the current one: a burst's first is `webhooks - 1` back.
    this.arrivals = new Array<number>(Math.max(1, (opts.webhooks ?? INGRESS_BURST.webhooks) - 1)).fill(-Infinity);
    this.withinMs = opts.withinMs ?? INGRESS_BURST.withinMs;
    this.holdMs = opts.holdMs ?? INGRESS_BURST.holdMs;
    this.now = opts.now ?? (() => performance.now());
    this.schedule = opts.schedule ?? unrefTimer;
    this.afterIo = opts.afterIo ?? setImmediate;
  }

  /** Notes each webhook as it arrives (before its body is read). */
  readonly middleware: RequestHandler = (_req: Request, _res: Response, next: NextFunction) => {
    this.arrived();
    next();
  };

  get raised(): boolean {
    return this.burst;
  }

  onRelease(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A webhook arrived. */
  arrived(): void {
    const now = this.now();
    // The ring's oldest arrival, `webhooks - 1` ago: within the window, `webhooks` came within it.
    const nth = this.arrivals[this.next] as number;
    this.arrivals[this.next] = now;
    this.next = (this.next + 1) % this.arrivals.length;
    this.lastArrival = now;
    if (this.burst || now - nth >= this.withinMs) return;
    this.burst = true;
    this.holdUntil(now + this.holdMs);
  }

  /** One timer per burst, pushed back while webhooks keep arriving (no timer per webhook). */
  private holdUntil(at: number): void {
    this.schedule(() => {
      const end = this.lastArrival + this.holdMs;
      if (this.now() < end) return this.holdUntil(end);
      // Timers run before the event loop reads its sockets: after a pause (a busy machine takes
      // the CPU away for tens of ms) the burst's next webhooks are waiting there. Decide after
      // that read, so a pause is not taken for the end of the burst.
      const seen = this.lastArrival;
      this.afterIo(() => {
        if (this.lastArrival !== seen) return this.holdUntil(this.lastArrival + this.holdMs);
        this.burst = false;
        for (const listener of this.listeners) listener();
      });
    }, Math.max(0, at - this.now()));
  }
}

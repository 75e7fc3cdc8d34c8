import { errorMessage } from '../domain/index.js';
import type { Logger } from '../ports/logger.js';
import { silentLogger } from '../ports/logger.js';

/** Where a failure happened. Every path that can fail outside a caller's `await` reports here. */
export type TurnErrorSource = 'turn' | 'queue' | 'event-bus' | 'effect' | 'staff-command' | 'adapter-persist' | 'outbox';

export interface TurnErrorReport {
  source: TurnErrorSource;
  err: unknown;
  conversationId?: string;
  messageId?: string;
  /** What was being done, for the log line (an effect type, a command, an event type). */
  what?: string;
  /** What happens next: the work is retried, the user was told, or it is given up. */
  outcome?: 'retried' | 'told-user' | 'recorded' | 'dropped';
}

/**
 * The one error sink (grammY's `bot.catch`, botbuilder's `onTurnError`): the turn queue, the
 * event bus, after-commit effects, staff commands and adapter persistence failures all report
 * here, so each failure is logged once, in one shape, and observers (metrics, tests) see them
 * all. Reporting is not handling: each caller still makes sure the work is retried or the user
 * is told, and says which in `outcome`.
 *
 * @example
 * const errors = new TurnErrorSink(log);
 * errors.subscribe((r) => metrics.turnError(r.source));
 * errors.report({ source: 'effect', err, conversationId, what: 'schedule', outcome: 'retried' });
 */
export class TurnErrorSink {
  private readonly observers = new Set<(report: TurnErrorReport) => void>();

  constructor(private readonly log: Logger = silentLogger) {}

  report(report: TurnErrorReport): void {
    const { err, ...rest } = report;
    this.log.error({ err, ...rest, error: errorMessage(err) }, `${report.source} failed${report.what ? ` (${report.what})` : ''}`);
    for (const observer of this.observers) {
      try {
        observer(report);
      } catch (e) {
        this.log.error({ err: e }, 'turn error observer failed');
      }
    }
  }

  /** A callback that reports under one source (for queues and buses that take `onError`). */
  for(source: TurnErrorSource): (err: unknown, detail?: Omit<TurnErrorReport, 'source' | 'err'>) => void {
    return (err, detail) => this.report({ ...detail, source, err });
  }

  /** Observe every report; returns an unsubscribe function. */
  subscribe(observer: (report: TurnErrorReport) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }
}

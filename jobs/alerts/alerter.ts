import { errorMessage } from '../../core/domain/index.js';
import type { Clock, Logger, Store } from '../../core/ports/index.js';
import { admitAlert, alertLine, type Alert, type RateLimit } from '../policy/index.js';
import type { JobServices } from '../runtime/deps.js';
import type { SlackWebhook } from './slack.js';

const DEDUPE_NAMESPACE = 'jobs.alerts';

export interface AlerterDeps {
  store: Pick<Store, 'kvGet' | 'kvSet'>;
  clock: Clock;
  log: Logger;
  services: JobServices;
  slack: SlackWebhook | undefined;
  /** Rate limit for the chat destinations (HR chats and Slack together). */
  limit: RateLimit;
}

export interface AlerterStats {
  raised: number;
  duplicates: number;
  /** Held back by the rate limit (still in the console). */
  rateLimited: number;
  deliveryFailures: number;
}

/**
 * Fans an alert out to the operator console, the HR chats that opted in and Slack. Each alert
 * has a dedupe key (candidate + risk episode, or the human request): a key seen before is
 * dropped, so a sweep that runs twice alerts once. The console always gets it; the chat
 * destinations are rate-limited, and the next alert that passes says how many were held back.
 *
 * @example
 * await alerter.raise(alert, `at-risk:${candidateId}:${episodeStartedAt}`);
 */
export class Alerter {
  private recent: number[] = [];
  private held = 0;
  readonly stats: AlerterStats = { raised: 0, duplicates: 0, rateLimited: 0, deliveryFailures: 0 };

  constructor(private readonly deps: AlerterDeps) {}

  /** True when the alert went out (false: a duplicate). */
  async raise(alert: Alert, dedupeKey: string): Promise<boolean> {
    const { store, clock, services } = this.deps;
    if (await store.kvGet(DEDUPE_NAMESPACE, dedupeKey)) {
      this.stats.duplicates++;
      return false;
    }
    const now = clock.now();
    await store.kvSet(DEDUPE_NAMESPACE, dedupeKey, { at: now.toISOString(), candidateId: alert.candidateId });
    this.stats.raised++;
    // Needs-human: the console already notifies from the HumanRequested event in its own words.
    if (alert.kind === 'at-risk') await this.deliver('console', () => services.notifyOperators?.({ conversationId: alert.conversationId, kind: alert.kind, title: alert.title, body: alert.body }));
    const admitted = admitAlert(this.recent, now.getTime(), this.deps.limit);
    this.recent = admitted.recent;
    if (!admitted.admitted) {
      this.held++;
      this.stats.rateLimited++;
      this.deps.log.warn({ kind: alert.kind, candidateId: alert.candidateId }, 'alerts: rate limit reached, alert kept to the console');
      return true;
    }
    const held = this.held ? `\n(${this.held} more alert${this.held === 1 ? ' was' : 's were'} held back by the rate limit: see the console)` : '';
    this.held = 0;
    const text = alertLine(alert, undefined) + held;
    await Promise.all([this.deliver('hr chats', () => services.hrBroadcast?.(text, 'alert', { conversationId: alert.conversationId, candidateId: alert.candidateId })), this.deliver('slack', () => this.deps.slack?.post(text))]);
    return true;
  }

  private async deliver(destination: string, send: () => Promise<void> | undefined): Promise<void> {
    try {
      await send();
    } catch (err) {
      this.stats.deliveryFailures++;
      this.deps.log.error({ destination, err: errorMessage(err) }, 'alerts: delivery failed');
    }
  }
}

import { ProviderError } from '../../core/domain/index.js';
import { parseRetryAfter, retry, type BackoffPolicy } from '../../core/engine/index.js';
import type { Logger } from '../../core/ports/index.js';

export interface SlackWebhookOptions {
  /** The incoming webhook URL (https://hooks.slack.com/services/...). */
  url: string;
  log: Logger;
  backoff?: BackoffPolicy;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Posts messages to a Slack incoming webhook. 429 and 5xx (and network errors) are retried with
 * exponential backoff, honouring `Retry-After`; other 4xx (a revoked or mistyped webhook) are
 * permanent and thrown at once.
 *
 * @example
 * await new SlackWebhook({ url: process.env.SLACK_WEBHOOK_URL, log }).post('Candidate at risk: Ana');
 */
export class SlackWebhook {
  private readonly backoff: BackoffPolicy;

  constructor(private readonly opts: SlackWebhookOptions) {
    this.backoff = opts.backoff ?? { maxAttempts: 5, baseMs: 1000, maxMs: 30_000 };
  }

  async post(text: string): Promise<void> {
    await retry(() => this.postOnce(text), {
      policy: this.backoff,
      retryable: (err) => err instanceof ProviderError && !err.permanent,
      sleep: this.opts.sleep ?? realSleep,
      random: this.opts.random ?? Math.random,
      onRetry: ({ attempt, delayMs, err }) => this.opts.log.warn({ attempt, status: (err as ProviderError).status, delayMs }, 'slack: webhook failed, retrying'),
    });
  }

  private async postOnce(text: string): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.opts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
    } catch (cause) {
      throw new ProviderError('slack', 'webhook unreachable', { cause });
    }
    const body = await res.text().catch(() => '');
    if (res.ok) return;
    const retryAfter = parseRetryAfter(res.headers, Date.now());
    throw new ProviderError('slack', `webhook answered ${res.status} ${body.slice(0, 200)}`.trim(), {
      status: res.status,
      ...(retryAfter ? { retryAfterMs: retryAfter } : {}),
    });
  }
}

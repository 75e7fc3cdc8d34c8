import type { Logger } from '../../core/ports/index.js';

/**
 * Per-operator grace timers: an operator who drops offline keeps their conversations for the
 * grace period; when it runs out, `expire` releases them. Reconnecting cancels the timer.
 */
export class GraceTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly graceMs: number,
    private readonly expire: (operatorId: string) => Promise<void>,
    private readonly log: Logger,
  ) {}

  start(operatorId: string): void {
    if (this.timers.has(operatorId)) return;
    const timer = setTimeout(() => {
      this.timers.delete(operatorId);
      this.expire(operatorId).catch((err: unknown) => this.log.error({ err, operatorId }, 'console: releasing an offline operator\'s conversations failed'));
    }, this.graceMs);
    timer.unref();
    this.timers.set(operatorId, timer);
  }

  cancel(operatorId: string): void {
    clearTimeout(this.timers.get(operatorId));
    this.timers.delete(operatorId);
  }

  pending(): string[] {
    return [...this.timers.keys()];
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

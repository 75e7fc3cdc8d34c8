/**
 * Agenda keeps due times on the machine's clock; Parley's logic runs on its `Clock` port, which
 * tests (and simulations) can move. The skew between them is `domain - real`. These decisions
 * keep a job's due time fixed on the domain clock when that clock jumps.
 */

/**
 * How far to move every waiting job (in real milliseconds) when the observed skew has drifted
 * from the one the stored due times were written under; 0 within `toleranceMs` (the system clock
 * never drifts from itself, so in production this is always 0).
 *
 * @example
 * skewShift(0, 3_600_000, 1000) // -3_600_000: the domain clock jumped an hour ahead, jobs come due an hour sooner
 */
export function skewShift(appliedSkewMs: number, observedSkewMs: number, toleranceMs: number): number {
  const drift = observedSkewMs - appliedSkewMs;
  return Math.abs(drift) > toleranceMs ? -drift : 0;
}

export type RunDecision = { run: true } | { run: false; deferTo: Date };

/**
 * Whether a job Agenda handed us is really due on the domain clock. A job can be handed over
 * early when it was moved while a worker already held it; it then goes back to wait.
 *
 * @example
 * decideRun(new Date('2026-01-02T09:00Z'), new Date('2026-01-02T08:59Z')) // { run: false, deferTo: 09:00 }
 */
export function decideRun(dueAt: Date | undefined, now: Date): RunDecision {
  if (!dueAt || dueAt.getTime() <= now.getTime()) return { run: true };
  return { run: false, deferTo: dueAt };
}

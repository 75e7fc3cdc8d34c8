/**
 * Per-candidate debounce of event-triggered risk assessments, in domain time. The first trigger
 * after a quiet window assesses at once (what a single message or nudge always did); the triggers
 * that follow within `windowMs` fold into one assessment at the window's end. A burst of
 * messages costs two assessments, not one per message, and the last one sees the whole burst.
 * Pure bookkeeping: time comes in as an argument.
 *
 * @example
 * const d = new RiskDebounce(30_000);
 * d.admit('cand_1', now); // { now: true }
 * d.admit('cand_1', now); // { now: false, at: now + 30 s } : schedule one assessment then
 * d.admit('cand_1', now); // { now: false } : already waiting
 */
export class RiskDebounce {
  /** Domain time (ms) of each candidate's last triggered assessment. */
  private readonly last = new Map<string, number>();
  /** Candidates with an assessment waiting for the end of their window. */
  private readonly waiting = new Set<string>();

  constructor(private readonly windowMs: number) {}

  /** `now`: assess at once; `at`: schedule one assessment then; neither: one is already waiting. */
  admit(key: string, now: Date): { now: true } | { now: false; at?: Date } {
    const t = now.getTime();
    const last = this.last.get(key);
    if (this.waiting.has(key)) return { now: false };
    if (last === undefined || t - last >= this.windowMs || t < last) {
      this.remember(key, t);
      return { now: true };
    }
    this.waiting.add(key);
    return { now: false, at: new Date(last + this.windowMs) };
  }

  /** The waiting assessment runs now (its window ended, or the sweep got there first). */
  fired(key: string, now: Date): void {
    this.waiting.delete(key);
    this.remember(key, now.getTime());
  }

  private remember(key: string, t: number): void {
    // Bounded: a candidate quiet for a whole window needs no entry (the next trigger assesses at once).
    if (this.last.size >= 10_000) for (const [k, at] of this.last) if (t - at >= this.windowMs && !this.waiting.has(k)) this.last.delete(k);
    this.last.set(key, t);
  }
}

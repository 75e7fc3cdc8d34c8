/**
 * Runs one task per key at a time; calls that arrive while it runs fold into a single re-run
 * afterwards. Two assessments of one candidate never interleave (both could otherwise see "no
 * episode yet" and both alert), and a burst of events costs two assessments, not one per event.
 * In-process only.
 *
 * @example
 * await coalescer.run(candidateId, () => assessCandidate(candidateId));
 */
export class Coalescer {
  private readonly active = new Map<string, { again: boolean; done: Promise<void> }>();

  /** Resolves when a run that started after this call has finished. */
  run(key: string, task: () => Promise<unknown>): Promise<void> {
    const current = this.active.get(key);
    if (current) {
      current.again = true;
      return current.done;
    }
    const entry = { again: false, done: Promise.resolve() };
    entry.done = (async () => {
      try {
        do {
          entry.again = false;
          await task();
        } while (entry.again);
      } finally {
        this.active.delete(key);
      }
    })();
    this.active.set(key, entry);
    return entry.done;
  }
}

/** A job to run at a time. `key` comes from the domain, so scheduling again replaces, not duplicates. */
export interface ScheduledJob {
  name: string;
  key: string;
  runAt: Date;
  data: Record<string, unknown>;
}

/** Time-based work (Agenda in both run modes). */
export interface Scheduler {
  schedule(job: ScheduledJob): Promise<void>;
  cancel(key: string): Promise<void>;
  /** When the job under `key` is next due, if one is waiting (a recurring job's next slot says its last run finished). */
  dueAt?(key: string): Promise<Date | undefined>;
}

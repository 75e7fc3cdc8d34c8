import type { JobRepository } from 'agenda';

/** A repository that can move every waiting job in one statement (the SQLite one can). */
interface BulkShift {
  shiftPending(deltaMs: number): Promise<number>;
}

function hasBulkShift(repo: JobRepository): repo is JobRepository & BulkShift {
  return typeof (repo as Partial<BulkShift>).shiftPending === 'function';
}

/**
 * Move every waiting (scheduled, not held by a worker) job's due time by `deltaMs`, through the
 * repository interface so it works on any Agenda backend.
 *
 * @example
 * await shiftPendingJobs(agenda.db, -3_600_000); // everything comes due an hour sooner
 */
export async function shiftPendingJobs(repo: JobRepository, deltaMs: number): Promise<number> {
  if (hasBulkShift(repo)) return repo.shiftPending(deltaMs);
  const { jobs } = await repo.queryJobs({});
  let moved = 0;
  for (const job of jobs) {
    if (!job.nextRunAt || job.lockedAt) continue;
    const { state: _state, ...params } = job;
    await repo.saveJob({ ...params, nextRunAt: new Date(job.nextRunAt.getTime() + deltaMs) }, undefined);
    moved++;
  }
  return moved;
}

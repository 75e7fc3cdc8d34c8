import type { Migration } from '../../core/store/embedded/index.js';

/**
 * Tables of the `jobs` module in the embedded SQLite file. Append only: never edit a shipped step.
 * Times are epoch milliseconds; `data` is the job's JSON payload.
 */
export const JOBS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'agenda jobs',
    sql: `
      CREATE TABLE agenda_jobs (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        priority INTEGER NOT NULL DEFAULT 0,
        next_run_at INTEGER,
        type TEXT NOT NULL DEFAULT 'normal',
        locked_at INTEGER,
        last_run_at INTEGER,
        last_finished_at INTEGER,
        failed_at INTEGER,
        fail_count INTEGER,
        fail_reason TEXT,
        repeat_interval TEXT,
        repeat_timezone TEXT,
        repeat_at TEXT,
        data TEXT NOT NULL DEFAULT '{}',
        disabled INTEGER NOT NULL DEFAULT 0,
        progress REAL,
        fork INTEGER NOT NULL DEFAULT 0,
        last_modified_by TEXT,
        debounce_started_at INTEGER,
        start_date INTEGER,
        end_date INTEGER,
        skip_days TEXT
      );
      CREATE INDEX agenda_jobs_due ON agenda_jobs(name, next_run_at);
      CREATE UNIQUE INDEX agenda_jobs_single ON agenda_jobs(name) WHERE type = 'single';
      -- Parley schedules every job under a domain key (data.key): upserts and cancels look it up.
      CREATE INDEX agenda_jobs_key ON agenda_jobs(json_extract(data, '$.key'));
    `,
  },
  {
    version: 2,
    name: 'indexes for the poll and the key look-up',
    sql: `
      -- The poll: the next due, unlocked job of a name, in due order (a partial index: the
      -- thousands of waiting nudge jobs are not walked, nor sorted, every few seconds).
      CREATE INDEX agenda_jobs_ready ON agenda_jobs(name, next_run_at, priority DESC) WHERE locked_at IS NULL AND disabled = 0;
      -- Jobs whose lock may have expired (few: the running ones).
      CREATE INDEX agenda_jobs_locked ON agenda_jobs(name, locked_at) WHERE locked_at IS NOT NULL;
      -- Due times, upserts and cancels by domain key; in Agenda's default order (latest first).
      CREATE INDEX agenda_jobs_key_due ON agenda_jobs(json_extract(data, '$.key'), next_run_at DESC, last_run_at DESC);
      DROP INDEX agenda_jobs_key;
    `,
  },
];

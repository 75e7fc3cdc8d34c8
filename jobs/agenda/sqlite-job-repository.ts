import type Database from 'better-sqlite3';
import {
  computeJobState,
  toJobId,
  type JobId,
  type JobParameters,
  type JobRepository,
  type JobRepositoryOptions,
  type JobsOverview,
  type JobsQueryOptions,
  type JobsResult,
  type JobsSort,
  type JobWithState,
  type RemoveJobsOptions,
  type UniqueOpts,
} from 'agenda';
import { newId } from '../../core/domain/index.js';
import { migrateModule, statementCache } from '../../core/store/embedded/index.js';
import { dataFilter, type SqlFilter } from './data-filter.js';
import { JOBS_MIGRATIONS } from './migrations.js';

interface JobRow {
  id: string;
  name: string;
  priority: number;
  next_run_at: number | null;
  type: string;
  locked_at: number | null;
  last_run_at: number | null;
  last_finished_at: number | null;
  failed_at: number | null;
  fail_count: number | null;
  fail_reason: string | null;
  repeat_interval: string | null;
  repeat_timezone: string | null;
  repeat_at: string | null;
  data: string;
  disabled: number;
  progress: number | null;
  fork: number;
  last_modified_by: string | null;
  debounce_started_at: number | null;
  start_date: number | null;
  end_date: number | null;
  skip_days: string | null;
}

type Props = Omit<JobParameters, '_id' | 'unique' | 'uniqueOpts'>;

const ms = (d: Date | null | undefined): number | null => (d ? new Date(d).getTime() : null);
const date = (v: number | null): Date | undefined => (v === null ? undefined : new Date(v));
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

/** Columns a save writes (scheduling and config), in insert order. Execution state is `saveJobState`'s. */
const SAVE_COLUMNS = ['name', 'priority', 'next_run_at', 'type', 'repeat_interval', 'repeat_timezone', 'repeat_at', 'data', 'disabled', 'fork', 'last_modified_by', 'start_date', 'end_date', 'skip_days'] as const;

/**
 * Agenda 6's `JobRepository` over the embedded SQLite file (better-sqlite3), in the `jobs`
 * module's own table. Every statement runs synchronously on the one connection, so find-and-lock
 * is a single `UPDATE ... RETURNING` and cannot hand a job to two workers.
 *
 * @example
 * const repo = new SqliteJobRepository(store.database);
 * const agenda = new Agenda({ backend: new SqliteAgendaBackend(repo) });
 */
export class SqliteJobRepository implements JobRepository {
  /** Statements prepared once per SQL text (the scheduler polls and upserts on every message). */
  private readonly sql: (sql: string) => Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.sql = statementCache(db);
  }

  async connect(): Promise<void> {
    migrateModule(this.db, 'jobs', JOBS_MIGRATIONS);
  }

  async getJobById(id: string): Promise<JobParameters | null> {
    const row = this.sql('SELECT * FROM agenda_jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row ? toJob(row) : null;
  }

  async queryJobs(options: JobsQueryOptions = {}): Promise<JobsResult> {
    const { state, skip = 0, limit = 0 } = options;
    const filter = combine([
      options.name !== undefined ? { where: ['name = ?'], args: [options.name] } : inList('name', options.names),
      options.id !== undefined ? { where: ['id = ?'], args: [options.id] } : inList('id', options.ids),
      options.search ? { where: ["name LIKE ? ESCAPE '\\'"], args: [`%${options.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`] } : undefined,
      options.includeDisabled === false ? { where: ['disabled = 0'], args: [] } : undefined,
      options.data !== undefined ? dataFilter(options.data) : undefined,
    ]);
    const now = new Date();
    const jobs: JobWithState[] = this.select(filter, orderBy(options.sort))
      .map((job) => ({ ...job, _id: job._id as JobId, state: computeJobState(job, now) }))
      .filter((job) => !state || (state === 'paused' ? job.disabled === true : job.state === state));
    const page = limit > 0 ? jobs.slice(skip, skip + limit) : jobs.slice(skip);
    return { jobs: page, total: jobs.length };
  }

  async getJobsOverview(): Promise<JobsOverview[]> {
    const now = new Date();
    const byName = new Map<string, JobsOverview>();
    for (const job of this.select(combine([]), 'name')) {
      const o = byName.get(job.name) ?? { name: job.name, total: 0, running: 0, scheduled: 0, queued: 0, completed: 0, failed: 0, repeating: 0, paused: 0 };
      o.total++;
      o[computeJobState(job, now)]++;
      if (job.disabled) o.paused++;
      byName.set(job.name, o);
    }
    return [...byName.values()];
  }

  async getDistinctJobNames(): Promise<string[]> {
    return (this.sql('SELECT DISTINCT name FROM agenda_jobs ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  }

  async getQueueSize(): Promise<number> {
    return (this.sql('SELECT COUNT(*) AS n FROM agenda_jobs WHERE next_run_at < ?').get(Date.now()) as { n: number }).n;
  }

  async removeJobs(options: RemoveJobsOptions): Promise<number> {
    const filter = removeFilter(options);
    if (!filter) return 0;
    return this.forEachMatch(filter, (ids) => this.sql(`DELETE FROM agenda_jobs WHERE id IN (${marks(ids)})`).run(...ids).changes);
  }

  async disableJobs(options: RemoveJobsOptions): Promise<number> {
    const filter = removeFilter(options);
    if (!filter) return 0;
    return this.forEachMatch(filter, (ids) => this.sql(`UPDATE agenda_jobs SET disabled = 1 WHERE id IN (${marks(ids)})`).run(...ids).changes);
  }

  async enableJobs(options: RemoveJobsOptions): Promise<number> {
    const filter = removeFilter(options);
    if (!filter) return 0;
    return this.forEachMatch(filter, (ids) => this.sql(`UPDATE agenda_jobs SET disabled = 0 WHERE id IN (${marks(ids)})`).run(...ids).changes);
  }

  async purgeAllJobs(): Promise<number> {
    return this.sql('DELETE FROM agenda_jobs').run().changes;
  }

  async saveJob<DATA = unknown>(job: JobParameters<DATA>, options: JobRepositoryOptions | undefined): Promise<JobParameters<DATA>> {
    const { _id, unique, uniqueOpts, ...props } = job;
    const by = options?.lastModifiedBy ?? null;
    if (_id) return (this.updateById(_id, props, by) as JobParameters<DATA> | undefined) ?? job;
    if (props.type === 'single') return this.upsertSingle(props, by) as JobParameters<DATA>;
    if (unique) {
      // Inside an open transaction (the store's group commit, BEGIN IMMEDIATE) the look-up and its
      // one write are already atomic: nothing runs between them, and a failing write is undone by
      // SQLite alone. better-sqlite3 would nest a SAVEPOINT/RELEASE pair, two statements per
      // nudge re-arm for nothing (issue 13).
      if (this.db.inTransaction) return this.upsertUnique(props, unique, uniqueOpts, by) as JobParameters<DATA>;
      const saved = this.db.transaction(() => this.upsertUnique(props, unique, uniqueOpts, by)).immediate();
      return saved as JobParameters<DATA>;
    }
    return this.insert(props, by) as JobParameters<DATA>;
  }

  async saveJobState(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<void> {
    if (!job._id) throw new Error('Cannot save job state without job ID');
    const { changes } = this
      .sql(
        `UPDATE agenda_jobs SET locked_at = ?, next_run_at = ?, last_run_at = ?, progress = ?, fail_reason = ?, fail_count = ?,
           failed_at = ?, last_finished_at = ?, last_modified_by = ? WHERE id = ? AND name = ?`,
      )
      .run(ms(job.lockedAt), ms(job.nextRunAt), ms(job.lastRunAt), job.progress ?? null, job.failReason ?? null, job.failCount ?? null, ms(job.failedAt), ms(job.lastFinishedAt), options?.lastModifiedBy ?? null, String(job._id), job.name);
    if (changes !== 1) throw new Error(`job ${job._id} (name: ${job.name}) cannot be updated in the database, maybe it does not exist anymore?`);
  }

  async lockJob(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<JobParameters | undefined> {
    if (!job._id) return undefined;
    const next = ms(job.nextRunAt);
    const row = this
      .sql(
        `UPDATE agenda_jobs SET locked_at = ?, last_modified_by = ?
         WHERE id = ? AND name = ? AND locked_at IS NULL AND disabled = 0 AND (? IS NULL OR next_run_at = ?) RETURNING *`,
      )
      .get(Date.now(), options?.lastModifiedBy ?? null, String(job._id), job.name, next, next) as JobRow | undefined;
    return row ? toJob(row) : undefined;
  }

  async unlockJob(job: JobParameters): Promise<void> {
    if (!job._id) return;
    // A job mid-run has no nextRunAt: its lock stays until it finishes or the lock expires.
    this.sql('UPDATE agenda_jobs SET locked_at = NULL WHERE id = ? AND next_run_at IS NOT NULL').run(String(job._id));
  }

  async unlockJobs(jobIds: (JobId | string)[]): Promise<void> {
    const ids = jobIds.map(String);
    if (ids.length) this.sql(`UPDATE agenda_jobs SET locked_at = NULL WHERE id IN (${marks(ids)})`).run(...ids);
  }

  /**
   * Find and lock the next job of `jobName` to run: the earliest due unlocked one, or one whose
   * lock expired. Two indexed look-ups (see the jobs migrations), then an `UPDATE` that re-checks
   * the same conditions, so a job another process locked meanwhile is not taken twice.
   */
  async getNextJobToRun(jobName: string, nextScanAt: Date, lockDeadline: Date, now: Date | undefined, options: JobRepositoryOptions | undefined): Promise<JobParameters | undefined> {
    type Candidate = { id: string; next_run_at: number | null; priority: number };
    const due = this.sql(
      `SELECT id, next_run_at, priority FROM agenda_jobs
       WHERE name = ? AND locked_at IS NULL AND disabled = 0 AND next_run_at <= ?
       ORDER BY next_run_at, priority DESC LIMIT 1`,
    ).get(jobName, nextScanAt.getTime()) as Candidate | undefined;
    const expired = this.sql(
      `SELECT id, next_run_at, priority FROM agenda_jobs
       WHERE name = ? AND locked_at IS NOT NULL AND locked_at <= ? AND disabled = 0
       ORDER BY locked_at LIMIT 1`,
    ).get(jobName, lockDeadline.getTime()) as Candidate | undefined;
    const next = due && expired ? (runsFirst(expired, due) ? expired : due) : (due ?? expired);
    if (!next) return undefined;
    const row = this.sql(
      `UPDATE agenda_jobs SET locked_at = ?, last_modified_by = ?
       WHERE id = ? AND disabled = 0 AND ((locked_at IS NULL AND next_run_at <= ?) OR locked_at <= ?) RETURNING *`,
    ).get((now ?? new Date()).getTime(), options?.lastModifiedBy ?? null, next.id, nextScanAt.getTime(), lockDeadline.getTime()) as JobRow | undefined;
    return row ? toJob(row) : undefined;
  }

  /**
   * Move every waiting job by `deltaMs` in one statement (jobs a worker holds stay put). Used to
   * keep due times fixed on the domain clock when it jumps (see `DomainTimeline`).
   */
  async shiftPending(deltaMs: number): Promise<number> {
    return this.sql('UPDATE agenda_jobs SET next_run_at = next_run_at + ? WHERE next_run_at IS NOT NULL AND locked_at IS NULL').run(Math.round(deltaMs)).changes;
  }

  private select(filter: SqlFilter, order: string | undefined): JobParameters[] {
    const sql = `SELECT * FROM agenda_jobs ${filter.where.length ? `WHERE ${filter.where.join(' AND ')}` : ''}${order ? ` ORDER BY ${order}` : ''}`;
    const jobs = (this.sql(sql).all(...filter.args) as JobRow[]).map(toJob);
    return filter.residual ? jobs.filter((j) => filter.residual?.(j.data) ?? true) : jobs;
  }

  private forEachMatch(filter: SqlFilter, apply: (ids: string[]) => number): number {
    // In no particular order: sorting every match would cost a temporary B-tree for nothing.
    const ids = this.select(filter, undefined).map((j) => String(j._id));
    let changed = 0;
    // SQLite caps bound parameters per statement; 500 at a time stays well under it.
    for (let i = 0; i < ids.length; i += 500) changed += apply(ids.slice(i, i + 500));
    return changed;
  }

  private insert(props: Props, by: string | null, debounceStartedAt: Date | null = null): JobParameters {
    const row = this
      .sql(
        `INSERT INTO agenda_jobs (id, ${SAVE_COLUMNS.join(', ')}, debounce_started_at, fail_reason, fail_count, failed_at)
         VALUES (?, ${marks(SAVE_COLUMNS)}, ?, ?, ?, ?) RETURNING *`,
      )
      .get(newId('job'), ...saveValues(props, by), ms(debounceStartedAt), props.failReason ?? null, props.failCount ?? null, ms(props.failedAt)) as JobRow;
    return toJob(row);
  }

  private updateById(id: JobId, props: Props, by: string | null): JobParameters | undefined {
    const sets = SAVE_COLUMNS.map((c) => `${c} = ?`).join(', ');
    const failSets = ['fail_reason', 'fail_count', 'failed_at'].map((c) => `${c} = ?`).join(', ');
    const row = this
      .sql(`UPDATE agenda_jobs SET ${sets}, ${failSets} WHERE id = ? AND name = ? RETURNING *`)
      .get(...saveValues(props, by), props.failReason ?? null, props.failCount ?? null, ms(props.failedAt), String(id), props.name) as JobRow | undefined;
    return row ? toJob(row) : undefined;
  }

  /** `every()` jobs: one per name. A due run already waiting is not pushed back by a re-save. */
  private upsertSingle(props: Props, by: string | null): JobParameters {
    const protect = props.nextRunAt !== null && new Date(props.nextRunAt).getTime() <= Date.now();
    const updates = SAVE_COLUMNS.filter((c) => c !== 'name' && c !== 'type')
      .map((c) => (c === 'next_run_at' && protect ? 'next_run_at = COALESCE(agenda_jobs.next_run_at, excluded.next_run_at)' : `${c} = excluded.${c}`))
      .join(', ');
    const row = this
      .sql(`INSERT INTO agenda_jobs (id, ${SAVE_COLUMNS.join(', ')}) VALUES (?, ${marks(SAVE_COLUMNS)}) ON CONFLICT (name) WHERE type = 'single' DO UPDATE SET ${updates} RETURNING *`)
      .get(newId('job'), ...saveValues(props, by)) as JobRow;
    return toJob(row);
  }

  private upsertUnique(props: Props, unique: Record<string, unknown>, opts: UniqueOpts | undefined, by: string | null): JobParameters {
    const filter = uniqueFilter(props.name, unique);
    // One job per key: no order needed (and none means no sort).
    const existing = this.select(filter, undefined)[0];
    const debounce = opts?.debounce;
    const now = Date.now();
    if (!existing) {
      if (!debounce) return this.insert(props, by);
      const next = debounce.strategy === 'leading' ? props.nextRunAt : new Date(now + debounce.delay);
      return this.insert({ ...props, nextRunAt: next }, by, new Date(now));
    }
    if (opts?.insertOnly && !debounce) return existing;
    let nextRunAt = props.nextRunAt;
    let debounceStartedAt: Date | null = null;
    if (debounce) {
      const started = existing.debounceStartedAt ? new Date(existing.debounceStartedAt).getTime() : now;
      if (debounce.strategy === 'leading') [nextRunAt, debounceStartedAt] = [existing.nextRunAt, new Date(started)];
      else if (debounce.maxWait && now - started >= debounce.maxWait) nextRunAt = new Date(now);
      else [nextRunAt, debounceStartedAt] = [new Date(now + debounce.delay), new Date(started)];
    }
    const sets = SAVE_COLUMNS.filter((c) => c !== 'name').map((c) => `${c} = ?`).join(', ');
    const values = saveValues({ ...props, nextRunAt }, by).slice(1);
    const row = this.sql(`UPDATE agenda_jobs SET ${sets}, debounce_started_at = ? WHERE id = ? RETURNING *`).get(...values, ms(debounceStartedAt), String(existing._id)) as JobRow;
    return toJob(row);
  }
}

/** Due order of the poll: earlier `next_run_at` first (none last), then higher priority. */
function runsFirst(a: { next_run_at: number | null; priority: number }, b: { next_run_at: number | null; priority: number }): boolean {
  if (a.next_run_at !== b.next_run_at) return b.next_run_at === null || (a.next_run_at !== null && a.next_run_at < b.next_run_at);
  return a.priority > b.priority;
}

function saveValues(p: Props, by: string | null): (string | number | null)[] {
  return [
    p.name,
    p.priority ?? 0,
    ms(p.nextRunAt),
    p.type ?? 'normal',
    p.repeatInterval === undefined ? null : JSON.stringify(p.repeatInterval),
    p.repeatTimezone ?? null,
    p.repeatAt ?? null,
    JSON.stringify(p.data ?? {}),
    p.disabled ? 1 : 0,
    p.fork ? 1 : 0,
    by,
    ms(p.startDate),
    ms(p.endDate),
    p.skipDays ? JSON.stringify(p.skipDays) : null,
  ];
}

function toJob(r: JobRow): JobParameters {
  return {
    _id: toJobId(r.id),
    name: r.name,
    priority: r.priority,
    nextRunAt: r.next_run_at === null ? null : new Date(r.next_run_at),
    type: r.type === 'single' ? 'single' : 'normal',
    lockedAt: date(r.locked_at),
    lastRunAt: date(r.last_run_at),
    lastFinishedAt: date(r.last_finished_at),
    failedAt: date(r.failed_at),
    failCount: opt(r.fail_count),
    failReason: opt(r.fail_reason),
    repeatInterval: r.repeat_interval === null ? undefined : (JSON.parse(r.repeat_interval) as string | number),
    repeatTimezone: opt(r.repeat_timezone),
    repeatAt: opt(r.repeat_at),
    data: JSON.parse(r.data) as unknown,
    disabled: r.disabled === 1,
    progress: opt(r.progress),
    fork: r.fork === 1,
    lastModifiedBy: opt(r.last_modified_by),
    debounceStartedAt: date(r.debounce_started_at),
    startDate: date(r.start_date),
    endDate: date(r.end_date),
    skipDays: r.skip_days === null ? undefined : (JSON.parse(r.skip_days) as number[]),
  };
}

function marks(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

function inList(column: string, values: readonly string[] | undefined): SqlFilter | undefined {
  return values?.length ? { where: [`${column} IN (${marks(values)})`], args: [...values] } : undefined;
}

function combine(parts: (SqlFilter | undefined)[]): SqlFilter {
  const set = parts.filter((p): p is SqlFilter => p !== undefined);
  const residuals = set.map((p) => p.residual).filter((r): r is (d: unknown) => boolean => r !== undefined);
  return {
    where: set.flatMap((p) => p.where),
    args: set.flatMap((p) => p.args),
    ...(residuals.length ? { residual: (d: unknown) => residuals.every((r) => r(d)) } : {}),
  };
}

/** The filter for remove/disable/enable; undefined when no criterion is given (touch nothing). */
function removeFilter(o: RemoveJobsOptions): SqlFilter | undefined {
  const ids = o.id !== undefined ? [String(o.id)] : o.ids?.map(String);
  const parts = [
    inList('id', ids),
    o.name !== undefined ? { where: ['name = ?'], args: [o.name] } : inList('name', o.names),
    o.name === undefined && !o.names?.length && o.notNames?.length ? { where: [`name NOT IN (${marks(o.notNames)})`], args: [...o.notNames] } : undefined,
    o.data !== undefined ? dataFilter(o.data) : undefined,
  ];
  return parts.some((p) => p !== undefined) ? combine(parts) : undefined;
}

/** `unique` keys are `data.<path>` or job fields (camelCase, as Agenda names them). */
function uniqueFilter(name: string, unique: Record<string, unknown>): SqlFilter {
  const data: Record<string, unknown> = {};
  const fields: SqlFilter = { where: ['name = ?'], args: [name] };
  for (const [key, value] of Object.entries(unique)) {
    if (key.startsWith('data.')) data[key.slice(5)] = value;
    else if (/^[A-Za-z]+$/.test(key)) {
      fields.where.push(`${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)} IS ?`);
      fields.args.push(value instanceof Date ? value.getTime() : typeof value === 'boolean' ? Number(value) : (value as string | number | null));
    }
  }
  return combine([fields, Object.keys(data).length ? dataFilter(data) : undefined]);
}

function orderBy(sort: JobsSort | undefined): string {
  const columns: [keyof JobsSort, string][] = [
    ['nextRunAt', 'next_run_at'],
    ['lastRunAt', 'last_run_at'],
    ['lastFinishedAt', 'last_finished_at'],
    ['priority', 'priority'],
    ['name', 'name'],
  ];
  const parts = columns.filter(([k]) => sort?.[k] !== undefined).map(([k, c]) => `${c} ${sort?.[k] === 'asc' ? 'ASC' : 'DESC'} NULLS LAST`);
  return parts.length ? parts.join(', ') : 'next_run_at DESC NULLS LAST, last_run_at DESC NULLS LAST';
}

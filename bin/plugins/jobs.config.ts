import { z } from 'zod';
import { DEFAULT_RISK_CONFIG } from '../../core/risk/index.js';
import { isValidTimeZone, parseClock, parseDurations, parseQuietHours, parseReminderLeads } from '../../jobs/policy/index.js';

/** A zod string that must parse with `parse` (its error message is the parser's). */
function parsed<T>(parse: (s: string) => T) {
  return z.string().transform((s, ctx) => {
    try {
      return parse(s);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
      return z.NEVER;
    }
  });
}

const positiveInt = (what: string) => z.coerce.number({ error: `expected ${what}` }).int(`expected a whole number of ${what}`).positive(`expected a positive number of ${what}`);

/**
 * Env settings for scheduled jobs (Agenda), risk alerts and retention, merged into the app
 * config. Each is documented in .env.example; the defaults run with nothing installed.
 */
export const jobsConfigShape = {
  /** Off: no reminders, nudges, sweeps or clean-up run in this process. */
  JOBS_ENABLED: z.stringbool({ error: 'expected true or false' }).default(true),
  /** Set: jobs live in Redis (distributed mode); unset: in the embedded SQLite file. */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL').optional(),
  JOBS_REDIS_PREFIX: z.string().min(1).default('parley:jobs:'),
  JOBS_PROCESS_EVERY_MS: positiveInt('milliseconds').default(5000),
  JOBS_LOCK_LIFETIME_MS: positiveInt('milliseconds').default(10_000),
  JOBS_RETRY_BASE_MS: positiveInt('milliseconds').default(30_000),
  JOBS_RETRY_MAX_DELAY_MS: positiveInt('milliseconds').default(900_000),
  JOBS_MAX_RETRIES: z.coerce.number({ error: 'expected a number' }).int().min(0).max(20).default(5),
  /** Used for candidates whose time zone is unknown (quiet hours, reminder wording). */
  JOBS_DEFAULT_TIMEZONE: z.string().refine(isValidTimeZone, 'expected an IANA time zone such as UTC or Europe/Lisbon').default('UTC'),
  NUDGE_DELAYS: parsed(parseDurations).prefault('2h,24h'),
  NUDGE_MAX: z.coerce.number({ error: 'expected a number' }).int().min(0).max(10).default(2),
  NUDGE_QUIET_HOURS: parsed(parseQuietHours).prefault('21:00-08:00'),
  REMINDER_LEADS: parsed(parseReminderLeads).prefault('24h,1h'),
  /** Risk scores at or above these are medium / high (0..1); crossing into high alerts. */
  RISK_MEDIUM_THRESHOLD: z.coerce.number({ error: 'expected a number between 0 and 1' }).min(0).max(1).default(DEFAULT_RISK_CONFIG.medium),
  RISK_HIGH_THRESHOLD: z.coerce.number({ error: 'expected a number between 0 and 1' }).min(0).max(1).default(DEFAULT_RISK_CONFIG.high),
  RISK_SWEEP_EVERY_MIN: z.coerce.number({ error: 'expected a number of minutes' }).positive().default(5),
  RETENTION_DAYS: positiveInt('days').default(30),
  RETENTION_AT: parsed(parseClock).prefault('02:00'),
  /** Rejected / withdrawn candidates are erased this many days after entering the stage (unset: kept). */
  RETENTION_REJECTED_DAYS: positiveInt('days').optional(),
  RETENTION_WITHDRAWN_DAYS: positiveInt('days').optional(),
  /** After an at-once erasure, compact the SQLite file now (blocks ~9 ms per MB) or at the daily run. */
  ERASURE_COMPACT: z.enum(['now', 'daily'], { error: 'expected now or daily' }).default('now'),
  DIGEST_AT: parsed(parseClock).prefault('08:00'),
  SLACK_WEBHOOK_URL: z.url({ error: 'expected the https URL of a Slack incoming webhook' }).optional(),
  SLACK_RETRY_BASE_MS: positiveInt('milliseconds').default(1000),
  SLACK_MAX_ATTEMPTS: positiveInt('attempts').max(10).default(5),
  ALERTS_MAX_PER_WINDOW: positiveInt('alerts').default(20),
  ALERTS_WINDOW_MIN: z.coerce.number({ error: 'expected a number of minutes' }).positive().default(60),
  /** Operations alerts: drop-off spikes per stage and a backed-up needs-human queue (0 minutes: off). */
  OPS_ALERTS_EVERY_MIN: z.coerce.number({ error: 'expected a number of minutes' }).min(0).default(15),
  OPS_DROPOFF_WINDOW_MIN: positiveInt('minutes').default(60),
  OPS_DROPOFF_BASELINE_WINDOWS: positiveInt('windows').default(24),
  OPS_DROPOFF_MIN: positiveInt('drop-offs').default(3),
  OPS_DROPOFF_SPIKE_FACTOR: z.coerce.number({ error: 'expected a number' }).min(1).default(3),
  OPS_QUEUE_MAX: z.coerce.number({ error: 'expected a number of conversations' }).int().min(0).default(10),
  OPS_QUEUE_MAX_WAIT_MIN: positiveInt('minutes').default(30),
} satisfies z.ZodRawShape;

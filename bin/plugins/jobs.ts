import type { AgendaBackend } from 'agenda';
import { Alerter, JobsRuntime, SlackWebhook, AgendaScheduler, type JobsDeps, type JobsSettings } from '../../jobs/index.js';
import { resolveRiskConfig, type RiskConfig } from '../../core/risk/index.js';
import { createRiskJobs } from '../../jobs/risk/index.js';
import { nodeName } from '../cluster.js';
import { ConfigError, type Config } from '../config.js';
import { systemJobsRoute } from './system-jobs-route.js';
import type { PluginContext, PluginModule } from './types.js';

/**
 * Scheduled work on Agenda: interview reminders, inactivity nudges, the risk sweep and at-risk
 * alerts (console, HR chats, Slack), abandonment of stale interviews, retention clean-up and the
 * HR digest. Jobs live in the embedded SQLite file, in MongoDB with `MONGODB_URI`, else in Redis when `REDIS_URL` is set.
 * Provides `services.scheduler` and `services.scheduleInterview`; reads `notifyOperators`,
 * `hrBroadcast` and `pendingPrompt` when it needs them.
 */
export const jobsPlugin: PluginModule = {
  name: 'jobs',
  offReason: 'JOBS_ENABLED=false: no reminders, nudges, risk sweeps or retention clean-up',
  async create(ctx) {
    const { config, log } = ctx;
    // Failing jobs for the console (BullMQ's too, so even with the scheduler off).
    systemJobsRoute(ctx.app, ctx.services);
    if (!config.JOBS_ENABLED) return undefined;
    const backend = await backendFor(ctx);
    const scheduler = new AgendaScheduler({
      backend,
      clock: ctx.clock,
      skewStore: { get: () => ctx.ports.kv.kvGet<number>('jobs', 'clock-skew-ms'), set: (v) => ctx.ports.kv.kvSet('jobs', 'clock-skew-ms', v) },
      log: log.child({ feature: 'jobs' }),
      // The node's one name (PARLEY_NODE_NAME, else hostname-pid), as in /health, logs and metrics.
      name: `parley@${nodeName(config)}`,
      processEveryMs: config.JOBS_PROCESS_EVERY_MS,
      lockLifetimeMs: config.JOBS_LOCK_LIFETIME_MS,
      retry: { baseMs: config.JOBS_RETRY_BASE_MS, maxMs: config.JOBS_RETRY_MAX_DELAY_MS, maxRetries: config.JOBS_MAX_RETRIES },
      // Called only while running, after `jobs` below exists.
      onExhausted: (failure) => jobs.recordFailure(failure),
      // Jobs in the embedded file without REDIS_URL: this process is their only writer, so it
      // knows a nudge's due time without a look-up per message (cluster and MongoDB: always look up).
      soleWriter: !config.REDIS_URL && backend.name === 'SQLite',
    });
    const ran = countRuns(scheduler);
    const deps: JobsDeps = {
      store: ctx.store,
      engine: ctx.engine,
      bus: ctx.bus,
      clock: ctx.clock,
      log: log.child({ feature: 'jobs' }),
      scheduler,
      // Read through: console and Telegram register their services after this plugin.
      services: {
        get notifyOperators() {
          return ctx.services.notifyOperators;
        },
        get hrBroadcast() {
          return ctx.services.hrBroadcast;
        },
        get pendingPrompt() {
          return ctx.services.pendingPrompt;
        },
      },
      settings: settingsFrom(config),
    };
    const slack = config.SLACK_WEBHOOK_URL
      ? new SlackWebhook({ url: config.SLACK_WEBHOOK_URL, log: deps.log, backoff: { maxAttempts: config.SLACK_MAX_ATTEMPTS, baseMs: config.SLACK_RETRY_BASE_MS, maxMs: 60_000 } })
      : undefined;
    const alerter = new Alerter({ store: ctx.store, clock: ctx.clock, log: deps.log, services: deps.services, slack, limit: { max: config.ALERTS_MAX_PER_WINDOW, windowMs: config.ALERTS_WINDOW_MIN * 60_000 } });
    const jobs = new JobsRuntime(deps, alerter, createRiskJobs(deps, riskConfigFrom(config)));
    ctx.services.scheduler = scheduler;
    ctx.services.scheduleInterview = (conversationId, at, opts) => jobs.scheduleInterview(conversationId, at, opts);
    log.info({ backend: scheduler.backendName, slack: Boolean(slack) }, 'jobs ready');
    return {
      name: 'jobs',
      summary: `on (${scheduler.backendName} backend${slack ? ', Slack alerts' : ''})`,
      start: () => jobs.start(),
      stop: () => jobs.stop(),
      health: () => ({ jobs: { ...jobs.health(), ran } }),
    };
  },
};

/**
 * Runs of each job on this node since start (in /health details): with several nodes, the sum
 * over the nodes is how often the cluster ran it, so a job run twice for one due time shows.
 */
function countRuns(scheduler: Pick<AgendaScheduler, 'define'>): Record<string, number> {
  const ran: Record<string, number> = {};
  const define = scheduler.define.bind(scheduler);
  scheduler.define = (name, spec) =>
    define(name, {
      ...spec,
      async run(job) {
        ran[name] = (ran[name] ?? 0) + 1;
        return spec.run(job);
      },
    });
  return ran;
}

async function backendFor(ctx: PluginContext): Promise<AgendaBackend> {
  const { REDIS_URL, JOBS_REDIS_PREFIX } = ctx.config;
  // MONGODB_URI: jobs stay in MongoDB with the rest of the state (ports.jobs is Agenda's MongoDB backend).
  if (!REDIS_URL || ctx.ports.jobs.name === 'MongoDB') return ctx.ports.jobs;
  // ioredis and the Agenda Redis backend are loaded only when REDIS_URL asks for them.
  const { createRedisBackend } = await import('../../jobs/agenda/redis-backend.js');
  return createRedisBackend(REDIS_URL, JOBS_REDIS_PREFIX, ctx.log);
}

function riskConfigFrom(config: Config): RiskConfig {
  if (config.RISK_MEDIUM_THRESHOLD >= config.RISK_HIGH_THRESHOLD) {
    throw new ConfigError([`RISK_MEDIUM_THRESHOLD: expected less than RISK_HIGH_THRESHOLD (${config.RISK_HIGH_THRESHOLD}) (got ${config.RISK_MEDIUM_THRESHOLD})`]);
  }
  return resolveRiskConfig({ medium: config.RISK_MEDIUM_THRESHOLD, high: config.RISK_HIGH_THRESHOLD, maxNudges: config.NUDGE_MAX });
}

function settingsFrom(config: Config): JobsSettings {
  // The interview plugin's abandonment time, when it is configured (30 minutes otherwise).
  const abandonAfterMin = (config as { INTERVIEW_ABANDON_AFTER_MIN?: number }).INTERVIEW_ABANDON_AFTER_MIN ?? 30;
  return {
    company: config.PARLEY_COMPANY_NAME,
    defaultTimeZone: config.JOBS_DEFAULT_TIMEZONE,
    dataDir: config.dataDir,
    nudges: { delaysMs: config.NUDGE_DELAYS, max: config.NUDGE_MAX, quietHours: config.NUDGE_QUIET_HOURS, stages: ['intake', 'interviewing'] },
    reminderLeads: config.REMINDER_LEADS,
    riskSweepEveryMs: config.RISK_SWEEP_EVERY_MIN * 60_000,
    abandonAfterMs: abandonAfterMin * 60_000,
    retentionDays: config.RETENTION_DAYS,
    retentionAtMinute: config.RETENTION_AT,
    erasureCompact: config.ERASURE_COMPACT,
    retentionByStage: {
      ...(config.RETENTION_REJECTED_DAYS ? { rejected: config.RETENTION_REJECTED_DAYS } : {}),
      ...(config.RETENTION_WITHDRAWN_DAYS ? { withdrawn: config.RETENTION_WITHDRAWN_DAYS } : {}),
    },
    digestAtMinute: config.DIGEST_AT,
    ...(config.OPS_ALERTS_EVERY_MIN > 0
      ? {
          opsAlerts: {
            everyMs: config.OPS_ALERTS_EVERY_MIN * 60_000,
            windowMs: config.OPS_DROPOFF_WINDOW_MIN * 60_000,
            baselineWindows: config.OPS_DROPOFF_BASELINE_WINDOWS,
            minDropOffs: config.OPS_DROPOFF_MIN,
            spikeFactor: config.OPS_DROPOFF_SPIKE_FACTOR,
            queueMax: config.OPS_QUEUE_MAX,
            queueMaxWaitMs: config.OPS_QUEUE_MAX_WAIT_MIN * 60_000,
          },
        }
      : {}),
  };
}

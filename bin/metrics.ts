import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { STAGES, type DomainEvent } from '../core/domain/index.js';
import type { EngineMetrics } from '../core/engine/index.js';
import type { Clock, EventBus, Logger, Store } from '../core/ports/index.js';
import { nodeName } from './cluster.js';

/**
 * Parley's own metric names, in one place (prom-client adds `parley_process_*` and
 * `parley_nodejs_*`). The rules and the dashboard under `deploy/` may use only exported names:
 * test/deploy-metrics.test.ts scrapes a running Parley for each one they name.
 */
export const METRIC = {
  inbound: 'parley_inbound_messages_total',
  outbound: 'parley_outbound_messages_total',
  turnDuration: 'parley_turn_duration_seconds',
  turnsFailed: 'parley_turns_failed_total',
  errors: 'parley_errors_total',
  queueDepth: 'parley_queue_depth',
  processingDelay: 'parley_message_processing_delay_seconds',
  storeUp: 'parley_store_up',
  storeFailures: 'parley_store_ping_failures_total',
  redisUp: 'parley_redis_up',
  redisErrors: 'parley_redis_connection_errors_total',
  memoryLimit: 'parley_memory_limit_bytes',
  interviewsStarted: 'parley_interviews_started_total',
  interviewsCompleted: 'parley_interviews_completed_total',
  interviewsAbandoned: 'parley_interviews_abandoned_total',
  takeovers: 'parley_takeovers_total',
  handbacks: 'parley_handbacks_total',
  alerts: 'parley_alerts_total',
  firstResponse: 'parley_operator_first_response_seconds',
  funnel: 'parley_funnel_candidates',
  risk: 'parley_risk_assessments_total',
} as const;

/** How long a scrape waits for the store's or Redis's ping before counting it a failure. */
const PING_TIMEOUT_MS = 2000;

export interface ParleyMetrics {
  registry: Registry;
  engine: EngineMetrics;
  errors: (source: string, outcome: string) => void;
  /**
   * Start observing the running product: domain events on the bus (interviews, takeovers,
   * alerts, processing delay, operator first response), the store and Redis on each scrape.
   * Returns a function that stops it (closes the Redis probe connection).
   */
  observe(deps: ObserveDeps): () => Promise<void>;
}

export interface ObserveDeps {
  bus: EventBus;
  store: Pick<Store, 'ping' | 'getMessage' | 'listEvents' | 'countByStage'>;
  clock: Clock;
  log: Logger;
  /** REDIS_URL: when set, `parley_redis_up` pings it on every scrape. */
  redisUrl?: string | undefined;
}

/**
 * Prometheus metrics for `GET /metrics`. Every series carries the label `node`: the node's name
 * (PARLEY_NODE_NAME, else `<hostname>-<pid>`, so two processes on one host are told apart).
 *
 * @example
 * const metrics = createMetrics(() => engine.queueDepth(), { node: 'node-a' });
 * const stop = metrics.observe({ bus, store, clock, log, redisUrl: config.REDIS_URL });
 */
export function createMetrics(queueDepth: () => number, opts: { node?: string | undefined } = {}): ParleyMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ node: opts.node ?? nodeName({}) });
  collectDefaultMetrics({ register: registry, prefix: 'parley_' });
  const registers = [registry];
  const inbound = new Counter({ name: METRIC.inbound, help: 'Inbound messages by channel and outcome', labelNames: ['channel', 'outcome'], registers });
  const outbound = new Counter({ name: METRIC.outbound, help: 'Outbound sends by channel and outcome', labelNames: ['channel', 'outcome'], registers });
  const turns = new Histogram({
    name: METRIC.turnDuration,
    help: 'Time from a turn starting to its commit',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const failed = new Counter({ name: METRIC.turnsFailed, help: 'Turns that failed', registers });
  const errors = new Counter({ name: METRIC.errors, help: 'Failures reported to the error sink, by where they happened and what became of the work', labelNames: ['source', 'outcome'], registers });
  new Gauge({ name: METRIC.queueDepth, help: 'Turns and sends waiting or running', registers, collect() { this.set(queueDepth()); } });
  new Gauge({ name: METRIC.memoryLimit, help: 'Memory this process may use: the container (cgroup) limit, else the machine total', registers, collect() { this.set(memoryLimitBytes()); } });
  return {
    registry,
    errors: (source, outcome) => errors.inc({ source, outcome }),
    engine: {
      inbound: (channel, outcome) => inbound.inc({ channel, outcome }),
      outbound: (channel, outcome) => outbound.inc({ channel, outcome }),
      turnLatency: (seconds) => turns.observe(seconds),
      turnFailed: () => failed.inc(),
    },
    observe: (deps) => observe(registry, deps),
  };
}

function observe(registry: Registry, deps: ObserveDeps): () => Promise<void> {
  const registers = [registry];
  observeStore(registers, deps);
  const stopRedis = deps.redisUrl ? observeRedis(registers, deps.redisUrl, deps.log) : async () => undefined;
  const unsubscribe = deps.bus.subscribe(productObserver(registers, deps));
  return async () => {
    unsubscribe();
    await stopRedis();
  };
}

/** `parley_store_up` (pinged on each scrape), ping failures, and the funnel's stage counts. */
function observeStore(registers: Registry[], deps: ObserveDeps): void {
  // A scrape collects every metric at once: the gauge and the counter share one ping per scrape,
  // so the failure it finds is counted in the same scrape.
  let inFlight: Promise<boolean> | undefined;
  const probe = () =>
    (inFlight ??= pingWithin(() => deps.store.ping())
      .then((ok) => {
        if (!ok) failures.inc();
        return ok;
      })
      .finally(() => (inFlight = undefined)));
  const failures = new Counter({
    name: METRIC.storeFailures,
    help: 'Store pings that failed or timed out (one per scrape while it is down)',
    registers,
    async collect() {
      await probe();
    },
  });
  new Gauge({
    name: METRIC.storeUp,
    help: '1 when the store answered a ping during this scrape, else 0',
    registers,
    async collect() {
      this.set((await probe()) ? 1 : 0);
    },
  });
  new Gauge({
    name: METRIC.funnel,
    help: 'Candidates in each funnel stage now (the same on every node of a cluster: aggregate with max)',
    labelNames: ['stage'],
    registers,
    async collect() {
      const counts = await deps.store.countByStage().catch(() => undefined);
      if (!counts) return;
      for (const stage of STAGES) this.set({ stage }, counts[stage] ?? 0);
    },
  });
}

/** `parley_redis_up` from a ping on each scrape over a probe connection of its own; its errors counted. */
function observeRedis(registers: Registry[], url: string, log: Logger): () => Promise<void> {
  const connectionErrors = new Counter({ name: METRIC.redisErrors, help: 'Errors on the Redis connection (refused, reset, timed out)', registers });
  // Loaded only when REDIS_URL is set, like the jobs' Redis backend (start-up time).
  const client = import('ioredis').then(({ Redis }) => {
    const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: PING_TIMEOUT_MS, disconnectTimeout: 0 });
    redis.on('error', (err: Error) => {
      connectionErrors.inc();
      log.debug({ err: err.message }, 'metrics: redis probe connection error');
    });
    redis.connect().catch(() => undefined);
    return redis;
  });
  new Gauge({
    name: METRIC.redisUp,
    help: '1 when Redis (REDIS_URL) answered a ping during this scrape, else 0',
    registers,
    async collect() {
      const redis = await client;
      this.set((await pingWithin(() => redis.ping())) ? 1 : 0);
    },
  });
  // A probe has nothing to flush: its socket is dropped at once on stop (no 2 s wait for a dead server).
  return async () => {
    (await client).disconnect();
  };
}

const WAIT_OPENERS = new Set<DomainEvent['type']>(['OperatorTakeover', 'HumanRequested', 'NeedsHumanFlagged', 'ConversationUnassigned']);

/** Issue 19's product metrics and the processing delay, from the domain events of this node. */
function productObserver(registers: Registry[], deps: ObserveDeps): (e: DomainEvent) => Promise<void> | undefined {
  const delay = new Histogram({
    name: METRIC.processingDelay,
    help: 'From an inbound message being stored to its turn committed (queue wait included)',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers,
  });
  const started = new Counter({ name: METRIC.interviewsStarted, help: 'Interviews started, by role', labelNames: ['role'], registers });
  const completed = new Counter({ name: METRIC.interviewsCompleted, help: 'Interviews completed, by recommendation', labelNames: ['recommendation'], registers });
  const abandoned = new Counter({ name: METRIC.interviewsAbandoned, help: 'Interviews abandoned by the candidate', registers });
  const takeovers = new Counter({ name: METRIC.takeovers, help: 'Operator takeovers', registers });
  const handbacks = new Counter({ name: METRIC.handbacks, help: 'Handbacks to the bot', registers });
  const alerts = new Counter({ name: METRIC.alerts, help: 'Alerts raised to recruiters, by kind (at-risk, needs-human)', labelNames: ['kind'], registers });
  const risk = new Counter({ name: METRIC.risk, help: 'Risk assessments that changed a candidate\'s picture, by level', labelNames: ['level'], registers });
  const firstResponse = new Histogram({
    name: METRIC.firstResponse,
    help: 'From a takeover or a needs-human flag to the first operator message',
    buckets: [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400],
    registers,
  });
  for (const kind of ['at-risk', 'needs-human']) alerts.inc({ kind }, 0);
  for (const level of ['low', 'medium', 'high']) risk.inc({ level }, 0);
  return (e) => {
    switch (e.type) {
      case 'MessageReceived':
        return observeDelay(e);
      case 'InterviewStarted':
        return void started.inc({ role: e.role });
      case 'InterviewCompleted':
        return void completed.inc({ recommendation: e.recommendation });
      case 'InterviewAbandoned':
        return void abandoned.inc();
      case 'OperatorTakeover':
        return void takeovers.inc();
      case 'OperatorHandback':
        return void handbacks.inc();
      // As the alerter raises them: nothing to alert about when the candidate opted out.
      case 'CandidateAtRisk':
        return void (e.recommendedAction !== 'none' && alerts.inc({ kind: 'at-risk' }));
      case 'HumanRequested':
        return void alerts.inc({ kind: 'needs-human' });
      case 'RiskAssessed':
        return void risk.inc({ level: e.level });
      case 'OperatorAction':
        return e.action === 'message-sent' && e.conversationId ? observeFirstResponse(e.conversationId, e.id) : undefined;
      default:
        return undefined;
    }
  };

  /** From the receipt time the event carries; events recorded before it was carried read the message. */
  async function observeDelay(e: Extract<DomainEvent, { type: 'MessageReceived' }>): Promise<void> {
    const receivedAt = e.receivedAt ?? (await deps.store.getMessage(e.messageId))?.createdAt;
    if (receivedAt) delay.observe(Math.max(0, deps.clock.now().getTime() - receivedAt.getTime()) / 1000);
  }

  /** Read from the stored events, so a wait opened on another node (or before a restart) counts. */
  async function observeFirstResponse(conversationId: string, eventId: string): Promise<void> {
    const events = await deps.store.listEvents({ conversationId, types: [...WAIT_OPENERS, 'OperatorAction'] });
    let openedAt: number | undefined;
    for (const e of [...events].sort((a, b) => a.at.getTime() - b.at.getTime())) {
      if (e.id === eventId) {
        if (openedAt !== undefined) firstResponse.observe(Math.max(0, e.at.getTime() - openedAt) / 1000);
        return;
      }
      if (WAIT_OPENERS.has(e.type)) openedAt ??= e.at.getTime();
      else if (e.type === 'OperatorAction' && e.action === 'message-sent') openedAt = undefined;
    }
  }
}

async function pingWithin(ping: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS)));
  try {
    return await Promise.race([ping().then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The cgroup (v2, then v1) memory limit, or the machine's memory when there is none. */
function memoryLimitBytes(): number {
  for (const file of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const limit = Number(readFileSync(file, 'utf8').trim());
      // "max" (NaN) or v1's "no limit" (a number near 2^63) mean unlimited.
      if (Number.isFinite(limit) && limit > 0 && limit < totalmem()) return limit;
    } catch {
      // Not in a cgroup of that version (or not readable): the next source, then the machine total.
      continue;
    }
  }
  return totalmem();
}

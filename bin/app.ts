import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Server as SocketServer } from 'socket.io';
import { candidateCommands, type CommandHandler } from '../bots/commands/index.js';
import { intakeMiddleware, screeningFallback, type RoleOption } from '../bots/intake/index.js';
import { WebchatChannel, webchatSecurityHeaders, WEBCHAT_PUBLIC_DIR } from '../channels/webchat/index.js';
import { onMalformedSlice, type ChannelId } from '../core/domain/index.js';
import { Engine, InProcessEventBus, InProcessKeyedQueue, OutboundDispatcher, TurnErrorSink, type Middleware, type PressureOptions, type TurnJob } from '../core/engine/index.js';
import { systemClock, type ChannelAdapter, type Clock, type Logger, type Store } from '../core/ports/index.js';
import { onDateRepair } from '../core/store/codec.js';
import type { SqliteStore } from '../core/store/embedded/sqlite-store.js';
import { takeoverGate } from '../core/takeover/index.js';
import { CONSOLE_NAMESPACE } from '../operator-console/index.js';
import { attachSocketFanout } from './cluster-fanout.js';
import { createClusterQueues, nodeName, redactedRedisUrl } from './cluster.js';
import type { Config } from './config.js';
import { secureDataDir } from './data-dir.js';
import { clientAddressOf, createHttpApp, httpServerOptions } from './http.js';
import { IngressPressure, WEBHOOK_PATHS } from './ingress-pressure.js';
import { createMetrics } from './metrics.js';
import { openPersistence, type Ports } from './persistence.js';
import { MIDDLEWARE_SLOTS, PLUGINS, type Plugin, type PluginContext, type PluginModule, type PluginServices } from './plugins/index.js';
import { socketLimits } from './socket-limits.js';
import { VERSION } from './version.js';

/** Roles offered when no question bank provides them. */
export const DEFAULT_ROLES: RoleOption[] = [
  { id: 'react', title: 'React Developer' },
  { id: 'python', title: 'Python Developer' },
  { id: 'javascript', title: 'JavaScript Developer' },
  { id: 'fullstack', title: 'Full-Stack Developer' },
];

export interface ParleyOptions {
  log: Logger;
  clock?: Clock;
  /** Override the SQLite path (tests use ':memory:'). */
  storePath?: string;
  /** Override the plugin list (tests that need only some features). */
  plugins?: readonly PluginModule[];
  /** Called by the engine at its crash-safety points (crash-recovery tests kill the process there). */
  crashHook?: (point: 'after-persist' | 'after-commit') => void;
  /** Embedded mode: the webhook burst signal and the turn queue's bounds under it (tests inject clocks and timers). */
  ingress?: { signal?: IngressPressure; queue?: Omit<PressureOptions, 'signal'> };
}

export interface Parley {
  readonly url: string;
  readonly engine: Engine;
  /** The core store port. */
  readonly store: Store;
  /** Every feature's state behind its port. */
  readonly ports: Ports;
  /** Embedded mode only: the SQLite store (tests and diagnostics; plugins never get it). */
  readonly embedded: SqliteStore | undefined;
  readonly io: SocketServer;
  readonly http: HttpServer;
  readonly plugins: readonly Plugin[];
  readonly services: PluginServices;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The composition root for embedded mode: SQLite store, in-process queues, web chat, HTTP, and
 * every configured plugin (interview, jobs, console, Telegram, WhatsApp...).
 *
 * @example
 * const parley = await createParley(loadConfig(readEnv()), { log });
 * await parley.start(); // listening on config.HOST:config.PORT
 */
export async function createParley(config: Config, opts: ParleyOptions): Promise<Parley> {
  const log = opts.log;
  const clock = opts.clock ?? systemClock;
  // The data folder 0700 and its files 0600 (created so, or tightened), before anything is written.
  const dbPath = secureDataDir(config.dataDir);
  // Without REDIS_URL this process is the file's only writer: the store may cache documents.
  // Cluster nodes may share one file, so theirs reads every row from it (docs/scale-out.md).
  const persistence = await openPersistence({ sqlitePath: opts.storePath ?? dbPath, soleOwner: !config.REDIS_URL, mongodbUri: (config as { MONGODB_URI?: string }).MONGODB_URI, now: clock.now(), log });
  const { store, ports } = persistence;
  onDateRepair((repair) => log.warn(repair, 'a stored row had an unreadable date: repaired on read'));
  onMalformedSlice((report) => log.warn(report, 'a stored conversation state slice did not parse: read as absent until its owner writes it again'));
  // The one error sink: the turn queue, the bus and the engine's effects report here.
  const errors = new TurnErrorSink(log);
  const bus = new InProcessEventBus(log, errors.for('event-bus'));
  // Cluster mode (REDIS_URL set): turns and sends on BullMQ, rate limits in Redis (docs/scale-out.md).
  const cluster = config.REDIS_URL ? await createClusterQueues({ ...config, REDIS_URL: config.REDIS_URL }, { store, log, onError: errors.for('queue') }) : undefined;
  if (cluster && config.REDIS_URL) log.info({ node: cluster.node, redis: redactedRedisUrl(config.REDIS_URL) }, `cluster mode: node ${cluster.node}, turns and sends on BullMQ`);
  const webchat = new WebchatChannel();
  const adapters = new Map<ChannelId, ChannelAdapter>([['webchat', webchat]]);
  // Read lazily (on scrape), after the engine exists.
  const metrics = createMetrics(() => engine.queueDepth(), { node: nodeName(config) });
  errors.subscribe((r) => metrics.errors(r.source, r.outcome ?? 'recorded'));
  const plugins: Plugin[] = [];
  const app = createHttpApp({
    store,
    registry: metrics.registry,
    mode: cluster ? 'cluster' : 'embedded',
    version: VERSION,
    startedAt: Date.now(),
    webchatPublicDir: WEBCHAT_PUBLIC_DIR,
    trustProxy: config.TRUST_PROXY,
    metricsToken: config.METRICS_TOKEN,
    isOperatorToken: (token) => services.isOperatorToken?.(token) ?? Promise.resolve(false),
    details: () => Object.assign({ channels: [...adapters.keys()], queueDepth: engine.queueDepth(), unauthenticatedSockets: limits.counted() }, cluster?.health() ?? {}, ...plugins.map((p) => p.health?.() ?? {})),
  });
  // Embedded mode: a burst of webhooks holds the turns back (issue 13), so it is answered ahead
  // of its turns (bin/ingress-pressure.ts). Before the plugins mount their webhook routes.
  const ingress = cluster ? undefined : (opts.ingress?.signal ?? new IngressPressure());
  if (ingress) app.use(WEBHOOK_PATHS, ingress.middleware);
  const http = createServer(httpServerOptions(config.HTTP_REQUEST_TIMEOUT_SEC), app);
  const limits = socketLimits(config.SOCKET_MAX_CONNECTIONS_PER_IP, clientAddressOf(app));
  // 1 MB + headroom so an oversized chat message reaches validation and gets an error ack
  // instead of silently dropping the connection.
  const io = new SocketServer(http, { maxHttpBufferSize: 2e6, serveClient: true, allowRequest: limits.allowRequest });
  limits.attach(io, CONSOLE_NAMESPACE);
  // Cluster mode: Socket.IO rooms shared across nodes; domain reactions stay on the producing node.
  const closeFanout = config.REDIS_URL ? await attachSocketFanout(io, { url: config.REDIS_URL, prefix: config.CLUSTER_REDIS_PREFIX }, log) : undefined;

  const services: PluginServices = {};
  // The figures /health details carry (queues, failing jobs), for the console's System panel.
  services.healthDetails = () => Object.assign({}, cluster?.health() ?? {}, ...plugins.map((p) => p.health?.() ?? {}));
  const ctx: PluginContext = { config, log, clock, store, ports, bus, io, app, engine: () => engine, services };
  for (const module of opts.plugins ?? PLUGINS) {
    const plugin = await module.create(ctx);
    if (!plugin) {
      log.info({ plugin: module.name, enabled: false }, `${module.name}: off (${module.offReason ?? 'not configured'})`);
      continue;
    }
    plugins.push(plugin);
    for (const adapter of plugin.adapters ?? []) adapters.set(adapter.id, adapter);
    log.info({ plugin: plugin.name }, `${plugin.name}: ${plugin.summary ?? 'on'}`);
  }

  const outbound = new OutboundDispatcher({ store, adapters, bus, clock, log, metrics: metrics.engine, onError: errors.for('queue'), ...(cluster ? { queue: cluster.outbound, rateLimiter: cluster.rateLimiter } : {}) });
  const engine = new Engine({
    store,
    queue: cluster?.turns ?? new InProcessKeyedQueue<TurnJob>({ concurrency: 64, log, onError: errors.for('queue'), ...(ingress ? { pressure: { ...opts.ingress?.queue, signal: ingress } } : {}) }),
    errors,
    outbound,
    adapters,
    bus,
    clock,
    log,
    middleware: buildMiddleware(config, plugins, services),
    metrics: metrics.engine,
    ...(services.scheduler ? { scheduler: services.scheduler } : {}),
    notifyOperators: (n) => services.notifyOperators?.(n) ?? Promise.resolve(),
    typing: { delayMs: config.TYPING_DELAY_MS },
    ...(opts.crashHook ? { crashHook: opts.crashHook } : {}),
  });
  // Product and operations metrics (interviews, takeovers, alerts, delays, store and Redis up) from the bus and on scrape.
  const stopMetrics = metrics.observe({ bus, store, clock, log, redisUrl: config.REDIS_URL });
  const sessions = ports.webchatSessions;
  services.channelTyping = (ref) => adapters.get(ref.channel)?.typing?.(ref) ?? Promise.resolve();
  services.channelAdapter = (channel) => adapters.get(channel);
  webchat.attach(io, { engine, store, clock, log, sessions, settings: config, clientAddress: clientAddressOf(app), onCandidateTyping: (id, typing) => services.candidateTyping?.(id, typing) });
  // CSP, nosniff and the frame policy for /chat and its assets, before any route answers.
  http.prependListener('request', webchatSecurityHeaders(config.WEBCHAT_FRAME_ANCESTORS));

  const sockets = new Set<Socket>();
  http.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  return {
    get url() {
      const addr = http.address() as AddressInfo | null;
      return addr ? `http://${config.HOST}:${addr.port}` : config.publicUrl;
    },
    engine,
    store,
    ports,
    embedded: persistence.embedded,
    io,
    http,
    plugins,
    services,
    async start() {
      for (const p of plugins) await p.start?.();
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.PORT, config.HOST, () => resolve());
      });
      await engine.start();
    },
    async stop() {
      // Stop accepting connections, finish in-flight turns and sends, stop plugins, close the store.
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      await engine.drain();
      for (const p of [...plugins].reverse()) await p.stop?.();
      // After the drain: the turns and plugins finishing above still emit through the adapter.
      await closeFanout?.();
      await stopMetrics();
      await persistence.close();
      await cluster?.close();
    },
  };
}

/** The turn chain: plugin slots around the built-in gate, commands and intake. */
export function buildMiddleware(config: Config, plugins: readonly Plugin[], services: PluginServices): Middleware[] {
  const slot = (name: (typeof MIDDLEWARE_SLOTS)[number]) => plugins.flatMap((p) => p.middleware?.[name] ?? []);
  const commands: Record<string, CommandHandler> = Object.assign({}, ...plugins.map((p) => p.candidateCommands ?? {}));
  return [
    ...slot('preprocess'),
    ...slot('beforeGate'),
    takeoverGate,
    candidateCommands(commands),
    ...slot('commands'),
    intakeMiddleware({ companyName: config.PARLEY_COMPANY_NAME, roles: () => services.roles?.() ?? DEFAULT_ROLES }),
    ...slot('conversation'),
    ...slot('fallback'),
    screeningFallback,
  ];
}

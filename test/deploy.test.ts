/**
 * The cluster's deployment files, checked with real tools where there is no Docker engine:
 * docker-compose.yml parsed and interpolated by Debian's `docker-compose config`, the Prometheus
 * rules by `promtool` (syntax and unit tests), HAProxy's config by `haproxy -c`, the Dockerfile's
 * steps against what CI runs, and the Grafana dashboard's JSON shape with zod. Whether the metrics
 * the rules and dashboard name exist is test/deploy-metrics.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CHILD_TEST_TIMEOUT_MS, READY_TIMEOUT_MS, ROOT, waitForReady, type ChildParley } from './support/child.js';
import { freePort } from './support/ports.js';
import { requireSystemPackage } from './support/system-deps.js';

const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const read = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');
const SECRET = 'a-console-jwt-secret-of-32-characters!';

/** Every variable `.env.example` documents. */
const ENV_KEYS = [...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] as string);

/**
 * The npm packages a compiled entry point can load: its relative imports (static and dynamic)
 * followed through dist/, each bare specifier reduced to its package name. Node built-ins left out.
 */
function packagesReachable(entry: string): string[] {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([@\w./:-]+)["']/g)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec));
      else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) packages.add(/^(@[^/]+\/[^/]+|[^/]+)/.exec(spec)![1]!);
    }
  }
  return [...packages].sort();
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ComposeService = z.object({
  image: z.string().optional(),
  build: z.object({ context: z.string() }).optional(),
  environment: z.record(z.string(), z.string().nullable()).optional(),
  healthcheck: z.object({ test: z.union([z.string(), z.array(z.string())]) }),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
  volumes: z.array(z.union([z.string(), z.object({ source: z.string(), target: z.string(), type: z.string() })])).optional(),
  profiles: z.array(z.string()).optional(),
  ports: z.array(z.unknown()).optional(),
});
const Compose = z.object({ services: z.record(z.string(), ComposeService), volumes: z.record(z.string(), z.unknown()) });

const composeOk = requireSystemPackage('docker-compose', has('docker-compose', ['version']), 'apt-get install docker-compose');
(composeOk ? describe : describe.skip)('docker-compose.yml (docker-compose config)', () => {
  /** `docker-compose config` with `.env` holding `dotenv`: the file as Compose interpolates it. */
  function composeConfig(dotenv: string): { status: number | null; config?: z.infer<typeof Compose>; stderr: string } {
    const dir = mkdtempSync(join(tmpdir(), 'parley-compose-'));
    try {
      writeFileSync(join(dir, '.env'), dotenv);
      const r = run('docker-compose', ['--env-file', join(dir, '.env'), '-f', 'docker-compose.yml', 'config']);
      return r.status === 0 ? { status: 0, config: Compose.parse(parseYaml(r.stdout)), stderr: r.stderr } : { status: r.status, stderr: r.stderr };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('runs MongoDB (replica set), Redis, two Parley nodes and a load balancer, each with a health check', () => {
    expect(run('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { env: { CONSOLE_JWT_SECRET: SECRET } }).status).toBe(0);
    const { config } = composeConfig(`CONSOLE_JWT_SECRET=${SECRET}\n`);
    const services = config!.services;
    expect(Object.keys(services).sort()).toEqual(['grafana', 'lb', 'mongo', 'parley-a', 'parley-b', 'prometheus', 'redis']);
    for (const [name, service] of Object.entries(services)) expect([name, service.healthcheck.test.length > 0]).toEqual([name, true]);
    expect(services.mongo!.healthcheck.test).toContain('/deploy/init-replica-set.js');
    for (const [name, node] of [['parley-a', 'node-a'], ['parley-b', 'node-b']] as const) {
      const s = services[name]!;
      expect(s.build?.context).toBe(ROOT.replace(/\/$/, ''));
      expect(s.environment).toMatchObject({ PARLEY_NODE_NAME: node, HOST: '0.0.0.0', PORT: '3000', PARLEY_DATA_DIR: '/data', REDIS_URL: 'redis://redis:6379/0', CONSOLE_JWT_SECRET: SECRET });
      expect(s.environment!.MONGODB_URI).toMatch(/^mongodb:\/\/mongo:27017\/\w+\?replicaSet=rs0$/);
      expect(s.depends_on).toEqual({ mongo: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
      expect(s.volumes).toContainEqual(expect.stringMatching(new RegExp(`^${name}-data:/data`)));
    }
    expect(services.lb!.depends_on).toEqual({ 'parley-a': { condition: 'service_healthy' }, 'parley-b': { condition: 'service_healthy' } });
    expect(services.prometheus!.profiles).toEqual(['monitoring']);
    expect(services.grafana!.profiles).toEqual(['monitoring']);
    expect(Object.keys(config!.volumes).sort()).toEqual(['grafana-data', 'mongo-data', 'parley-a-data', 'parley-b-data', 'prometheus-data', 'redis-data']);
  });

  it('passes every setting of .env.example to both nodes, taking .env values over the defaults', () => {
    const { config } = composeConfig(`CONSOLE_JWT_SECRET=${SECRET}\nPARLEY_COMPANY_NAME=Acme Robotics\nTELEGRAM_MODE=webhook\nREDIS_URL=\n`);
    for (const name of ['parley-a', 'parley-b']) {
      const env = config!.services[name]!.environment!;
      expect(ENV_KEYS.filter((k) => !(k in env))).toEqual([]);
      // From .env; from .env.example's default; an empty value in .env falls back to the cluster's default.
      expect(env).toMatchObject({ PARLEY_COMPANY_NAME: 'Acme Robotics', TELEGRAM_MODE: 'webhook', WEBCHAT_ACCENT_COLOR: '#2f4ae0', NUDGE_QUIET_HOURS: '21:00-08:00', REDIS_URL: 'redis://redis:6379/0' });
    }
  });

  it('refuses to start without one console signing secret shared by the nodes', () => {
    const r = composeConfig('');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/set CONSOLE_JWT_SECRET in \.env/);
  });

  it('mounts only files that exist in the repository', () => {
    const { config } = composeConfig(`CONSOLE_JWT_SECRET=${SECRET}\n`);
    const binds = Object.values(config!.services).flatMap((s) => s.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[0]! : v.source)).filter((source) => source.startsWith('/'));
    expect(binds.length).toBeGreaterThanOrEqual(6);
    expect(binds.filter((source) => !existsSync(source))).toEqual([]);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const steps = dockerfile.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const ci = read('.ci/run');

  it('installs and builds with the commands CI runs, on Node 20 bookworm-slim', () => {
    expect(steps.filter((s) => s.startsWith('FROM ')).map((s) => s.split(/\s+/)[1])).toEqual(['node:20-bookworm-slim', 'build', 'node:20-bookworm-slim']);
    const npm = steps.filter((s) => s.startsWith('RUN ')).flatMap((s) => s.slice(4).split('&&')).map((c) => c.trim()).filter((c) => c.startsWith('npm '));
    expect(npm).toEqual(['npm ci --no-audit --no-fund', 'npm run build', 'npm ci --omit=dev --no-audit --no-fund']);
    // CI's own install is the same `npm ci` (the last stage only drops devDependencies), and the build script exists.
    expect(ci).toMatch(/^npm ci --no-audit --no-fund$/m);
    expect((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.build).toBe('node scripts/build.mjs');
  });

  it('runs as a non-root user, with a health check on /ready and a data volume', () => {
    expect(steps).toContain('USER node');
    expect(steps.find((s) => s.startsWith('HEALTHCHECK '))).toMatch(/\/ready'/);
    expect(steps).toContain('VOLUME ["/data"]');
    expect(steps.find((s) => s.startsWith('ENV '))).toMatch(/PARLEY_DATA_DIR=\/data/);
  });

  it(
    'the runtime stage, laid out from `npm run build`, starts Parley and passes its own HEALTHCHECK, needing no devDependency',
    async () => {
      const runtime = steps.slice(steps.findLastIndex((s) => s.startsWith('FROM ')));
      const copies = runtime.filter((s) => s.startsWith('COPY --from=')).map((s) => s.split(/\s+/).slice(2) as [string, string]);
      expect(copies).toEqual([['/app/node_modules', './node_modules'], ['/app/dist', './dist'], ['/app/package.json', './package.json']]);
      const image = mkdtempSync(join(tmpdir(), 'parley-image-'));
      let child: ChildParley | undefined;
      try {
        // What each COPY --from brings: the build's dist/, package.json, and the installed packages.
        expect(run(process.execPath, ['scripts/build.mjs', '--outdir', join(image, 'dist')]).status).toBe(0);
        copyFileSync(join(ROOT, 'package.json'), join(image, 'package.json'));
        symlinkSync(join(ROOT, 'node_modules'), join(image, 'node_modules'));
        const cmd = JSON.parse(runtime.find((s) => s.startsWith('CMD '))!.slice(4)) as string[];
        const entry = cmd.find((a) => a.startsWith('dist/'))!;
        // `npm ci --omit=dev` in the deps stage: whatever the entry point can load must be a dependency.
        const { dependencies } = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
        expect(packagesReachable(join(image, entry)).filter((p) => !(p in dependencies))).toEqual([]);

        const env = Object.fromEntries([...runtime.find((s) => s.startsWith('ENV '))!.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
        const port = String(await freePort());
        const dataDir = join(image, 'data');
        const proc = spawn(cmd[0]!, cmd.slice(1), { cwd: image, env: { PATH: process.env.PATH ?? '', ...env, PORT: port, PARLEY_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
        proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child = { proc, output: () => out, exited: new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal }))) };
        await waitForReady(child, READY_TIMEOUT_MS, `http://127.0.0.1:${port}`);
        const healthcheck = JSON.parse(steps.find((s) => s.startsWith('HEALTHCHECK '))!.replace(/^.*\bCMD\s+/, '')) as string[];
        expect(run(healthcheck[0]!, healthcheck.slice(1), { env: { PORT: port } }).status).toBe(0);
        proc.kill('SIGTERM');
        expect(await child.exited).toEqual({ code: 0, signal: null });
        child = undefined;
      } finally {
        child?.proc.kill('SIGKILL');
        rmSync(image, { recursive: true, force: true });
      }
    },
    CHILD_TEST_TIMEOUT_MS,
  );

  it('copies sources that exist, and .dockerignore keeps out local data and secrets but nothing the build reads', () => {
    const sources = steps.filter((s) => s.startsWith('COPY ') && !s.includes('--from=')).map((s) => s.split(/\s+/)[1]!);
    expect(sources.filter((s) => !existsSync(join(ROOT, s)))).toEqual([]);
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.env', 'data', 'dist', '.git']));
    const needed = ['package.json', 'package-lock.json', 'scripts/build.mjs', 'bin/parley.ts', 'core', 'channels', 'operator-console'];
    expect(needed.filter((p) => ignored.some((pattern) => p === pattern || p.startsWith(`${pattern}/`)))).toEqual([]);
  });
});

const promtoolOk = requireSystemPackage('promtool', has('promtool', ['--version']), 'apt-get install prometheus');
(promtoolOk ? describe : describe.skip)('Prometheus rules and config (promtool)', () => {
  it('alerts.yml passes promtool check rules and has the cluster alerts', () => {
    const r = run('promtool', ['check', 'rules', 'deploy/prometheus/alerts.yml']);
    expect(r.stdout + r.stderr).toMatch(/SUCCESS: 9 rules found/);
    expect(r.status).toBe(0);
  });

  it('each alert fires past its threshold and not below it (promtool test rules)', () => {
    const r = run('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: join(ROOT, 'deploy/prometheus') });
    expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
  });

  it('prometheus.yml is valid with the token file the compose file writes beside it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-prometheus-'));
    try {
      for (const f of ['prometheus.yml', 'alerts.yml']) copyFileSync(join(ROOT, 'deploy/prometheus', f), join(dir, f));
      writeFileSync(join(dir, 'metrics-token'), 'token');
      const r = run('promtool', ['check', 'config', join(dir, 'prometheus.yml')]);
      expect(r.stdout + r.stderr).toMatch(/is valid prometheus config file/);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const config = z
      .object({ scrape_configs: z.array(z.object({ job_name: z.string(), honor_labels: z.boolean().optional(), static_configs: z.array(z.object({ targets: z.array(z.string()), labels: z.record(z.string(), z.string()) })) })) })
      .parse(parseYaml(read('deploy/prometheus/prometheus.yml')));
    // Both nodes, by the names the compose file gives them; Parley's own `node` label kept on its series.
    expect(config.scrape_configs.flatMap((s) => s.static_configs.map((c) => [c.targets.join(), c.labels.node]))).toEqual([['parley-a:3000', 'node-a'], ['parley-b:3000', 'node-b']]);
    expect(config.scrape_configs[0]!.honor_labels).toBe(true);
    expect(read('docker-compose.yml')).toMatch(/parley-a:[\s\S]*PARLEY_NODE_NAME: node-a[\s\S]*parley-b:[\s\S]*PARLEY_NODE_NAME: node-b/);
  });
});

const haproxyOk = requireSystemPackage('haproxy', has('haproxy', ['-v']), 'apt-get install haproxy');
(haproxyOk ? describe : describe.skip)('load balancer (haproxy -c)', () => {
  it('is a valid HAProxy config that keeps a Socket.IO session on one node', () => {
    const r = run('haproxy', ['-c', '-f', 'deploy/haproxy/haproxy.cfg']);
    expect(r.stdout + r.stderr).toMatch(/Configuration file is valid/);
    expect(r.status).toBe(0);
    const cfg = read('deploy/haproxy/haproxy.cfg');
    expect(cfg).toMatch(/^\s*cookie PARLEY_NODE insert/m);
    expect(cfg).toMatch(/^\s*server node-a parley-a:3000 cookie node-a$/m);
    expect(cfg).toMatch(/^\s*server node-b parley-b:3000 cookie node-b$/m);
    expect(cfg).toMatch(/^\s*option httpchk GET \/ready$/m);
    // The compose health check of the load balancer asks HAProxy's monitor URI.
    expect(cfg).toMatch(/^\s*monitor-uri \/lb-health$/m);
    expect(read('docker-compose.yml')).toContain('"http://127.0.0.1:8080/lb-health"');
  });
});

const Target = z.object({ refId: z.string(), expr: z.string().min(1), legendFormat: z.string().optional(), datasource: z.object({ type: z.literal('prometheus'), uid: z.string() }) });
const Panel = z.discriminatedUnion('type', [
  z.object({ type: z.literal('row'), id: z.number(), title: z.string(), gridPos: z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() }) }),
  ...(['timeseries', 'bargauge', 'stat'] as const).map((type) =>
    z.object({
      type: z.literal(type),
      id: z.number().int(),
      title: z.string().min(1),
      datasource: z.object({ type: z.literal('prometheus'), uid: z.string() }),
      gridPos: z.object({ x: z.number().int().min(0), y: z.number().int().min(0), w: z.number().int().min(1).max(24), h: z.number().int().min(1) }).refine((g) => g.x + g.w <= 24, 'panel wider than the 24-column grid'),
      targets: z.array(Target).min(1),
    }),
  ),
]);
/** The shape Grafana's file provisioning loads (the parts this dashboard uses). */
const GrafanaDashboard = z.object({
  uid: z.string().min(1),
  title: z.string().min(1),
  schemaVersion: z.number().int().min(36),
  panels: z.array(Panel).min(1),
  templating: z.object({ list: z.array(z.object({ name: z.string(), type: z.string() })) }),
});

describe('Grafana dashboard and provisioning', () => {
  // Parsed in each test, so a broken file fails the test that names it (not the whole suite).
  const load = () => {
    const dashboard = GrafanaDashboard.parse(JSON.parse(read('deploy/grafana/dashboards/parley.json')));
    return { dashboard, panels: dashboard.panels.flatMap((p) => (p.type === 'row' ? [] : [p])) };
  };

  it('is a valid dashboard on the provisioned Prometheus data source', () => {
    const { dashboard, panels } = load();
    const ds = z.object({ datasources: z.array(z.object({ uid: z.string(), type: z.literal('prometheus'), url: z.string() })) }).parse(parseYaml(read('deploy/grafana/provisioning/datasources/prometheus.yml')));
    expect(ds.datasources[0]!.url).toBe('http://prometheus:9090');
    const uids = new Set(panels.flatMap((p) => [p.datasource.uid, ...p.targets.map((t) => t.datasource.uid)]));
    expect([...uids]).toEqual([ds.datasources[0]!.uid]);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const provider = z.object({ providers: z.array(z.object({ type: z.literal('file'), options: z.object({ path: z.string() }) })) }).parse(parseYaml(read('deploy/grafana/provisioning/dashboards/parley.yml')));
    expect(read('docker-compose.yml')).toContain(`./deploy/grafana/dashboards:${provider.providers[0]!.options.path}:ro`);
  });

  it('shows the funnel, risk, operator response, latency, throughput and queue depth per node', () => {
    const { panels } = load();
    const find = (title: RegExp) => panels.find((p) => title.test(p.title))?.targets.map((t) => t.expr).join('\n') ?? '';
    expect(find(/^Funnel/)).toMatch(/parley_funnel_candidates/);
    expect(find(/^Risk/)).toMatch(/parley_risk_assessments_total/);
    expect(find(/^Operator first response/)).toMatch(/parley_operator_first_response_seconds_bucket/);
    expect(find(/^Turn latency per node/)).toMatch(/by \(node, le\)/);
    expect(find(/^Throughput per node/)).toMatch(/parley_inbound_messages_total/);
    expect(find(/^Queue depth per node/)).toMatch(/parley_queue_depth/);
    expect(panels.find((p) => /^Queue depth per node/.test(p.title))?.targets[0]?.legendFormat).toBe('{{node}}');
  });
});

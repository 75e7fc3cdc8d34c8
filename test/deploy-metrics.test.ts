/**
 * The Prometheus rules and the Grafana dashboard under deploy/ may name only metrics a running
 * Parley exports: a cluster node (REDIS_URL set, real redis-server) is started and its /metrics
 * scraped with METRICS_TOKEN, and every metric name in every rule and panel query is looked up
 * in it. Every series carries the node's name.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ROOT } from './support/child.js';
import { opsGet, startParley, type TestParley } from './support/harness.js';
import { hasRedisServer, startRedis, type TestRedis } from './support/redis.js';
import { requireSystemPackage } from './support/system-deps.js';

/** Series Prometheus makes itself for every target (not exported by Parley). */
const PROMETHEUS_OWN = new Set(['up']);
const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression reads: identifiers left once strings, label matchers,
 * ranges, grouping clauses and function calls are taken out. Grafana variables ($node) sit inside
 * label matchers.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)]
    // Not a function call (`rate(`), not part of a number (`1e3`).
    .filter((m) => !/^\s*\(/.test(bare.slice(m.index + m[0].length)) && !/[0-9.]$/.test(bare.slice(0, m.index)))
    .map((m) => m[0])
    .filter((w) => !PROMQL_WORDS.has(w.toLowerCase()));
  return [...new Set(names)];
}

/** Every series and family name in a /metrics page (histograms also as _bucket, _sum and _count). */
function exportedNames(page: string): Set<string> {
  const names = new Set<string>();
  for (const line of page.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      names.add(type[1]!);
      if (type[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(type[1]! + s);
    } else if (line && !line.startsWith('#')) {
      names.add(/^[^{\s]+/.exec(line)![0]);
    }
  }
  return names;
}

const rulesFile = z.object({ groups: z.array(z.object({ name: z.string(), rules: z.array(z.object({ alert: z.string(), expr: z.string() })) })) });
const dashboardFile = z.object({
  panels: z.array(z.object({ title: z.string(), targets: z.array(z.object({ expr: z.string() })).optional() })),
  templating: z.object({ list: z.array(z.object({ name: z.string(), definition: z.string().optional() })) }),
});

/** [where, expression] for every rule and every dashboard query. */
function deployQueries(): [string, string][] {
  const rules = rulesFile.parse(parseYaml(readFileSync(join(ROOT, 'deploy/prometheus/alerts.yml'), 'utf8')));
  const dashboard = dashboardFile.parse(JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/dashboards/parley.json'), 'utf8')));
  return [
    ...rules.groups.flatMap((g) => g.rules.map((r): [string, string] => [`alert ${r.alert}`, r.expr])),
    ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t): [string, string] => [`panel "${p.title}"`, t.expr])),
    ...dashboard.templating.list.flatMap((v) => (v.definition ? [[`variable $${v.name}`, v.definition.replace(/^label_values\(([^,]+),.*$/, '$1')] as [string, string]] : [])),
  ];
}

describe('metricNames (PromQL)', () => {
  it('finds the metrics an expression reads and nothing else', () => {
    expect(metricNames('histogram_quantile(0.95, sum by (node, le) (rate(parley_x_bucket{node=~"$node",le="+Inf"}[5m]))) > 30')).toEqual(['parley_x_bucket']);
    expect(metricNames('a_total / on(node) group_left b_bytes > 0.8 and deriv(c[10m]) > 0 or d * 0')).toEqual(['a_total', 'b_bytes', 'c', 'd']);
    expect(metricNames('up{job="parley"} == 0')).toEqual(['up']);
  });
});

const redisOk = requireSystemPackage('redis-server', hasRedisServer(), 'apt-get install redis-server');
(redisOk ? describe : describe.skip)('deploy/ names only metrics a running cluster node exports', () => {
  let redis: TestRedis;
  let app: TestParley;
  let page = '';
  beforeAll(async () => {
    redis = await startRedis();
    app = await startParley({ REDIS_URL: redis.url, PARLEY_NODE_NAME: 'node-under-test' });
    const res = await opsGet(`${app.url}/metrics`);
    expect(res.status).toBe(200);
    page = await res.text();
  });
  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  it('every metric in the alert rules and the dashboard queries is on /metrics', () => {
    const exported = exportedNames(page);
    const queries = deployQueries();
    expect(queries.length).toBeGreaterThan(20);
    const missing = queries.flatMap(([where, expr]) => metricNames(expr).filter((n) => !exported.has(n) && !PROMETHEUS_OWN.has(n)).map((n) => `${where}: ${n}`));
    expect(missing).toEqual([]);
  });

  it('every series carries the node name, and the store and Redis are seen up', () => {
    const samples = page.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(samples.length).toBeGreaterThan(50);
    expect(samples.filter((l) => !/[{,]node="node-under-test"[,}]/.test(l))).toEqual([]);
    expect(page).toMatch(/^parley_store_up\{node="node-under-test"\} 1$/m);
    expect(page).toMatch(/^parley_redis_up\{node="node-under-test"\} 1$/m);
    const value = (name: string) => Number(new RegExp(`^${name}\\{node="node-under-test"\\} (\\S+)$`, 'm').exec(page)?.[1]);
    expect(value('parley_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(value('parley_memory_limit_bytes')).toBeGreaterThan(value('parley_process_resident_memory_bytes'));
  });
});
